/**
 * postfix-lint --fix: applies the safe quick-fixes of a file until none is left,
 * each pass validating the text the previous one produced.
 */

import type { Diagnostic } from "vscode-languageserver-types";
import type { FixEdit } from "./service/rules/findings";
import { getRule } from "./service/rules/ruleTable";
import type { DiagnosticData } from "./service/validation";

/** A fix that was applied: its rule, title and the line (1-based) it started on then. */
export interface AppliedFix {
  rule: string;
  title: string;
  line: number;
}

/** More passes than any chain of fixes needs; a fix that undoes another cannot loop forever. */
const MAX_PASSES = 10;

/**
 * Applies every safe fix that `validate` offers on `text`, pass by pass. Within a
 * pass, a fix whose edits overlap an earlier one waits for the next pass.
 */
export function applySafeFixes(
  text: string,
  validate: (text: string) => Diagnostic[],
): { text: string; applied: AppliedFix[] } {
  const applied: AppliedFix[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const chosen: FixEdit[] = [];
    for (const diagnostic of validate(text)) {
      const fix = (diagnostic.data as DiagnosticData | undefined)?.fix;
      const rule = String(diagnostic.code);
      if (!fix || getRule(rule)?.safeFix !== true) continue;
      if (fix.edits.some((edit) => chosen.some((other) => overlaps(edit, other)))) continue;
      chosen.push(...fix.edits);
      applied.push({ rule, title: fix.title, line: diagnostic.range.start.line + 1 });
    }
    if (chosen.length === 0) break;
    text = applyEdits(text, chosen);
  }
  return { text, applied };
}

/** Two edits touch the same text (insertions at one point count as touching). */
function overlaps(a: FixEdit, b: FixEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function applyEdits(text: string, edits: FixEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start))
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}
