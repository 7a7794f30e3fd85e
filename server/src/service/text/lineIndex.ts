import type { Position, Range } from "vscode-languageserver-types";

/**
 * Converts between document offsets (UTF-16 code units, as JavaScript strings
 * index them) and LSP positions. LSP counts "\n", "\r\n" and a lone "\r" as line
 * breaks, so this index does too, even though Postfix itself only splits on "\n".
 */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    this.lineStarts = computeLineStarts(text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return { line, character: clamped - this.lineStarts[line] };
  }

  lineAt(offset: number): number {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.lineStarts[mid] > clamped) high = mid;
      else low = mid + 1;
    }
    return low - 1;
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const lineStart = this.lineStarts[position.line];
    const nextLineStart =
      position.line + 1 < this.lineStarts.length
        ? this.lineStarts[position.line + 1]
        : this.text.length;
    // A position past the end of a line means the end of that line, before its break.
    let lineEnd = nextLineStart;
    if (position.line + 1 < this.lineStarts.length) {
      lineEnd--;
      if (this.text[lineEnd] === "\n" && lineEnd > lineStart && this.text[lineEnd - 1] === "\r") {
        lineEnd--;
      }
    }
    return Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), lineEnd));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

function computeLineStarts(text: string): number[] {
  const starts = lineBreakEnds(text);
  starts.unshift(0);
  return starts;
}

/** The offsets just after each line break ("\n", "\r\n" or a lone "\r"), ascending. */
export function lineBreakEnds(text: string): number[] {
  const ends: number[] = [];
  // indexOf() scans much faster than a loop over the characters; most texts have no "\r".
  let lf = text.indexOf("\n");
  let cr = text.indexOf("\r");
  while (lf >= 0 || cr >= 0) {
    if (cr < 0 || (lf >= 0 && lf < cr)) {
      ends.push(lf + 1);
      lf = text.indexOf("\n", lf + 1);
    } else {
      // "\r\n" is one line break, a lone "\r" another.
      const end = lf === cr + 1 ? lf + 1 : cr + 1;
      ends.push(end);
      if (end > cr + 1) lf = text.indexOf("\n", end);
      cr = text.indexOf("\r", cr + 1);
    }
  }
  return ends;
}
