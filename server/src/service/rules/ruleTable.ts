/**
 * The rule table. A rule id is the Diagnostic.code, the key of its severity in the
 * `postfix.rules` setting and the key of its quick-fix; ids never change meaning.
 */

import type { RuleDefinition, RuleSeverity } from "./ruleDefinition";
import { RULE_MODULES } from "./registry";

export type { RuleDefinition, RuleSeverity };

const rules = [
  {
    id: "file-too-large",
    severity: "warning",
    description:
      "A file too large to analyse (over 10 million characters); nothing else is checked.",
  },
  {
    id: "sibling-not-read",
    severity: "info",
    description:
      "The main.cf or master.cf beside this file was not read (FIFO, device, too large, link out); cross-file checks ran without it.",
  },
  {
    id: "missing-equals",
    severity: "error",
    description: "A main.cf line has no '=' after the parameter name; Postfix refuses to start.",
  },
  {
    id: "missing-name",
    severity: "error",
    description: "A main.cf line starts with '='; Postfix refuses to start.",
  },
  {
    id: "leading-whitespace",
    severity: "warning",
    description: "The first line starts with whitespace; Postfix skips it.",
  },
  {
    id: "nul-byte",
    severity: "error",
    description: "A NUL byte; Postfix ignores the rest of the line after it.",
  },
  {
    id: "macro-syntax",
    severity: "error",
    description: "A $ expansion that Postfix cannot parse.",
  },
  {
    id: "duplicate-parameter",
    safeFix: true,
    severity: "warning",
    description: "A parameter is set again later in main.cf; the later value wins.",
  },
  {
    id: "comment-after-value",
    safeFix: true,
    severity: "error",
    description: "A '#' after other text is not a comment; it becomes part of the value.",
    pitfalls: ["P01", "P03"],
  },
  {
    id: "master-field-count",
    severity: "error",
    description: "A master.cf entry has fewer than eight fields.",
  },
  {
    id: "master-field-value",
    severity: "error",
    description: "A master.cf field has a value Postfix does not accept.",
  },
  {
    id: "master-brace",
    severity: "error",
    description: "A '{...}' group in master.cf is not closed, or text follows the '}'.",
  },
  {
    id: "option-spaced-equals",
    safeFix: true,
    severity: "error",
    description: "'-o name = value' with spaces: the service receives '-o name' and fails.",
    pitfalls: ["P02"],
  },
  {
    id: "option-literal-braces",
    severity: "warning",
    description: "-o name={a b}: the braces stay in the value; -o { name = a b } was meant.",
    pitfalls: ["P04"],
  },
  {
    id: "option-without-setting",
    severity: "error",
    description: "An '-o' value that is not name=value.",
  },
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
    safeFix: true,
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
