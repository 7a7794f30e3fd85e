import type { Position } from "vscode-languageserver-types";

/** Converts document offsets to LSP positions and back; a TextDocument does both. */
export interface PositionMapper {
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
  /** The line of an offset: `positionAt(offset).line`, without the column. */
  lineAt(offset: number): number;
}
