import {
  type LogicalLine,
  NO_SPANS,
  type Span,
  offsetToLogical,
  readContinuationLines,
} from "./logicalLines";
import { tokenOf } from "./mainCf";
import {
  type CommandLineCursor,
  MASTER_FIELD_NAMES,
  type MasterEntry,
  isWordSeparator,
  masterWordSpans,
  parseCommandLineUnit,
} from "./masterCf";
import { carryOptionIndex } from "./optionIndex";
import { shiftCommandLine, shiftSpan } from "./shift";
import type { Token } from "./tokens";
import { firstIndexWhere, lastIndexWhere } from "../text/binarySearch";
import { detached } from "../text/chars";
import { PieceText, replaceInPieces, splitIntoPieces } from "../text/pieces";

/**
 * An edit inside a master.cf entry, in document offsets: [start, end) of the old
 * text was replaced, and the text after it moved by `delta`.
 */
export interface EntryEdit {
  start: number;
  end: number;
  delta: number;
}

/**
 * Re-parses a master.cf entry after an edit in its continuation lines, looking only
 * at the lines around the edit (issue #16: a service with 100k `-o` lines). The
 * result equals parseMasterEntry() of the edited entry.
 *
 * The edited physical lines are read again; words and command-line units are then
 * re-parsed from the last word that ends before them until a word after them starts
 * where an old word started, in the same command-line state (both at a fresh option,
 * or both among the arguments): from there on, the old parse holds, shifted. When no
 * such word comes soon, the window of re-parsed lines grows fourfold.
 *
 * An entry that Postfix rejects has words and no command line. Its problem comes
 * from its first character and its first eight words, which an edit after them
 * leaves as they are; its words are re-split the same way.
 *
 * `entry` must have exact offsets; it is consumed (its arrays go into the result).
 * `newText(from, to)` reads the edited document. Undefined when the edit is not
 * inside the entry's continuation lines, or makes a head line, or reaches into the
 * eight fields: the caller then re-parses the entry whole.
 */
export function reparseMasterEntryEdit(
  entry: MasterEntry,
  edit: EntryEdit,
  newText: (from: number, to: number) => string,
): MasterEntry | undefined {
  const { segments, words } = entry;
  // Segments [first, after) hold the edited lines; the head line and a line after stay.
  const first = lastIndexWhere(segments.length, (i) => segments[i].start <= edit.start);
  const after = firstIndexWhere(segments.length, (i) => segments[i].start > edit.end, 0);
  if (first < 1 || after >= segments.length) return undefined;
  const linesStart = segments[first].start;
  const linesEnd = segments[after].start + edit.delta;
  const linesText = newText(linesStart, linesEnd);
  const lines = readContinuationLines(linesText, linesStart);
  if (!lines) return undefined;

  const edited = new EditedLine(entry, first, after, lines.segments, edit.delta, (from, to) =>
    linesText.slice(from - linesStart, to - linesStart),
  );
  // The first word to re-parse: one that ends inside or after the edited lines, or
  // right where they start unless they start with a word separator still (else the
  // word may go on), or the option word whose value it is.
  const wordEndsBefore = isWordSeparator(edited.text(edited.textStart, edited.textStart + 1))
    ? edited.textStart + 1
    : edited.textStart;
  let word = firstIndexWhere(
    words.length,
    (i) => offsetToLogical(entry, words[i].end - 1) + 1 >= wordEndsBefore,
    0,
  );
  const old = new OldCommandLine(entry);
  while (word > MASTER_FIELD_NAMES.length && old.isValueWord(word)) word--;
  if (word <= MASTER_FIELD_NAMES.length - 1 || word >= words.length) return undefined;
  const from = Math.min(offsetToLogical(entry, words[word].start), edited.textStart);
  const start: CommandLineCursor = { index: 0, inArguments: old.argumentsBefore(word) };

  let part: ReparsedPart | undefined;
  for (let extra = 2; !part; extra *= 4) {
    part = reparseWindow(edited, old, from, start, extra, edit.delta);
  }
  return edited.entry(word, part, lines.comments);
}

/** What a window re-parse gives: new words, options and arguments, up to old word `resume`. */
interface ReparsedPart extends Pick<MasterEntry, "options" | "arguments"> {
  words: Token[];
  /** The old word from which the old parse holds again (words.length: none). */
  resume: number;
}

/**
 * Re-parses the words from logical offset `from` over the edited lines and `extra`
 * lines after them; undefined when the old parse does not resume inside that window.
 */
function reparseWindow(
  edited: EditedLine,
  old: OldCommandLine,
  from: number,
  start: CommandLineCursor,
  extra: number,
  delta: number,
): ReparsedPart | undefined {
  const window = edited.window(from, extra);
  const atEnd = window.last === edited.segmentCount;
  // Short of the entry's end, the last word and unit may go on after the window;
  // the old parse must resume before them.
  const spans = masterWordSpans(window.line.text, from - window.textStart);
  const words = spans.map(([start, end]) => tokenOf(window.line, start, end));
  const part: ReparsedPart = { words: [], options: [], arguments: [], resume: old.wordCount };
  const cursor = { ...start };
  while (cursor.index < words.length) {
    const word = words[cursor.index];
    if (window.textStart + spans[cursor.index][0] >= edited.textEnd) {
      const resume = old.resumesAt(word.start - delta, cursor.inArguments);
      if (resume !== undefined) {
        part.words = words.slice(0, cursor.index);
        part.resume = resume;
        return part;
      }
    }
    // A rejected entry's words are not read as a command line.
    if (old.rejected) cursor.index++;
    else parseCommandLineUnit(window.line, words, cursor, part);
  }
  if (!atEnd) return undefined;
  part.words = words;
  return part;
}

/** Looks up the old parse of the entry, before the edit. */
class OldCommandLine {
  readonly wordCount: number;
  /** Postfix rejects the entry: it has words, and no options or arguments. */
  readonly rejected: boolean;

  constructor(private readonly entry: MasterEntry) {
    this.wordCount = entry.words.length;
    this.rejected = entry.problem !== undefined;
  }

  /** Word `index` is the value of an option in the word before. */
  isValueWord(index: number): boolean {
    const { options, words } = this.entry;
    const start = words[index].start;
    const option = options[lastIndexWhere(options.length, (i) => options[i].flag.start < start)];
    return option?.value?.start === start;
  }

  /** The options ended before word `index`. */
  argumentsBefore(index: number): boolean {
    const firstArgument = this.entry.arguments[0];
    return firstArgument !== undefined && firstArgument.word.start < this.entry.words[index].start;
  }

  /**
   * The old word that starts at document offset `start`, when the old parse stood
   * there as a re-parse does: options ended or not, and not at an option's value.
   */
  resumesAt(start: number, inArguments: boolean): number | undefined {
    const { words } = this.entry;
    const index = firstIndexWhere(words.length, (i) => words[i].start >= start, 0);
    if (index >= words.length || words[index].start !== start) return undefined;
    if (this.argumentsBefore(index) !== inArguments) return undefined;
    return inArguments || !this.isValueWord(index) ? index : undefined;
  }

  /** The first option or argument at or after word `index` (their count at the end). */
  firstNodes(index: number): { option: number; argument: number } {
    const { options, arguments: args, words } = this.entry;
    if (index >= words.length) return { option: options.length, argument: args.length };
    const start = words[index].start;
    return {
      option: firstIndexWhere(options.length, (i) => options[i].flag.start >= start, 0),
      argument: firstIndexWhere(args.length, (i) => args[i].word.start >= start, 0),
    };
  }
}

/**
 * The entry's lines after the edit, without building them: old segments
 * [first, after) are replaced by `lines`, and the old segments after them moved by
 * `delta` in the document and by `textDelta` in the logical text.
 */
class EditedLine {
  readonly segmentCount: number;
  /** Where the edited lines start and end in the new logical text. */
  readonly textStart: number;
  readonly textEnd: number;
  /** The edited logical text, kept in pieces: it is joined only when someone reads it. */
  private readonly textPieces: string[];
  private readonly editedText: PieceText;
  private readonly lineTextStarts: number[] = [];
  private readonly textDelta: number;

  constructor(
    private readonly old: MasterEntry,
    private readonly first: number,
    private readonly after: number,
    private readonly lines: Span[],
    private readonly delta: number,
    newText: (from: number, to: number) => string,
  ) {
    this.segmentCount = old.segments.length - (after - first) + lines.length;
    this.textStart = old.segmentTextStarts[first];
    let length = 0;
    const parts: string[] = [];
    for (const line of lines) {
      this.lineTextStarts.push(this.textStart + length);
      parts.push(newText(line.start, line.end));
      length += line.end - line.start;
    }
    this.textEnd = this.textStart + length;
    const oldEnd = old.segmentTextStarts[after];
    this.textDelta = this.textEnd - oldEnd;
    this.textPieces = (pendingTexts.get(old) ?? splitIntoPieces(old.text)).slice();
    replaceInPieces(this.textPieces, this.textStart, oldEnd, parts.join(""));
    this.editedText = new PieceText(this.textPieces);
  }

  /** Segment `index` of the edited entry. */
  segment(index: number): Span {
    if (index < this.first) return this.old.segments[index];
    if (index < this.first + this.lines.length) return this.lines[index - this.first];
    const moved = this.old.segments[index - this.lines.length + this.after - this.first];
    return { start: moved.start + this.delta, end: moved.end + this.delta };
  }

  /** Where segment `index` starts in the edited logical text (its length for the end). */
  segmentTextStart(index: number): number {
    if (index < this.first) return this.old.segmentTextStarts[index];
    if (index < this.first + this.lines.length) return this.lineTextStarts[index - this.first];
    if (index >= this.segmentCount) return this.editedText.length;
    const old = index - this.lines.length + this.after - this.first;
    return this.old.segmentTextStarts[old] + this.textDelta;
  }

  /** [from, to) of the edited logical text. */
  text(from: number, to: number): string {
    return this.editedText.slice(from, to);
  }

  /**
   * The segments from the one holding logical offset `from` to `extra` segments
   * after the edited lines, as a logical line of their own: its text is a copy, so
   * the tokens cut from it keep no version of the whole entry text alive.
   */
  window(from: number, extra: number): { line: LogicalLine; textStart: number; last: number } {
    const firstSegment = lastIndexWhere(this.segmentCount, (i) => this.segmentTextStart(i) <= from);
    const last = Math.min(this.segmentCount, this.first + this.lines.length + extra);
    const textStart = this.segmentTextStart(firstSegment);
    const segments: Span[] = [];
    const segmentTextStarts: number[] = [];
    for (let i = firstSegment; i < last; i++) {
      segments.push(this.segment(i));
      segmentTextStarts.push(this.segmentTextStart(i) - textStart);
    }
    const line: LogicalLine = {
      start: segments[0].start,
      end: segments[segments.length - 1].end,
      segments,
      innerComments: NO_SPANS,
      text: detached(this.text(textStart, this.segmentTextStart(last))),
      segmentTextStarts,
    };
    return { line, textStart, last };
  }

  /**
   * The edited entry: old words from `word` up to the part's `resume` replaced by
   * the part's, and likewise their options and arguments; the old nodes after them
   * moved. The old entry's arrays are changed in place and reused.
   */
  entry(word: number, part: ReparsedPart, comments: Span[]): MasterEntry {
    const { old, first, after, lines, delta, textDelta } = this;
    const { words, options, arguments: args, segments, segmentTextStarts } = old;
    const innerComments = this.innerComments(comments);
    const from = new OldCommandLine(old).firstNodes(word);
    const to = new OldCommandLine(old).firstNodes(part.resume);
    const replaced = options.slice(from.option, to.option);
    return carryOptionIndex(old, replaced, () => {
      // Move the old nodes after the re-parsed ones, then splice.
      shiftCommandLine(old, { word: part.resume, option: to.option, argument: to.argument }, delta);
      for (let i = after; i < segments.length; i++) {
        shiftSpan(segments[i], delta);
        segmentTextStarts[i] += textDelta;
      }
      const edited: MasterEntry = {
        kind: "master",
        start: old.start,
        end: old.end + delta,
        segments: replaceRange(segments, first, after, lines),
        innerComments,
        text: "",
        segmentTextStarts: replaceRange(segmentTextStarts, first, after, this.lineTextStarts),
        words: replaceRange(words, word, part.resume, part.words),
        // Its first character and eight fields are before the edit.
        problem: old.problem,
        options: replaceRange(options, from.option, to.option, part.options),
        arguments: replaceRange(args, from.argument, to.argument, part.arguments),
      };
      textOnDemand(edited, this.textPieces);
      return { edited, added: part.options };
    });
  }

  /** The old inner comments with those among the edited lines replaced by `comments`. */
  private innerComments(comments: Span[]): Span[] {
    const { innerComments, segments } = this.old;
    const linesStart = segments[this.first].start;
    const linesEnd = segments[this.after].start;
    const from = firstIndexWhere(
      innerComments.length,
      (i) => innerComments[i].start >= linesStart,
      0,
    );
    const to = firstIndexWhere(
      innerComments.length,
      (i) => innerComments[i].start >= linesEnd,
      from,
    );
    if (from === to && comments.length === 0) {
      for (let i = to; i < innerComments.length; i++) shiftSpan(innerComments[i], this.delta);
      return innerComments;
    }
    const moved = innerComments.slice(to);
    for (const comment of moved) shiftSpan(comment, this.delta);
    const result = innerComments.slice(0, from).concat(comments, moved);
    return result.length > 0 ? result : NO_SPANS;
  }
}

/**
 * `array` with [from, to) replaced by `items`: in place, unless the array is
 * frozen or so many items come in that passing them as arguments to splice()
 * could overflow the stack.
 */
function replaceRange<T>(array: T[], from: number, to: number, items: T[]): T[] {
  if (from === to && items.length === 0) return array;
  // A frozen list is one that entries without options or arguments share.
  if (items.length > 10_000 || Object.isFrozen(array)) {
    return array.slice(0, from).concat(items, array.slice(to));
  }
  array.splice(from, to - from, ...items);
  return array;
}

/**
 * The texts of edited entries that nobody has read yet, in pieces. Joining the
 * text of an entry with 100k `-o` lines copies megabytes; hover, completion and
 * the next edit read it only around the cursor.
 */
const pendingTexts = new WeakMap<MasterEntry, string[]>();

/** Makes `entry.text` the text of `pieces`, joined on first read. */
function textOnDemand(entry: MasterEntry, pieces: string[]): void {
  const settle = (text: string) => {
    pendingTexts.delete(entry);
    Object.defineProperty(entry, "text", {
      value: text,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  pendingTexts.set(entry, pieces);
  Object.defineProperty(entry, "text", {
    enumerable: true,
    configurable: true,
    get() {
      const text = pieces.join("");
      settle(text);
      return text;
    },
    set: settle,
  });
}
