import type { Diagnostic, TextEdit } from "vscode-languageserver-types";
import { doCodeActions } from "../../server/src/service/codeActions";
import type { ParsedConfig } from "../../server/src/service/parser/document";
import type { LineIndex } from "../../server/src/service/text/lineIndex";

/** Applies LSP text edits (non-overlapping, as a code action sends them) to a text. */
export function applyEdits(text: string, index: LineIndex, edits: TextEdit[]): string {
  const sorted = [...edits].sort(
    (a, b) => index.offsetAt(b.range.start) - index.offsetAt(a.range.start),
  );
  let result = text;
  for (const edit of sorted) {
    result =
      result.slice(0, index.offsetAt(edit.range.start)) +
      edit.newText +
      result.slice(index.offsetAt(edit.range.end));
  }
  return result;
}

/** The text after applying the code action for `code` whose title matches. */
export function applyCodeAction(
  config: ParsedConfig,
  index: LineIndex,
  text: string,
  diagnostics: Diagnostic[],
  code: string,
  title: RegExp,
): string {
  const actions = doCodeActions(
    config,
    index,
    "file:///x",
    diagnostics.filter((d) => d.code === code),
  );
  const action = actions.find((candidate) => title.test(candidate.title));
  if (!action)
    throw new Error(`no fix matching ${title}: ${actions.map((a) => a.title).join(", ")}`);
  return applyEdits(text, index, action.edit!.changes!["file:///x"]);
}
