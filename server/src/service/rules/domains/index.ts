import type { Rule } from "../rule";
import transportUndefined from "./transport-undefined";

/** The domains family: mail loops, address classes, transports. */
export const domainRules: readonly Rule[] = [transportUndefined];
