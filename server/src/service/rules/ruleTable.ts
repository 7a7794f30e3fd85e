/**
 * The rule table. A rule id is the Diagnostic.code, the key of its severity in the
 * `postfix.rules` setting and the key of its quick-fix; ids never change meaning.
 */

import type { RuleDefinition, RuleSeverity } from "./ruleDefinition";
import { RULE_MODULES } from "./registry";
import { tlsClientRuleDefinitions } from "./tlsClientRules";
import { tlsServerRuleDefinitions } from "./tlsServerRules";
import { tlsValuesRuleDefinitions } from "./tlsValuesRules";

export type { RuleDefinition, RuleSeverity };

const rules = [
  ...tlsValuesRuleDefinitions,
  ...tlsServerRuleDefinitions,
  ...tlsClientRuleDefinitions,
] as const satisfies readonly RuleDefinition[];

/** A rule id: kebab-case, unique; checked by test/unit/rule-modules.test.ts. */
export type RuleId = string;

/** Rules still defined in topic files, then the rule modules (see registry.ts). */
export const RULES: readonly RuleDefinition[] = [
  ...rules,
  ...RULE_MODULES.map((rule) => rule.meta),
];

const byId = new Map<string, RuleDefinition>(RULES.map((rule) => [rule.id, rule]));

export function getRule(id: string): RuleDefinition | undefined {
  return byId.get(id);
}
