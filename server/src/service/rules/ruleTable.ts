/**
 * The rule table, made from the rule modules (see registry.ts). A rule id is the
 * Diagnostic.code, the key of its severity in the `postfix.rules` setting and the
 * key of its quick-fix; ids never change meaning.
 */

import { RULE_MODULES } from "./registry";
import type { RuleMeta } from "./rule";
import type { RuleDefinition, RuleSeverity } from "./ruleDefinition";

export type { RuleDefinition, RuleSeverity };

/** A rule id: kebab-case, unique; checked by test/unit/rule-modules.test.ts. */
export type RuleId = string;

export const RULES: readonly RuleMeta[] = RULE_MODULES.map((rule) => rule.meta);

const byId = new Map<string, RuleMeta>(RULES.map((rule) => [rule.id, rule]));

export function getRule(id: string): RuleMeta | undefined {
  return byId.get(id);
}
