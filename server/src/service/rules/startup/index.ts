import type { Rule } from "../rule";
import compatibilityLevel from "./compatibility-level";
import expansionLoop from "./expansion-loop";
import inetInterfaces from "./inet-interfaces";
import inetProtocols from "./inet-protocols";
import valueBrace from "./value-brace";

/** The start-up family, in the order the README lists it. */
export const startupRules: readonly Rule[] = [
  expansionLoop,
  compatibilityLevel,
  inetProtocols,
  inetInterfaces,
  valueBrace,
];
