import type { Rule } from "../rule";
import domainInSeveralClasses from "./domain-in-several-classes";
import mydestinationWithoutMyhostname from "./mydestination-without-myhostname";
import relayhostIsSelf from "./relayhost-is-self";
import transportUndefined from "./transport-undefined";

/** The domains family: mail loops, address classes, transports. */
export const domainRules: readonly Rule[] = [
  domainInSeveralClasses,
  transportUndefined,
  mydestinationWithoutMyhostname,
  relayhostIsSelf,
];
