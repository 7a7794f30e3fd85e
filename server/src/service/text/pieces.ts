import { lastIndexWhere } from "./binarySearch";

// A long text kept in pieces of a few KB, so that an edit copies one piece, not the text.

/**
 * The text reads that hover and completion make. A string is one; after edits,
 * configText() gives a view over the pieces, so a request does not join the text.
 * Callers pass offsets of 0 or more (a string's slice counts negative ones from
 * the end; the view clamps them to 0).
 */
export interface DocumentText {
  readonly length: number;
  slice(start: number, end?: number): string;
  charAt(offset: number): string;
  indexOf(search: string, from?: number): number;
  lastIndexOf(search: string, from?: number): number;
}

/** Pieces are split above this size, so an edit copies at most this much text. */
export const PIECE_SIZE = 8192;

export function splitIntoPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += PIECE_SIZE) pieces.push(text.slice(i, i + PIECE_SIZE));
  return pieces;
}

/** The piece holding `offset` (the last piece for the end of the text) and its start. */
function pieceAt(pieces: string[], offset: number): { index: number; start: number } {
  let start = 0;
  for (let index = 0; index < pieces.length; index++) {
    const end = start + pieces[index].length;
    if (offset < end || index === pieces.length - 1) return { index, start };
    start = end;
  }
  return { index: 0, start: 0 };
}

/** Replaces [start, end) of the text that `pieces` make with `newText`, in place. */
export function replaceInPieces(
  pieces: string[],
  start: number,
  end: number,
  newText: string,
): void {
  if (pieces.length === 0) pieces.push("");
  const first = pieceAt(pieces, start);
  const last = pieceAt(pieces, end);
  const replaced =
    pieces[first.index].slice(0, start - first.start) +
    newText +
    pieces[last.index].slice(end - last.start);
  let from = first.index;
  let merged = replaced;
  // Deletions leave small pieces behind; keep them from piling up.
  if (merged.length < PIECE_SIZE / 4 && from > 0 && pieces[from - 1].length < PIECE_SIZE) {
    from--;
    merged = pieces[from] + merged;
  }
  const added = merged.length > 2 * PIECE_SIZE ? splitIntoPieces(merged) : [merged];
  pieces.splice(from, last.index - from + 1, ...added.filter((piece) => piece.length > 0));
}

/** Reads a text kept in pieces; a snapshot, so later edits do not change it. */
export class PieceText implements DocumentText {
  private readonly pieces: string[];
  /** Where each piece starts; one more entry for the end of the text. */
  private readonly starts: number[];
  private lastPiece = 0;

  constructor(pieces: string[]) {
    this.pieces = pieces.length > 0 ? pieces.slice() : [""];
    this.starts = [0];
    for (const piece of this.pieces)
      this.starts.push(this.starts[this.starts.length - 1] + piece.length);
  }

  get length(): number {
    return this.starts[this.starts.length - 1];
  }

  slice(start: number, end = this.length): string {
    const from = clamp(start, this.length);
    const to = clamp(end, this.length);
    if (from >= to) return "";
    const first = this.pieceAt(from);
    // Most slices are a line or less: one piece, no copy into parts.
    if (to <= this.starts[first + 1]) {
      return this.pieces[first].slice(from - this.starts[first], to - this.starts[first]);
    }
    const parts: string[] = [];
    for (let i = first; i < this.pieces.length && this.starts[i] < to; i++) {
      parts.push(this.pieces[i].slice(Math.max(0, from - this.starts[i]), to - this.starts[i]));
    }
    return parts.join("");
  }

  charAt(offset: number): string {
    if (offset < 0 || offset >= this.length) return "";
    const index = this.pieceAt(offset);
    return this.pieces[index].charAt(offset - this.starts[index]);
  }

  indexOf(search: string, from = 0): number {
    const start = clamp(from, this.length);
    for (let i = this.pieceAt(start); i < this.pieces.length; i++) {
      const found = this.window(i, search).indexOf(search, Math.max(0, start - this.starts[i]));
      if (found >= 0) return this.starts[i] + found;
    }
    return search === "" ? this.length : -1;
  }

  lastIndexOf(search: string, from = Infinity): number {
    const start = clamp(from, this.length);
    for (let i = this.pieceAt(start); i >= 0; i--) {
      const found = this.window(i, search).lastIndexOf(search, start - this.starts[i]);
      if (found >= 0) return this.starts[i] + found;
    }
    return -1;
  }

  /** Piece `i` and enough of what follows it to find a match that starts in it. */
  private window(i: number, search: string): string {
    if (search.length <= 1) return this.pieces[i];
    return this.pieces[i] + this.slice(this.starts[i + 1], this.starts[i + 1] + search.length - 1);
  }

  /** The piece holding `offset`; the last piece for the end of the text. */
  private pieceAt(offset: number): number {
    // Readers mostly go forward through the file: try the last piece found first.
    const last = this.lastPiece;
    if (this.starts[last] <= offset && offset < this.starts[last + 1]) return last;
    const index = lastIndexWhere(this.pieces.length, (i) => this.starts[i] <= offset);
    return (this.lastPiece = Math.max(0, Math.min(index, this.pieces.length - 1)));
  }
}

function clamp(offset: number, length: number): number {
  return Math.max(0, Math.min(Number.isNaN(offset) ? 0 : offset, length));
}
