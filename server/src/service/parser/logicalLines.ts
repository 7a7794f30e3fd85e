import { isSpace, skipSpace } from "../text/chars";

/**
 * Groups physical lines into logical lines the way Postfix's readllines() does:
 * - a line that is empty, all whitespace, or whose first non-whitespace character
 *   is `#` is dropped (a comment or blank line);
 * - a line starting with a non-whitespace character starts a logical line;
 * - a line starting with whitespace continues the current logical line, even when
 *   comment or blank lines stand in between;
 * - only "\n" ends a physical line; "\r" is ordinary whitespace.
 *
 * Convention for every node in this parser: `start`/`end` fields are document
 * offsets in UTF-16 code units, `end` exclusive. Incremental re-parsing shifts
 * them, and nothing else, when text before a node changes.
 */

export interface Span {
  start: number;
  end: number;
}

export interface LogicalLine extends Span {
  /** The content physical lines of this logical line, without their "\n". */
  segments: Span[];
  /** Comment lines that stand between the segments. */
  innerComments: Span[];
  /** The logical text Postfix sees: the segments joined with nothing in between. */
  text: string;
  /** Where each segment begins inside `text`. */
  segmentTextStarts: number[];
}

export interface CommentBlock extends Span {
  kind: "comment";
}

/** Receives logical lines and top-level comment lines in document order. */
export interface LineSink {
  logicalLine(line: LogicalLine): void;
  comment(line: Span): void;
}

const HASH = 0x23;

/** True when the physical line starting at `lineStart` begins a new logical line. */
export function isHeadLine(text: string, lineStart: number): boolean {
  if (lineStart >= text.length) return false;
  const code = text.charCodeAt(lineStart);
  return code !== HASH && !isSpace(code);
}

/**
 * Shared by every logical line without comment lines inside it. Parse nodes are
 * never changed after parsing (incremental re-parsing shifts spans, and an empty
 * array has none), so one frozen array serves them all and saves an allocation
 * per entry.
 */
export const NO_SPANS = Object.freeze([]) as readonly Span[] as Span[];
/** `segmentTextStarts` of every one-segment logical line. */
const ONE_SEGMENT_STARTS = Object.freeze([0]) as readonly number[] as number[];

/** Receives the physical lines of a range, classified as Postfix's readllines() sees them. */
interface PhysicalLineVisitor {
  /** A line that starts a logical line. */
  head(start: number, end: number): void;
  /** A line that continues the current logical line. */
  continuation(start: number, end: number): void;
  /** A comment line (blank lines are dropped). */
  comment(start: number, end: number): void;
}

/**
 * The grouping rules, line by line (forEachLogicalLineText applies the same rules
 * with regular expressions). `from` must be the start of a
 * line; `to` must be the start of a head line or the end of the text, so that no
 * logical line crosses it. It runs once per line of the document: only
 * indexOf() and the first characters of each line are looked at.
 */
function scanPhysicalLines(
  text: string,
  from: number,
  to: number,
  visitor: PhysicalLineVisitor,
  inLogicalLine = false,
): void {
  let lineStart = from;
  while (lineStart < to) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0 || lineEnd > to) lineEnd = to;
    const first = skipSpace(text, lineStart, lineEnd);
    if (first === lineEnd) {
      // Blank line: dropped; it neither ends nor belongs to a logical line.
    } else if (text.charCodeAt(first) === HASH) {
      visitor.comment(lineStart, lineEnd);
    } else if (first === lineStart || !inLogicalLine) {
      // A head line, or leading whitespace before any logical line: a new logical line.
      visitor.head(lineStart, lineEnd);
      inLogicalLine = true;
    } else {
      visitor.continuation(lineStart, lineEnd);
    }
    lineStart = lineEnd + 1;
  }
}

/** Reads the physical lines in [from, to) (as scanPhysicalLines) and reports logical lines and comments. */
export function readLogicalLines(text: string, from: number, to: number, sink: LineSink): void {
  const builder = new LineBuilder(text, sink);
  scanPhysicalLines(text, from, to, builder);
  builder.finish();
}

/**
 * The lines of `text`, which continue a logical line that starts before it: their
 * content lines and comment lines, as document spans (`text` starts at document
 * offset `offset`). Undefined when one of them is a head line, which would start
 * a new logical line.
 */
export function readContinuationLines(
  text: string,
  offset: number,
): { segments: Span[]; comments: Span[] } | undefined {
  const segments: Span[] = [];
  const comments: Span[] = [];
  let headLine = false;
  const span = (start: number, end: number) => ({ start: offset + start, end: offset + end });
  scanPhysicalLines(
    text,
    0,
    text.length,
    {
      head: () => (headLine = true),
      continuation: (start, end) => segments.push(span(start, end)),
      comment: (start, end) => comments.push(span(start, end)),
    },
    true,
  );
  return headLine ? undefined : { segments, comments };
}

/**
 * Calls `visit` with the text of each logical line in [from, to) (as Postfix sees
 * it, continuation lines joined) and the offset where it starts: for readers that
 * need no parse nodes, such as the emulation of postconf. `from` and `to` as for
 * readLogicalLines, whose grouping this gives (a test checks that they agree).
 *
 * It looks at no line on its own: regular expressions, which run as native code,
 * find where each logical line starts and drop the comment and blank lines inside
 * it. A long main.cf is read once per postfix-lint --print, too briefly for the
 * JIT to make a loop over its lines fast.
 */
export function forEachLogicalLineText(
  text: string,
  visit: (lineText: string, start: number) => void,
  from = 0,
  to = text.length,
): void {
  // The first logical line starts at the first line that is neither blank nor a
  // comment, even when it starts with whitespace.
  SKIPPED_LINES.lastIndex = from;
  SKIPPED_LINES.test(text);
  let start = SKIPPED_LINES.lastIndex;
  while (start < to) {
    // The logical line runs up to the "\n" before the next head line (or to `to`).
    HEAD_LINE.lastIndex = start;
    let end = HEAD_LINE.test(text) ? HEAD_LINE.lastIndex - 2 : to;
    if (end > to) end = to;
    const newline = text.indexOf("\n", start);
    visit(
      newline < 0 || newline >= end
        ? text.slice(start, end)
        : text.slice(start, end).replace(LINE_BREAK_AND_SKIPPED_LINE, ""),
      start,
    );
    start = end + 1;
  }
}

// Whitespace as isSpace() has it, without "\n": [\t\v\f\r ].
/** Blank and comment lines, each with its "\n" (or at the end of the text). */
const SKIPPED_LINES = /(?:[\t\v\f\r ]*(?:#[^\n]*)?(?:\n|$))*/y;
/** "\n" and the first character of a head line: neither whitespace nor `#`. */
const HEAD_LINE = /\n[^\t-\r #]/g;
/**
 * Inside a logical line: a line break, with the blank or comment line after it,
 * if any (the line ends at the next "\n" or the end of the logical line).
 */
const LINE_BREAK_AND_SKIPPED_LINE = /\n(?:[\t\v\f\r ]*(?:#[^\n]*)?(?![^\n]))?/g;

/**
 * Builds LogicalLine nodes. The parts of a line are collected in lists reused from
 * line to line; the node gets copies of their exact size (a list grown by push()
 * keeps spare room, and the parse tree keeps every node).
 */
class LineBuilder implements PhysicalLineVisitor {
  private readonly segments: Span[] = [];
  private readonly innerComments: Span[] = [];
  /** Comment lines since the last segment, as start/end pairs. */
  private readonly pendingComments: number[] = [];

  constructor(
    private readonly text: string,
    private readonly sink: LineSink,
  ) {}

  head(start: number, end: number): void {
    this.finish();
    this.segments.push({ start, end });
  }

  continuation(start: number, end: number): void {
    // Comments seen since the last segment are inside this logical line.
    const pending = this.pendingComments;
    for (let i = 0; i < pending.length; i += 2) {
      this.innerComments.push({ start: pending[i], end: pending[i + 1] });
    }
    pending.length = 0;
    this.segments.push({ start, end });
  }

  comment(start: number, end: number): void {
    this.pendingComments.push(start, end);
  }

  /** Reports the logical line collected so far, then the comments after it. */
  finish(): void {
    if (this.segments.length > 0) this.sink.logicalLine(this.logicalLine());
    const pending = this.pendingComments;
    for (let i = 0; i < pending.length; i += 2) {
      this.sink.comment({ start: pending[i], end: pending[i + 1] });
    }
    pending.length = 0;
  }

  private logicalLine(): LogicalLine {
    const { text, segments } = this;
    const first = segments[0];
    const last = segments[segments.length - 1];
    let lineText: string;
    let segmentTextStarts = ONE_SEGMENT_STARTS;
    if (segments.length === 1) {
      lineText = text.slice(first.start, first.end);
    } else {
      segmentTextStarts = [];
      const parts: string[] = [];
      let length = 0;
      for (const segment of segments) {
        segmentTextStarts.push(length);
        parts.push(text.slice(segment.start, segment.end));
        length += segment.end - segment.start;
      }
      // One flat string (a chain of `+` would leave a rope to flatten on first read).
      lineText = parts.join("");
      segmentTextStarts = segmentTextStarts.slice();
    }
    const line: LogicalLine = {
      start: first.start,
      end: last.end,
      segments: segments.slice(),
      innerComments: this.innerComments.length > 0 ? this.innerComments.slice() : NO_SPANS,
      text: lineText,
      segmentTextStarts,
    };
    segments.length = 0;
    this.innerComments.length = 0;
    return line;
  }
}

/** Maps an index into `line.text` to a document offset (an index equal to the length maps to the end). */
export function logicalToOffset(line: LogicalLine, index: number): number {
  const starts = line.segmentTextStarts;
  if (index >= line.text.length) return line.end;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (starts[mid] <= index) low = mid;
    else high = mid - 1;
  }
  return line.segments[low].start + (index - starts[low]);
}

/**
 * Maps the logical range [from, to) to a document span. An end that falls exactly
 * on a segment boundary stays on the earlier segment, so a range never swallows the
 * line break and comment lines that follow it.
 */
export function logicalSpan(line: LogicalLine, from: number, to: number): Span {
  const start = logicalToOffset(line, from);
  const end = to <= from ? start : logicalToOffset(line, to - 1) + 1;
  return { start, end };
}

/**
 * Inverse of logicalToOffset for offsets known to lie inside the line's segments.
 * A binary search: an entry with many `-o` lines has as many segments, and this
 * runs for each of its options.
 */
export function offsetToLogical(line: LogicalLine, offset: number): number {
  const { segments } = line;
  // The last segment that starts at or before `offset`.
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (segments[mid].start <= offset) low = mid + 1;
    else high = mid;
  }
  const s = low - 1;
  if (s < 0) return 0;
  const segment = segments[s];
  return line.segmentTextStarts[s] + Math.min(offset, segment.end) - segment.start;
}
