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
  {
    id: "unknown-parameter",
    severity: "warning",
    description:
      "A name the configured release does not know (a typo, or a parameter of a later release) that nothing references; Postfix ignores it.",
  },
  {
    id: "master-cf-missing",
    severity: "info",
    description:
      "main.cf was checked without master.cf (CLI and editor only); checks of master.cf services were skipped.",
  },
  {
    id: "undefined-reference",
    severity: "warning",
    description: "A $name that is neither a parameter nor set anywhere; it expands to nothing.",
  },
  {
    id: "deprecated-parameter",
    severity: "warning",
    description: "A parameter postconf warns about as deprecated in the configured release.",
    pitfalls: ["P10", "P13", "P14", "P15"],
  },
  {
    id: "removed-parameter",
    severity: "warning",
    description:
      "A parameter that an earlier release had and the configured one ignores; names the release that dropped it and its replacement.",
    pitfalls: ["P14"],
  },
  {
    id: "read-only-parameter",
    severity: "warning",
    description:
      "An assignment to a parameter Postfix sets itself (process_name, process_id, service_name).",
  },
  {
    id: "invalid-boolean",
    severity: "error",
    description: "A yes/no parameter with another value; the daemons refuse to start.",
    pitfalls: ["P05"],
  },
  {
    id: "invalid-number",
    severity: "error",
    description:
      "A numeric parameter with a value that is not a whole number; the daemons refuse to start.",
    pitfalls: ["P05"],
  },
  {
    id: "invalid-time",
    severity: "error",
    description: "A time parameter with a value that is not a number with an s, m, h, d or w unit.",
    pitfalls: ["P05"],
  },
  {
    id: "value-out-of-range",
    severity: "error",
    description: "A number outside the bounds the daemons enforce.",
  },
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
