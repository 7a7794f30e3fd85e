import { type DocumentText, type ParsedConfig, configText, entryAt } from "./parser/document";
import type { Span } from "./parser/logicalLines";
import type { MainEntry, ParameterSetting, ValueReference } from "./parser/mainCf";
import {
  MASTER_FIELD_NAMES,
  type MasterEntry,
  type MasterFieldName,
  type MasterOption,
} from "./parser/masterCf";
import type { Token } from "./parser/tokens";
import { isSpace } from "./text/chars";

/**
 * What the cursor is on, for hover and completion. Works on incomplete text too:
 * a line being typed without '=' yet is still a parameter name.
 */
export type CursorContext =
  /** At the start of a main.cf line, or on a name being typed there. */
  | { kind: "parameter-name"; file: "main"; prefix: Token; entry?: MainEntry }
  /** On the name of a `-o name=value` setting, or right after `-o `. */
  | { kind: "parameter-name"; file: "master"; prefix: Token; entry: MasterEntry }
  /** On a word of a parameter's value (main.cf or `-o`). */
  | {
      kind: "value";
      parameter: string;
      setting: ParameterSetting;
      word: Token;
      entry: MainEntry | MasterEntry;
    }
  /** On a `$name` reference. */
  | { kind: "reference"; reference: ValueReference; setting: ParameterSetting }
  /** On one of the eight master.cf fields, or where one is being typed. */
  | { kind: "master-field"; field: MasterFieldName; word: Token; entry?: MasterEntry }
  | { kind: "none" };

/** Separators between the words of a value; protocol lists also use ':' but keep it for tables. */
const VALUE_SEPARATORS = " \t\r\n,";

export function cursorContext(config: ParsedConfig, offset: number): CursorContext {
  return config.kind === "main" ? mainContext(config, offset) : masterContext(config, offset);
}

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

function lineStartOf(text: DocumentText, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function mainContext(config: ParsedConfig, offset: number): CursorContext {
  const text = configText(config);
  const found = entryAt(config, offset);
  const entry = found?.kind === "main" ? found : undefined;
  if (entry?.setting) {
    const { name } = entry.setting;
    if (contains(name, offset))
      return { kind: "parameter-name", file: "main", prefix: prefixOf(name, offset), entry };
    const context = settingContext(text, entry, entry.setting, offset);
    if (context) return context;
  }
  if (entry && entry.problem === "missing-equals" && offset <= entry.segments[0].end) {
    // A name being typed: "smtp_tls_sec|".
    const word = wordAt(text, entry.start, entry.segments[0].end, offset);
    if (word.start === entry.start)
      return { kind: "parameter-name", file: "main", prefix: word, entry };
  }
  // An empty line or the start of a line: a new parameter name.
  const lineStart = lineStartOf(text, offset);
  if (!entry && /^[A-Za-z0-9_]*$/.test(text.slice(lineStart, offset))) {
    return {
      kind: "parameter-name",
      file: "main",
      prefix: { text: text.slice(lineStart, offset), start: lineStart, end: offset },
    };
  }
  return { kind: "none" };
}

/** Inside a setting's value: a `$name` reference or a word. */
function settingContext(
  text: DocumentText,
  entry: MainEntry | MasterEntry,
  setting: ParameterSetting,
  offset: number,
): CursorContext | undefined {
  const { name, value } = setting;
  const reference = setting.macros.references.find((r) => contains(r, offset));
  if (reference) return { kind: "reference", reference, setting };
  // The value of "name = |" starts at the cursor's position or later.
  const valueStart = value.text.length > 0 ? value.start : Math.min(value.start, offset);
  if (offset < valueStart || offset > Math.max(value.end, valueStart) || offset <= name.end)
    return undefined;
  const word = wordAt(text, valueStart, Math.max(value.end, offset), offset);
  return { kind: "value", parameter: name.text, setting, word, entry };
}

/** The word around `offset` within [from, to), split on value separators. */
function wordAt(text: DocumentText, from: number, to: number, offset: number): Token {
  let start = offset;
  while (start > from && !isValueSeparator(text.charAt(start - 1))) start--;
  let end = offset;
  while (end < to && !isValueSeparator(text.charAt(end))) end++;
  return { text: text.slice(start, end), start, end };
}

function isValueSeparator(char: string): boolean {
  return char !== "" && VALUE_SEPARATORS.includes(char);
}

function prefixOf(token: Token, offset: number): Token {
  return { text: token.text.slice(0, offset - token.start), start: token.start, end: token.end };
}

function masterContext(config: ParsedConfig, offset: number): CursorContext {
  const text = configText(config);
  const found = entryAt(config, offset);
  const entry = found?.kind === "master" ? found : undefined;
  if (!entry) {
    const lineStart = lineStartOf(text, offset);
    const before = text.slice(lineStart, offset);
    // A new entry being typed on its first line: which field is the cursor in?
    if (before.length > 0 && isSpace(before.charCodeAt(0))) return { kind: "none" };
    const words = before.split(/[ \t]+/);
    const field = MASTER_FIELD_NAMES[words.length - 1];
    if (!field) return { kind: "none" };
    const last = words[words.length - 1];
    return {
      kind: "master-field",
      field,
      word: { text: last, start: offset - last.length, end: offset },
    };
  }
  const option = optionAt(entry, offset);
  if (option && option.flag.text === "-o") {
    const setting = option.setting;
    if (setting) {
      if (contains(setting.name, offset)) {
        return {
          kind: "parameter-name",
          file: "master",
          prefix: prefixOf(setting.name, offset),
          entry,
        };
      }
      const context = settingContext(text, entry, setting, offset);
      if (context) return context;
    } else if (option.value && contains(option.value, offset)) {
      // "-o smtpd_tls_wr|" without '=' yet.
      return {
        kind: "parameter-name",
        file: "master",
        prefix: prefixOf(option.value, offset),
        entry,
      };
    }
  }
  // Right after "-o " at the end of the entry.
  if (offset >= entry.end && followsOptionFlag(text, entry.start, offset)) {
    return {
      kind: "parameter-name",
      file: "master",
      prefix: { text: "", start: offset, end: offset },
      entry,
    };
  }
  const last = lastIndexStartingBy(entry.words, (word) => word.start, offset);
  const index = last >= 0 && contains(entry.words[last], offset) ? last : -1;
  if (index >= 0 && index < MASTER_FIELD_NAMES.length) {
    return {
      kind: "master-field",
      field: MASTER_FIELD_NAMES[index],
      word: entry.words[index],
      entry,
    };
  }
  if (index < 0 && entry.words.length < MASTER_FIELD_NAMES.length && offset >= entry.end) {
    const field = MASTER_FIELD_NAMES[entry.words.length];
    return { kind: "master-field", field, word: { text: "", start: offset, end: offset }, entry };
  }
  return { kind: "none" };
}

/**
 * The only option of a master.cf entry that can hold `offset`: the last one that
 * starts at or before it (options are in document order, and an option's value
 * comes before the next option's flag). Found by binary search, as an entry can
 * have many thousands of options.
 */
export function optionAt(entry: MasterEntry, offset: number): MasterOption | undefined {
  const index = lastIndexStartingBy(entry.options, (option) => option.flag.start, offset);
  return index >= 0 ? entry.options[index] : undefined;
}

/** The last index of `items` (sorted by `startOf`) whose start is at or before `offset`, or -1. */
function lastIndexStartingBy<T>(items: T[], startOf: (item: T) => number, offset: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (startOf(items[mid]) <= offset) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/**
 * Whether [from, offset) ends with the word `-o` and whitespace after it. Reads
 * back from the cursor only, not the whole entry, which can be long.
 */
function followsOptionFlag(text: DocumentText, from: number, offset: number): boolean {
  // JavaScript's \s, as the pattern /(^|\s)-o\s+$/ that this replaces had it.
  const isBlank = (at: number) => at >= from && WHITESPACE.test(text.charAt(at));
  let at = offset;
  while (isBlank(at - 1)) at--;
  if (at === offset || at - 2 < from || text.slice(at - 2, at) !== "-o") return false;
  return at - 2 === from || isBlank(at - 3);
}

const WHITESPACE = /^\s$/;
