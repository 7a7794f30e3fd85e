import type { Position } from "vscode-languageserver-types";
import {
  type ConfigKind,
  type ParsedConfig,
  parseConfig,
} from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";

/** The cursor marker in test texts. */
export const CURSOR = "█";

/** Parses `text` without its cursor marker and says where the marker stood. */
export function atCursor(
  kind: ConfigKind,
  marked: string,
): { config: ParsedConfig; index: LineIndex; position: Position; offset: number } {
  const offset = marked.indexOf(CURSOR);
  if (offset < 0) throw new Error(`no ${CURSOR} in test text`);
  const text = marked.slice(0, offset) + marked.slice(offset + CURSOR.length);
  const index = new LineIndex(text);
  return { config: parseConfig(kind, text), index, position: index.positionAt(offset), offset };
}
