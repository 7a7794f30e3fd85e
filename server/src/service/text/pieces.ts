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
    // Of its final size at once: push() would grow it by copying, once per request.
    this.starts = new Array<number>(this.pieces.length + 1);
    this.starts[0] = 0;
    for (let i = 0; i < this.pieces.length; i++) {
      this.starts[i + 1] = this.starts[i] + this.pieces[i].length;
    }
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

  // Searches read the pieces in place: joining a piece with what follows it would
  // copy the whole text on every search of a long file.
  indexOf(search: string, from = 0): number {
    const start = clamp(from, this.length);
    for (let i = this.pieceAt(start); i < this.pieces.length; i++) {
      const within = Math.max(0, start - this.starts[i]);
      const found = this.pieces[i].indexOf(search, within);
      if (found >= 0) return this.starts[i] + found;
      // A match within the piece comes before one that runs into the next piece.
      const across = this.acrossEnd(i, search, within, Infinity, "first");
      if (across >= 0) return across;
    }
    return search === "" ? this.length : -1;
  }

  lastIndexOf(search: string, from = Infinity): number {
    const start = clamp(from, this.length);
    for (let i = this.pieceAt(start); i >= 0; i--) {
      const within = start - this.starts[i];
      // A match that runs into the next piece comes after one within the piece.
      const across = this.acrossEnd(i, search, 0, within, "last");
      if (across >= 0) return across;
      const found = this.pieces[i].lastIndexOf(search, within);
      if (found >= 0) return this.starts[i] + found;
    }
    return -1;
  }

  /**
   * The first or the last match (`which`) that starts in piece `i`, at a place from
   * `first` to `last` within it, and ends in a later piece; -1 if none.
   */
  private acrossEnd(
    i: number,
    search: string,
    first: number,
    last: number,
    which: "first" | "last",
  ): number {
    const piece = this.pieces[i];
    const from = Math.max(first, piece.length - search.length + 1);
    if (search.length < 2 || i + 1 >= this.pieces.length || from >= piece.length || from > last) {
      return -1;
    }
    const next = this.starts[i + 1];
    // The piece's last characters and the next ones: too short for a match on either side.
    const edge = piece.slice(from) + this.slice(next, next + search.length - 1);
    const found = which === "first" ? edge.indexOf(search) : edge.lastIndexOf(search, last - from);
    return found >= 0 ? this.starts[i] + from + found : -1;
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
