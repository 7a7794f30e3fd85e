import type { Range, TextEdit } from "vscode-languageserver-types";
import type { ConfigKind } from "./parser/document";
import { type LogicalLine, type Span, readLogicalLines } from "./parser/logicalLines";
import { isSpace } from "./text/chars";
import { LineIndex } from "./text/lineIndex";

/**
 * Formatting of main.cf and master.cf that never changes what Postfix reads.
 *
 * It only touches whitespace: trailing blanks, the spacing around the first `=`
 * of a main.cf setting, the padding between master.cf fields, and the
 * indentation of continuation lines. It never moves a comment, joins or splits a
 * line, or turns a line into a comment or out of one: a head line keeps its
 * first column, a continuation line keeps at least one blank in front.
 *
 * Postfix joins a continuation line to the line before it with nothing in
 * between, so the blanks at the end of one segment and the indentation of the
 * next become a whitespace run inside the value. That run only matters where
 * Postfix keeps whitespace as it is: inside `{...}` groups and `"..."` quotes, and
 * in free-text parameters such as smtpd_banner. There ("significant joins") the
 * run is kept byte for byte: trailing blanks move to the front of the next
 * segment instead of being dropped, and nothing is re-indented. postconf -n and
 * -P print values with whitespace runs squeezed, so they could not catch a
 * change there; this rule is the guarantee.
 */

export interface FormatOptions {
  /** Indentation of main.cf continuation lines, in spaces. */
  continuationIndent: number;
}

export const DEFAULT_CONTINUATION_INDENT = 4;

/**
 * Indentation of master.cf continuation lines (`-o` options, pipe arguments):
 * two spaces, as in the master.cf that Postfix and Debian ship, where
 * uncommenting a `#  -o ...` example leaves `  -o ...`.
 */
const MASTER_CONTINUATION_INDENT = "  ";

/**
 * Where each master.cf field starts, as in the first line of the shipped
 * master.cf (`smtp      inet  n       -       y       -       -       smtpd`). A
 * field longer than its column pushes the next one right by one blank.
 */
const MASTER_FIELD_COLUMNS = [0, 10, 16, 24, 32, 40, 48, 56];

/**
 * main.cf parameters whose value is free text rather than a list, so that the
 * length of a whitespace run inside it reaches the outside world (the SMTP
 * greeting, a reply footer, a command line).
 */
const FREE_TEXT_PARAMETER =
  /^(?:smtpd_banner|mail_name|default_rbl_reply|.*_reject_footer|.*_command|.*_helo_name|.*_expansion_filter)$/;

/** An edit in document offsets (UTF-16 code units). */
interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** One physical line: `contentEnd` excludes a final "\r" (CRLF), `blankEnd` also the trailing blanks. */
interface PhysicalLine {
  start: number;
  contentEnd: number;
  blankEnd: number;
  /** Whether a "\r" ends the content, which Postfix sees as whitespace inside the value. */
  crBeforeBreak: boolean;
}

/**
 * Edits that format `text`, or only the logical lines that `range` touches
 * (comment and blank lines outside logical lines count as lines of their own).
 */
export function format(
  text: string,
  kind: ConfigKind,
  options: FormatOptions,
  range?: Range,
): TextEdit[] {
  const lines = new LineIndex(text);
  let edits = formattingEdits(text, kind, options);
  if (range) {
    edits = editsTouching(text, edits, lines.offsetAt(range.start), lines.offsetAt(range.end));
  }
  return edits.map((edit) => ({
    range: lines.rangeOf(edit.start, edit.end),
    newText: edit.newText,
  }));
}

/** The formatted text. */
export function formatText(text: string, kind: ConfigKind, options: FormatOptions): string {
  const parts: string[] = [];
  let position = 0;
  for (const edit of formattingEdits(text, kind, options)) {
    parts.push(text.slice(position, edit.start), edit.newText);
    position = edit.end;
  }
  parts.push(text.slice(position));
  return parts.join("");
}

const HASH = 0x23;

/** All formatting edits, sorted by offset and not overlapping. */
function formattingEdits(text: string, kind: ConfigKind, options: FormatOptions): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  const indent =
    kind === "main" ? " ".repeat(options.continuationIndent) : MASTER_CONTINUATION_INDENT;
  readLogicalLines(text, 0, text.length, {
    logicalLine: (line) => formatLogicalLine(text, kind, line, indent, edits),
    comment: () => {},
  });
  // Comment and blank lines (inside logical lines too) only lose trailing blanks.
  forEachPhysicalLine(text, (line) => {
    const first = firstNonSpace(text, line.start, line.contentEnd);
    if (first === line.contentEnd || text.charCodeAt(first) === HASH) {
      if (line.blankEnd < line.contentEnd) {
        edits.push({ start: line.blankEnd, end: line.contentEnd, newText: "" });
      }
    }
  });
  return edits.sort((a, b) => a.start - b.start);
}

function formatLogicalLine(
  text: string,
  kind: ConfigKind,
  line: LogicalLine,
  indent: string,
  edits: OffsetEdit[],
): void {
  const segments = line.segments.map((segment) => physicalLine(text, segment));
  // A NUL byte cuts the line short for Postfix, and a logical line that starts
  // with whitespace is discarded: their whitespace is kept as it is.
  const untouchable = line.text.includes("\0") || isSpace(text.charCodeAt(line.start));
  const significant = untouchable
    ? segments.map(() => true)
    : kind === "main"
      ? mainCfSignificantJoins(line)
      : masterCfSignificantJoins(line);

  if (!untouchable) {
    if (kind === "main") formatMainCfHead(text, segments[0], edits);
    else formatMasterCfHead(text, segments[0], edits);
  }
  for (let k = 0; k < segments.length; k++) {
    const segment = segments[k];
    if (k > 0) {
      const indentEnd = firstNonSpace(text, segment.start, segment.contentEnd);
      const currentIndent = text.slice(segment.start, indentEnd);
      // A "\r" in the indentation is a line break to the editor: keep it.
      if (!significant[k] && currentIndent !== indent && !currentIndent.includes("\r")) {
        edits.push({ start: segment.start, end: indentEnd, newText: indent });
      }
    }
    if (segment.blankEnd === segment.contentEnd) continue;
    const trailing = text.slice(segment.blankEnd, segment.contentEnd);
    if (k + 1 < segments.length && significant[k + 1]) {
      // The trailing blanks belong to a whitespace run of the value: move them to
      // the front of the next segment, unless a "\r" would end up on the wrong side.
      if (segment.crBeforeBreak) continue;
      edits.push({ start: segments[k + 1].start, end: segments[k + 1].start, newText: trailing });
    }
    edits.push({ start: segment.blankEnd, end: segment.contentEnd, newText: "" });
  }
}

/**
 * For each segment of a main.cf setting, whether the whitespace run where it
 * joins the segment before is significant (index 0 is unused). A line without
 * `=` is fatal to Postfix; it is left as it is.
 */
function mainCfSignificantJoins(line: LogicalLine): boolean[] {
  const value = line.text;
  const equals = value.indexOf("=");
  const name = equals < 0 ? "" : value.slice(0, equals).trim();
  if (equals < 0 || name === "" || /\s/.test(name)) return line.segments.map(() => true);
  const valueStart = firstNonSpace(value, equals + 1, value.length);
  const freeText = FREE_TEXT_PARAMETER.test(name);
  return joinSignificance(line, valueStart, (depth, quoted) => freeText || depth > 0 || quoted);
}

/** As mainCfSignificantJoins() for a master.cf entry: whitespace counts only inside `{...}`. */
function masterCfSignificantJoins(line: LogicalLine): boolean[] {
  return joinSignificance(line, 0, (depth) => depth > 0);
}

/**
 * Scans the logical text once from `from` and asks `significantAt` at every join
 * that has text of the value before it (a run before the value starts is trimmed).
 */
function joinSignificance(
  line: LogicalLine,
  from: number,
  significantAt: (braceDepth: number, inQuotes: boolean) => boolean,
): boolean[] {
  const value = line.text;
  const joins = line.segmentTextStarts;
  const result: boolean[] = [false];
  let depth = 0;
  let quoted = false;
  let position = from;
  for (let k = 1; k < joins.length; k++) {
    const join = joins[k];
    for (; position < join; position++) {
      const char = value[position];
      if (char === "{") depth++;
      else if (char === "}") depth = Math.max(0, depth - 1);
      else if (char === '"') quoted = !quoted;
    }
    result.push(join > from && significantAt(depth, quoted));
  }
  return result;
}

/** `name = value` with one blank on each side of the first `=`; `name =` for an empty value. */
function formatMainCfHead(text: string, head: PhysicalLine, edits: OffsetEdit[]): void {
  const match = MAIN_CF_HEAD.exec(text.slice(head.start, head.blankEnd));
  if (!match) return;
  const [whole, name, , rest] = match;
  // A "\r" after `=` would be a line break to the editor: leave such a line alone.
  if (rest !== "" && isSpace(rest.charCodeAt(0))) return;
  const wanted = rest === "" ? " =" : " = ";
  const start = head.start + name.length;
  const end = head.start + whole.length - rest.length;
  if (text.slice(start, end) !== wanted) edits.push({ start, end, newText: wanted });
}

/** The name, the blanks around `=`, and what follows them. */
const MAIN_CF_HEAD = /^([^\t-\r =]+)([\t\v\f ]*=[\t\v\f ]*)([^]*)$/;

/** Pads the master.cf fields of the head line to the columns of the shipped master.cf. */
function formatMasterCfHead(text: string, head: PhysicalLine, edits: OffsetEdit[]): void {
  let column = 0;
  let position = head.start;
  for (let field = 0; field < MASTER_FIELD_COLUMNS.length; field++) {
    const fieldEnd = wordEnd(text, position, head.blankEnd);
    if (fieldEnd === position) return;
    // Braces group words only in the command's arguments; leave odd lines alone.
    if (/[{}]/.test(text.slice(position, fieldEnd))) return;
    column += fieldEnd - position;
    if (field + 1 === MASTER_FIELD_COLUMNS.length || fieldEnd === head.blankEnd) return;
    const next = firstNonSpace(text, fieldEnd, head.blankEnd);
    const blanks = text.slice(fieldEnd, next);
    // Only blanks and tabs are moved; a "\r" is a line break to the editor.
    if (blanks.includes("\r")) return;
    const padding = " ".repeat(Math.max(1, MASTER_FIELD_COLUMNS[field + 1] - column));
    if (blanks !== padding) edits.push({ start: fieldEnd, end: next, newText: padding });
    column += padding.length;
    position = next;
  }
}

/** The physical line of a segment (which ends before "\n", or at the end of the text). */
function physicalLine(text: string, span: Span): PhysicalLine {
  return classify(text, span.start, span.end);
}

function classify(text: string, start: number, end: number): PhysicalLine {
  const crBeforeBreak = end > start && text.charCodeAt(end - 1) === 0x0d;
  const contentEnd = crBeforeBreak ? end - 1 : end;
  let blankEnd = contentEnd;
  while (blankEnd > start && isBlank(text.charCodeAt(blankEnd - 1))) blankEnd--;
  return { start, contentEnd, blankEnd, crBeforeBreak };
}

/** Whitespace that may be dropped at the end of a line: every kind but "\r" (a line break to editors). */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c;
}

function forEachPhysicalLine(text: string, visit: (line: PhysicalLine) => void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    visit(classify(text, start, end));
    start = end + 1;
  }
}

function firstNonSpace(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function wordEnd(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && !isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The edits inside the logical lines that [from, to] touches, and those on
 * comment or blank lines outside logical lines that it touches.
 */
function editsTouching(text: string, edits: OffsetEdit[], from: number, to: number): OffsetEdit[] {
  let start = from;
  let end = to;
  readLogicalLines(text, 0, text.length, {
    logicalLine: (line) => {
      if (line.start <= to && line.end >= from) {
        start = Math.min(start, line.start);
        end = Math.max(end, line.end);
      }
    },
    comment: () => {},
  });
  // Whole physical lines: a blank line's edit starts at its beginning.
  start = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", end);
  end = lineEnd < 0 ? text.length : lineEnd;
  return edits.filter((edit) => edit.end >= start && edit.start <= end);
}
