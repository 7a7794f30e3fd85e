import type { Rule } from "../rule";
import deprecatedParameter from "./deprecated-parameter";
import invalidBoolean from "./invalid-boolean";
import invalidNumber from "./invalid-number";
import invalidTime from "./invalid-time";
import masterCfMissing from "./master-cf-missing";
import readOnlyParameter from "./read-only-parameter";
import removedParameter from "./removed-parameter";
import undefinedReference from "./undefined-reference";
import unknownParameter from "./unknown-parameter";
import valueOutOfRange from "./value-out-of-range";

/**
 * The parameters family, in the order the README lists it. master-cf-missing comes
 * first: validation adds its note at this place, after the syntax findings.
 */
export const parametersRules: readonly Rule[] = [
  masterCfMissing,
  unknownParameter,
  undefinedReference,
  deprecatedParameter,
  removedParameter,
  readOnlyParameter,
  invalidBoolean,
  invalidNumber,
  invalidTime,
  valueOutOfRange,
];
