import type { Position, Range } from "vscode-languageserver-types";
import type { PositionMapper } from "../languageTypes";
import { lastIndexWhere } from "./binarySearch";
import { lineBreakEnds } from "./lineIndex";

/**
 * An open document's text that takes LSP edits in time independent of its size,
 * and converts between offsets (UTF-16 code units) and LSP positions.
 *
 * vscode-languageserver-textdocument's TextDocument rebuilds the whole string and
 * adds each edit's delta to every later line start: several ms per keystroke in a
 * 100k-line file. Here the text is kept in pieces of a few KB, each with the line
 * starts inside it, so an edit re-scans one or two pieces. Line breaks are "\n",
 * "\r\n" and a lone "\r", as LSP counts them; a "\r\n" is never split between two
 * pieces.
 */
export class EditableText implements PositionMapper {
  private pieces: Piece[];
  private joined: string | undefined;
  private totalLength: number;
  /** Where each piece starts (offset and line), built on the first lookup after an edit. */
  private pieceStarts: PieceStarts | undefined;
  /** The piece the last lookup found. */
  private lastPiece = 0;

  /** `pieceSize` is for tests that need many pieces from a short text. */
  constructor(
    text: string,
    private readonly pieceSize = PIECE_SIZE,
  ) {
    this.pieces = piecesOf(text, pieceSize);
    this.joined = text;
    this.totalLength = text.length;
  }

  get length(): number {
    return this.totalLength;
  }

  get lineCount(): number {
    const { lines } = this.starts();
    const last = this.pieces.length - 1;
    return lines[last] + this.pieces[last].lineStarts.length + 1;
  }

  /** The whole text; joined once after each run of edits. */
  getText(): string {
    if (this.joined === undefined) {
      const joined = this.pieces.map((piece) => piece.text).join("");
      // Pieces cut from the joined text keep one copy of it alive, not two.
      let start = 0;
      for (const piece of this.pieces) {
        const end = start + piece.text.length;
        piece.text = joined.slice(start, end);
        start = end;
      }
      this.joined = joined;
    }
    return this.joined;
  }

  /** Replaces [start, end) (offsets, clamped to the text) with `newText`. */
  replace(start: number, end: number, newText: string): void {
    const from = Math.max(0, Math.min(start, this.totalLength));
    const to = Math.max(from, Math.min(end, this.totalLength));
    const first = this.pieceAt(from);
    const last = to === from ? first : this.pieceAt(to);
    let firstIndex = first.index;
    let lastIndex = last.index;
    let text =
      this.pieces[firstIndex].text.slice(0, from - first.start) +
      newText +
      this.pieces[lastIndex].text.slice(to - last.start);
    // Keep "\r\n" inside one piece, and small pieces from piling up after deletions.
    const endsWithCr = (value: string) => value.charCodeAt(value.length - 1) === CR;
    while (
      firstIndex > 0 &&
      (text.length < this.pieceSize / 4 ||
        (text.charCodeAt(0) === LF && endsWithCr(this.pieces[firstIndex - 1].text)))
    ) {
      firstIndex--;
      text = this.pieces[firstIndex].text + text;
    }
    while (
      lastIndex + 1 < this.pieces.length &&
      endsWithCr(text) &&
      this.pieces[lastIndex + 1].text.charCodeAt(0) === LF
    ) {
      lastIndex++;
      text += this.pieces[lastIndex].text;
    }
    const replacement = text.length > 0 ? piecesOf(text, this.pieceSize) : [];
    this.pieces.splice(firstIndex, lastIndex - firstIndex + 1, ...replacement);
    if (this.pieces.length === 0) this.pieces.push(pieceOf(""));
    this.totalLength += newText.length - (to - from);
    this.joined = undefined;
    this.pieceStarts = undefined;
  }

  /** Applies an LSP content change: a range and its replacement, or the whole text. */
  applyChange(change: { range?: Range; text: string }): void {
    if (!change.range) {
      this.pieces = piecesOf(change.text, this.pieceSize);
      this.joined = change.text;
      this.totalLength = change.text.length;
      this.pieceStarts = undefined;
      return;
    }
    const start = this.offsetAt(change.range.start);
    const end = this.offsetAt(change.range.end);
    this.replace(start, Math.max(start, end), change.text);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.totalLength));
    const { index, start, line } = this.pieceAt(clamped);
    const low = this.lineStartsUpTo(index, clamped - start);
    const lineStart =
      low > 0 ? start + this.pieces[index].lineStarts[low - 1] : this.lineStartBefore(index);
    let character = clamped - lineStart;
    // Between the "\r" and "\n" of a line break: the end of the line, as TextDocument says.
    if (character > 0 && this.charCodeAt(clamped - 1) === CR) character--;
    return { line: line + low, character };
  }

  lineAt(offset: number): number {
    const clamped = Math.max(0, Math.min(offset, this.totalLength));
    // No object for the piece: folding asks for thousands of lines at a time.
    const index = this.pieceIndexAt(clamped);
    const { offsets, lines } = this.starts();
    return lines[index] + this.lineStartsUpTo(index, clamped - offsets[index]);
  }

  /** How many lines start in piece `index` at or before `within` (an offset in it). */
  private lineStartsUpTo(index: number, within: number): number {
    const { lineStarts } = this.pieces[index];
    let low = 0;
    let high = lineStarts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (lineStarts[mid] > within) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    const lineStart = this.lineStart(position.line);
    if (lineStart === undefined) return this.totalLength;
    const next = this.lineStart(position.line + 1);
    // A position past the end of a line means the end of that line, before its break.
    let lineEnd = this.totalLength;
    if (next !== undefined) {
      lineEnd = next - 1;
      if (
        lineEnd > lineStart &&
        this.charCodeAt(lineEnd) === LF &&
        this.charCodeAt(lineEnd - 1) === CR
      )
        lineEnd--;
    }
    return Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), lineEnd));
  }

  /** The offset where a line starts, or undefined past the last line. */
  private lineStart(line: number): number | undefined {
    if (line <= 0) return 0;
    const { offsets, lines } = this.starts();
    // The last piece whose first line is before `line`: the break that starts it is inside.
    const index = lastIndexWhere(lines.length, (i) => lines[i] < line);
    const { lineStarts } = this.pieces[index];
    const within = line - lines[index] - 1;
    return within < lineStarts.length ? offsets[index] + lineStarts[within] : undefined;
  }

  /** The start of the line that is open at the start of piece `index`. */
  private lineStartBefore(index: number): number {
    return this.lineStart(this.starts().lines[index]) ?? 0;
  }

  private charCodeAt(offset: number): number {
    const { index, start } = this.pieceAt(offset);
    return this.pieces[index].text.charCodeAt(offset - start);
  }

  /**
   * The piece holding `offset` (the last piece for the end of the text), its start
   * offset, and the number of the line open at its start.
   */
  private pieceAt(offset: number): { index: number; start: number; line: number } {
    const index = this.pieceIndexAt(offset);
    const { offsets, lines } = this.starts();
    return { index, start: offsets[index], line: lines[index] };
  }

  /** The index of the piece holding `offset`, as pieceAt() finds it. */
  private pieceIndexAt(offset: number): number {
    const { offsets } = this.starts();
    // Readers mostly go forward through the file: try the last piece found first.
    let index = this.lastPiece;
    if (
      index >= offsets.length ||
      offsets[index] > offset ||
      (index + 1 < offsets.length && offsets[index + 1] <= offset)
    ) {
      // Pieces are never empty (but for the one piece of an empty text): starts increase.
      index = Math.max(
        0,
        lastIndexWhere(offsets.length, (i) => offsets[i] <= offset),
      );
      this.lastPiece = index;
    }
    return index;
  }

  private starts(): PieceStarts {
    if (!this.pieceStarts) {
      // Of their final size at once: push() would grow them by copying, after every edit.
      const count = this.pieces.length;
      const offsets = new Array<number>(count);
      const lines = new Array<number>(count);
      let offset = 0;
      let line = 0;
      for (let i = 0; i < count; i++) {
        const piece = this.pieces[i];
        offsets[i] = offset;
        lines[i] = line;
        offset += piece.text.length;
        line += piece.lineStarts.length;
      }
      this.pieceStarts = { offsets, lines };
    }
    return this.pieceStarts;
  }
}

/** Per piece: the offset it starts at, and the number of the line open there. */
interface PieceStarts {
  offsets: number[];
  lines: number[];
}

interface Piece {
  text: string;
  /** Offsets within `text` just after each line break in it. */
  lineStarts: number[];
}

/** Pieces are cut near this size, so an edit re-scans a few KB, not the document. */
const PIECE_SIZE = 8192;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The pieces of a text, of nearly equal sizes up to `pieceSize`; one empty piece
 * for an empty text. Equal sizes, because a full piece that an edit makes one
 * character longer would otherwise leave a piece of one character behind: one
 * more piece for every later lookup, after every such edit.
 */
function piecesOf(text: string, pieceSize: number): Piece[] {
  if (text.length === 0) return [pieceOf("")];
  const size = Math.ceil(text.length / Math.ceil(text.length / pieceSize));
  const pieces: Piece[] = [];
  let from = 0;
  while (from < text.length) {
    let to = Math.min(text.length, from + size);
    // A cut between "\r" and "\n" would count one line break as two.
    if (to < text.length && text.charCodeAt(to - 1) === CR && text.charCodeAt(to) === LF) to++;
    pieces.push(pieceOf(text.slice(from, to)));
    from = to;
  }
  return pieces;
}

function pieceOf(text: string): Piece {
  return { text, lineStarts: lineBreakEnds(text) };
}
