import { bracedWordSpans } from "./bracedWords";
import { type LogicalLine, offsetToLogical } from "./logicalLines";
import { type ParameterSetting, settingOf, tokenOf } from "./mainCf";
import { splitNameValue } from "./nameValue";
import type { Token } from "./tokens";
import { isSpace } from "../text/chars";

/** The eight master.cf fields, named as postconf -F names them. */
export const MASTER_FIELD_NAMES = [
  "service",
  "type",
  "private",
  "unprivileged",
  "chroot",
  "wakeup",
  "process_limit",
  "command",
] as const;
export type MasterFieldName = (typeof MASTER_FIELD_NAMES)[number];

export const MASTER_SERVICE_TYPES = ["unix", "fifo", "inet", "pass", "unix-dgram"];
/** master.cf splits words on these only (not on vertical tab or form feed). */
const MASTER_BLANKS = " \t\r\n";
/** Daemon options that take a value in the next word. */
const OPTIONS_WITH_VALUE = "o";

/** Why postconf stops on a master.cf entry: a bad field count or an invalid field. */
export interface MasterEntryProblem {
  code: "leading-whitespace" | "field-count" | Exclude<MasterFieldName, "service" | "command">;
  /** The offending field (one of the entry's words), absent for a bad field count. */
  field?: Token;
}

export interface BraceGroup {
  /** The text inside the braces with surrounding whitespace removed, as Postfix extracts it. */
  inner: Token;
  /** postconf warns about these; master(8) refuses the entry. */
  problem?: "missing-close" | "text-after-close";
}

/** A daemon command-line option before the first non-option argument. */
export interface MasterOption {
  /**
   * The option letter with its dash, e.g. `-o`: the word itself when the word is
   * just that (one token fewer per `-o` line), else a part of a word, as in `-oname=value`.
   */
  flag: Token;
  /** The word that holds the value, for options that take one (the same token as in `words`). */
  value?: Token;
  /** The value was written as `{ ... }`. */
  braces?: BraceGroup;
  /** For `-o`: the setting Postfix applies, when the value is a valid `name=value`. */
  setting?: ParameterSetting;
  /** For `-o`: why the value is not a `name=value` (postconf then ignores it). */
  settingProblem?: "missing-name" | "missing-equals";
}

/** A command argument after the options (for pipe(8): `flags=...`, `argv=...`). */
export interface MasterArgument {
  /** The same token as in `words`. */
  word: Token;
  braces?: BraceGroup;
}

export interface MasterEntry extends LogicalLine {
  kind: "master";
  /** Whitespace-separated words; balanced `{...}` groups stay in one word. */
  words: Token[];
  problem?: MasterEntryProblem;
  options: MasterOption[];
  arguments: MasterArgument[];
}

/**
 * Shared by every entry without options or arguments: parse nodes are never
 * changed after parsing, and an incremental re-parse replaces a frozen list
 * instead of splicing it.
 */
const NO_OPTIONS = Object.freeze([]) as readonly MasterOption[] as MasterOption[];
const NO_ARGUMENTS = Object.freeze([]) as readonly MasterArgument[] as MasterArgument[];

export function parseMasterEntry(line: LogicalLine): MasterEntry {
  const words = splitWords(line);
  // Built in one piece, `problem` included even when absent: properties added
  // afterwards would give each entry a separate property store.
  const entry: MasterEntry = {
    kind: "master",
    start: line.start,
    end: line.end,
    segments: line.segments,
    innerComments: line.innerComments,
    text: line.text,
    segmentTextStarts: line.segmentTextStarts,
    words,
    problem: undefined,
    options: NO_OPTIONS,
    arguments: NO_ARGUMENTS,
  };
  // Only the first logical line can start with whitespace; Postfix skips it with a warning.
  if (line.text.length > 0 && isSpace(line.text.charCodeAt(0))) {
    entry.problem = { code: "leading-whitespace" };
    return entry;
  }
  if (words.length < MASTER_FIELD_NAMES.length) {
    entry.problem = { code: "field-count" };
    return entry;
  }
  const fieldProblem = checkFields(words);
  if (fieldProblem) {
    entry.problem = fieldProblem;
    return entry;
  }
  const commandLine: Pick<MasterEntry, "options" | "arguments"> = { options: [], arguments: [] };
  parseCommandLine(line, words, commandLine);
  // Lists grown by push() keep spare room, and the parse tree keeps every entry.
  const { options, arguments: args } = commandLine;
  if (options.length > 0) entry.options = options.slice();
  if (args.length > 0) entry.arguments = args.slice();
  return entry;
}

/** Postfix's mystrtokq() with the `{}` pair: separators inside braces do not split. */
function splitWords(line: LogicalLine): Token[] {
  return masterWordSpans(line.text).map(([start, end]) => tokenOf(line, start, end));
}

/** The [start, end) spans of the words of `text` from `from` on, as splitWords() cuts them. */
export function masterWordSpans(text: string, from = 0): [number, number][] {
  return bracedWordSpans(text, MASTER_BLANKS, from);
}

/** True for a character that separates master.cf words (outside braces). */
export function isWordSeparator(char: string): boolean {
  return char.length === 1 && MASTER_BLANKS.includes(char);
}

/** The checks postconf makes, in its order; the first failure is fatal. */
function checkFields(words: Token[]): MasterEntryProblem | undefined {
  const [, type, privateField, unprivileged, chroot, wakeup, processLimit] = words;
  if (!MASTER_SERVICE_TYPES.includes(type.text)) return { code: "type", field: type };
  const flags: [MasterEntryProblem["code"], Token][] = [
    ["private", privateField],
    ["unprivileged", unprivileged],
    ["chroot", chroot],
  ];
  for (const [code, field] of flags) {
    if (field.text.length !== 1 || !"yn-".includes(field.text)) return { code, field };
  }
  const digits = wakeup.text.endsWith("?") ? wakeup.text.slice(0, -1) : wakeup.text;
  if (!(digits === "-" || /^[0-9]*$/.test(digits))) return { code: "wakeup", field: wakeup };
  if (processLimit.text !== "-" && !/^[0-9]*$/.test(processLimit.text)) {
    return { code: "process_limit", field: processLimit };
  }
  return undefined;
}

/**
 * Walks the words after the command the way the daemons' getopt() does: options up
 * to the first word that does not start with `-` (or is `--`); `-o` takes the rest
 * of its word or the next word as its value; a value starting with `{` is unwrapped.
 * Like postconf, only `-o` is treated as taking a value.
 */
function parseCommandLine(
  line: LogicalLine,
  words: Token[],
  into: Pick<MasterEntry, "options" | "arguments">,
): void {
  const cursor: CommandLineCursor = { index: MASTER_FIELD_NAMES.length, inArguments: false };
  while (cursor.index < words.length) parseCommandLineUnit(line, words, cursor, into);
}

/** Where the command-line walk stands: the next word, and whether the options ended. */
export interface CommandLineCursor {
  index: number;
  inArguments: boolean;
}

/**
 * Parses one unit of the command line at `cursor.index` into `into` and moves the
 * cursor past it: an option word (with the next word when `-o` takes it as its
 * value) or one argument. Units are where a re-parse of part of an entry can stop.
 */
export function parseCommandLineUnit(
  line: LogicalLine,
  words: Token[],
  cursor: CommandLineCursor,
  into: Pick<MasterEntry, "options" | "arguments">,
): void {
  const word = words[cursor.index];
  if (!cursor.inArguments && (!word.text.startsWith("-") || word.text === "--")) {
    cursor.inArguments = true;
  }
  if (cursor.inArguments) {
    into.arguments.push({
      word,
      braces: word.text.startsWith("{") ? extractBraces(line, word) : undefined,
    });
    cursor.index++;
    return;
  }
  for (const { flag, inlineValue } of splitOptionLetters(word)) {
    if (!OPTIONS_WITH_VALUE.includes(flag.text[1])) {
      into.options.push({ flag });
      continue;
    }
    let value = inlineValue;
    if (!value && cursor.index + 1 < words.length) value = words[++cursor.index];
    into.options.push(makeValueOption(line, flag, value));
  }
  cursor.index++;
}

interface OptionLetter {
  flag: Token;
  inlineValue?: Token;
}

/** `-vo name=x` holds `-v` and `-o`; `-oname=x` holds `-o` with the value `name=x`. */
function splitOptionLetters(word: Token): OptionLetter[] {
  const letters: OptionLetter[] = [];
  for (let i = 1; i < word.text.length; i++) {
    // A word that is just one option letter is its own flag.
    const flag = word.text.length === 2 ? word : optionLetter(word, i);
    if (OPTIONS_WITH_VALUE.includes(word.text[i])) {
      const letter: OptionLetter = { flag };
      if (i + 1 < word.text.length) {
        letter.inlineValue = { text: word.text.slice(i + 1), start: flag.end, end: word.end };
      }
      letters.push(letter);
      return letters;
    }
    letters.push({ flag });
  }
  if (letters.length === 0) letters.push({ flag: word }); // a lone "-"
  return letters;
}

/** The token of option letter `i` of a word of several; the first one includes the dash. */
function optionLetter(word: Token, i: number): Token {
  const text = "-" + word.text[i];
  return { text, start: i === 1 ? word.start : word.start + i, end: word.start + i + 1 };
}

function makeValueOption(line: LogicalLine, flag: Token, value: Token | undefined): MasterOption {
  if (!value) return { flag };
  const braces = value.text.startsWith("{") ? extractBraces(line, value) : undefined;
  let setting: ParameterSetting | undefined;
  let settingProblem: MasterOption["settingProblem"];
  if (flag.text === "-o") {
    const settingRange = braces ? braces.inner : value;
    const from = offsetToLogical(line, settingRange.start);
    const split = splitNameValue(line.text, from, from + settingRange.text.length);
    if (typeof split === "string") settingProblem = split;
    else setting = settingOf(line, split);
  }
  // Built in one piece: properties added afterwards would give each option a
  // separate property store (a -o line is an option, and there can be 100,000).
  return { flag, value, braces, setting, settingProblem };
}

/** Postfix's extpar() with stripping: the text inside `{...}` without outer whitespace. */
function extractBraces(line: LogicalLine, word: Token): BraceGroup {
  const text = word.text;
  let level = 0;
  let close = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "{") level++;
    else if (text[i] === "}" && --level === 0) {
      close = i;
      break;
    }
  }
  const wordFrom = offsetToLogical(line, word.start);
  const innerEnd = close >= 0 ? close : text.length;
  let from = 1;
  let to = innerEnd;
  while (from < to && " \t\n\v\f\r".includes(text[from])) from++;
  while (to > from && " \t\n\v\f\r".includes(text[to - 1])) to--;
  const group: BraceGroup = { inner: tokenOf(line, wordFrom + from, wordFrom + to) };
  if (close < 0) group.problem = "missing-close";
  else if (close + 1 < text.length) group.problem = "text-after-close";
  return group;
}
