import type { RuleContext } from "./context";
import type { Finding } from "./findings";
import type { RuleDefinition } from "./ruleDefinition";

/** Rule definitions of this module; ruleTable.ts collects them. */
export const tlsValuesRuleDefinitions = [] as const satisfies readonly RuleDefinition[];

export function checkTlsValues(_context: RuleContext): Finding[] {
  return [];
}
