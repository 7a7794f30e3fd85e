/** The shape of a rule table entry; see ruleTable.ts. */

export type RuleSeverity = "error" | "warning" | "info" | "hint";

export interface RuleDefinition {
  id: string;
  severity: RuleSeverity;
  /** One line: what the rule catches. */
  description: string;
  /** Pitfalls from the facts catalogue that the rule covers (P01–P62). */
  pitfalls?: string[];
}
