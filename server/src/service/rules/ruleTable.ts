/**
 * The rule table. A rule id is the Diagnostic.code, the key of its severity in the
 * `postfix.rules` setting and the key of its quick-fix; ids never change meaning.
 */

export type RuleSeverity = "error" | "warning" | "info" | "hint";

export interface RuleDefinition {
  id: string;
  severity: RuleSeverity;
  /** One line: what the rule catches. */
  description: string;
  /** Pitfalls from the facts catalogue that the rule covers (P01–P62). */
  pitfalls?: string[];
}

const rules = [
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
    severity: "warning",
    description: "A parameter is set again later in main.cf; the later value wins.",
  },
  {
    id: "comment-after-value",
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
    severity: "error",
    description: "'-o name = value' with spaces: the service receives '-o name' and fails.",
    pitfalls: ["P02"],
  },
  {
    id: "option-without-setting",
    severity: "error",
    description: "An '-o' value that is not name=value.",
  },
] as const satisfies readonly RuleDefinition[];

export type RuleId = (typeof rules)[number]["id"];

export const RULES: readonly RuleDefinition[] = rules;

const byId = new Map<string, RuleDefinition>(RULES.map((rule) => [rule.id, rule]));

export function getRule(id: string): RuleDefinition | undefined {
  return byId.get(id);
}
