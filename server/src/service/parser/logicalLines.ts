import { isSpace } from "../text/chars";

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

/** True when the physical line starting at `lineStart` begins a new logical line. */
export function isHeadLine(text: string, lineStart: number): boolean {
  if (lineStart >= text.length) return false;
  const code = text.charCodeAt(lineStart);
  return code !== 0x23 /* # */ && !isSpace(code);
}

/**
 * Reads the physical lines in [from, to) and reports logical lines and comments.
 * `from` must be the start of a line; `to` must be the start of a head line or the
 * end of the text, so that no logical line crosses it.
 */
export function readLogicalLines(text: string, from: number, to: number, sink: LineSink): void {
  let segments: Span[] = [];
  let innerComments: Span[] = [];
  let pendingComments: Span[] = [];

  const flush = () => {
    if (segments.length > 0) sink.logicalLine(makeLogicalLine(text, segments, innerComments));
    for (const comment of pendingComments) sink.comment(comment);
    segments = [];
    innerComments = [];
    pendingComments = [];
  };

  let lineStart = from;
  while (lineStart < to) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0 || lineEnd > to) lineEnd = to;
    let first = lineStart;
    while (first < lineEnd && isSpace(text.charCodeAt(first))) first++;
    const line = { start: lineStart, end: lineEnd };
    if (first === lineEnd) {
      // Blank line: dropped; it neither ends nor belongs to a logical line.
    } else if (text.charCodeAt(first) === 0x23 /* # */) {
      pendingComments.push(line);
    } else if (first === lineStart) {
      flush();
      segments.push(line);
    } else {
      // Continuation: comments seen since the last segment are inside this logical line.
      if (segments.length > 0) {
        innerComments = innerComments.concat(pendingComments);
        pendingComments = [];
      } else {
        for (const comment of pendingComments) sink.comment(comment);
        pendingComments = [];
      }
      segments.push(line);
    }
    lineStart = lineEnd + 1;
  }
  flush();
}

function makeLogicalLine(text: string, segments: Span[], innerComments: Span[]): LogicalLine {
  const segmentTextStarts: number[] = [];
  const parts: string[] = [];
  let length = 0;
  for (const segment of segments) {
    segmentTextStarts.push(length);
    parts.push(text.slice(segment.start, segment.end));
    length += segment.end - segment.start;
  }
  return {
    start: segments[0].start,
    end: segments[segments.length - 1].end,
    segments,
    innerComments,
    text: parts.join(""),
    segmentTextStarts,
  };
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
