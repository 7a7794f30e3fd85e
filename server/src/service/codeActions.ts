import type { CodeAction, Diagnostic, Range, TextEdit } from "vscode-languageserver-types";
import { CodeActionKind } from "vscode-languageserver-types";
import type { PositionMapper } from "./languageTypes";
import { type ParsedConfig, isEntry } from "./parser/document";
import { type DiagnosticData, DIAGNOSTIC_SOURCE } from "./validation";

/** The command that shows a rule's page; its one argument is the rule id. */
export const EXPLAIN_RULE_COMMAND = "postfix.explainRule";

/**
 * Quick-fixes for our diagnostics: the rule's own fix (carried in the
 * diagnostic's data), for every rule a comment that silences it on that entry,
 * and an action that opens the rule's page. Each action changes exactly what its
 * title says.
 */
export function doCodeActions(
  config: ParsedConfig,
  mapper: PositionMapper,
  uri: string,
  diagnostics: Diagnostic[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== "string") continue;
    const fix = (diagnostic.data as DiagnosticData | undefined)?.fix;
    if (fix) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: {
          changes: {
            [uri]: fix.edits.map((edit) => textEdit(mapper, edit.start, edit.end, edit.newText)),
          },
        },
      });
    }
    const suppression = suppressionEdit(config, mapper, diagnostic.range, diagnostic.code);
    if (suppression) {
      actions.push({
        title: `Disable ${diagnostic.code} for this entry`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [suppression] } },
      });
    }
    const explain = `Explain rule ${diagnostic.code}`;
    actions.push({
      title: explain,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: explain, command: EXPLAIN_RULE_COMMAND, arguments: [diagnostic.code] },
    });
  }
  return actions;
}

function textEdit(mapper: PositionMapper, start: number, end: number, newText: string): TextEdit {
  return { range: { start: mapper.positionAt(start), end: mapper.positionAt(end) }, newText };
}

/** A `# postfix-lint: disable-next-line RULE` line above the entry the diagnostic is in. */
function suppressionEdit(
  config: ParsedConfig,
  mapper: PositionMapper,
  range: Range,
  rule: string,
): TextEdit | undefined {
  const offset = mapper.offsetAt(range.start);
  const entry = config.blocks
    .filter(isEntry)
    .find((block) => block.start <= offset && offset <= block.end);
  if (!entry) return undefined;
  const newline = config.text.includes("\r\n") ? "\r\n" : "\n";
  return textEdit(
    mapper,
    entry.start,
    entry.start,
    `# postfix-lint: disable-next-line ${rule}${newline}`,
  );
}
