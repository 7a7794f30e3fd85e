/** The shape of a rule table entry; see ruleTable.ts. */

export type RuleSeverity = "error" | "warning" | "info" | "hint";

export interface RuleDefinition {
  id: string;
  severity: RuleSeverity;
  /** One line: what the rule catches. */
  description: string;
  /** Pitfalls from the facts catalogue that the rule covers (P01–P62). */
  pitfalls?: string[];
  /**
   * The quick-fix only repairs what the configuration evidently means (syntax, a
   * misspelt or misplaced setting) and may be applied unattended by
   * `postfix-lint --fix`. Fixes that change policy are left to a person.
   */
  safeFix?: boolean;
}
