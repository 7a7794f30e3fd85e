import type { Rule } from "../rule";
import domainInSeveralClasses from "./domain-in-several-classes";
import transportUndefined from "./transport-undefined";

/** The domains family: mail loops, address classes, transports. */
export const domainRules: readonly Rule[] = [domainInSeveralClasses, transportUndefined];
