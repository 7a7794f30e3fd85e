import type { Block } from "./document";
import type { CommentBlock } from "./logicalLines";
import type { MainEntry, ParameterSetting } from "./mainCf";
import type { MasterEntry } from "./masterCf";
import type { Span } from "./logicalLines";
import type { Token } from "./tokens";

// Moving parse nodes when the text before them changed.

/**
 * Shifts every document offset in a block (the `start`/`end` convention of
 * logicalLines.ts, and `nulOffset`). Written out per node type because a generic
 * walk costs several times more; ShiftCoverage below stops the build when a node
 * type gains a field, so that this function is looked at again.
 */
export function shiftBlock(block: Block, delta: number): void {
  block.start += delta;
  block.end += delta;
  if (block.kind === "comment") return;
  shiftSpans(block.segments, delta);
  shiftSpans(block.innerComments, delta);
  if (block.kind === "main") {
    if (block.nulOffset !== undefined) block.nulOffset += delta;
    if (block.setting) shiftSetting(block.setting, delta);
    return;
  }
  // A field problem points at one of the words (checkFields), shifted with them.
  shiftCommandLine(block, { word: 0, option: 0, argument: 0 }, delta);
}

/** Where a shift of a master.cf entry's command line starts, as indexes into its lists. */
export interface CommandLineStart {
  word: number;
  option: number;
  argument: number;
}

/**
 * Shifts a master.cf entry's words, options and arguments from `from` on. An
 * option's flag and value are the word tokens themselves when they are whole
 * words, and so is an argument's word: each token is shifted once. `from` must
 * start the options and arguments at the first word (or later).
 */
export function shiftCommandLine(
  entry: Pick<MasterEntry, "words" | "options" | "arguments">,
  from: CommandLineStart,
  delta: number,
): void {
  const { words, options, arguments: args } = entry;
  // Options first, while their tokens and the words still have the same offsets:
  // the words are in document order, and so are the options' tokens.
  let word = from.word;
  const isWord = (token: Token) => {
    while (word < words.length && words[word].start < token.start) word++;
    return words[word] === token;
  };
  for (let i = from.option; i < options.length; i++) {
    const { flag, value, braces, setting } = options[i];
    if (!isWord(flag)) shiftSpan(flag, delta);
    if (value && !isWord(value)) shiftSpan(value, delta);
    if (braces) shiftSpan(braces.inner, delta);
    if (setting) shiftSetting(setting, delta);
  }
  for (let i = from.argument; i < args.length; i++) {
    const { braces } = args[i];
    if (braces) shiftSpan(braces.inner, delta);
  }
  for (let i = from.word; i < words.length; i++) shiftSpan(words[i], delta);
}

function shiftSetting(setting: ParameterSetting, delta: number): void {
  shiftSpan(setting.name, delta);
  shiftSpan(setting.value, delta);
  const { references, functions, error } = setting.macros;
  // Indexed loops: a for-of loop that the compiler does not inline allocates an
  // iterator, and this runs for every option after an edit in a long entry.
  for (let i = 0; i < references.length; i++) {
    shiftSpan(references[i], delta);
    shiftSpan(references[i].name, delta);
  }
  for (let i = 0; i < functions.length; i++) {
    shiftSpan(functions[i], delta);
    shiftSpan(functions[i].name, delta);
  }
  if (error) shiftSpan(error, delta);
}

function shiftSpans(spans: Span[], delta: number): void {
  for (let i = 0; i < spans.length; i++) shiftSpan(spans[i], delta);
}

export function shiftSpan(span: Span, delta: number): void {
  span.start += delta;
  span.end += delta;
}

/** True when T has no fields besides K (K must all be fields of T). */
type Only<T, K extends keyof T> = [Exclude<keyof T, K>] extends [never] ? true : false;
type Holds<T extends true> = T;
type Macros = ParameterSetting["macros"];
type Option = MasterEntry["options"][number];
type Argument = MasterEntry["arguments"][number];
type Braces = NonNullable<Option["braces"]>;
type Problem = NonNullable<MasterEntry["problem"]>;
type LineFields = "start" | "end" | "segments" | "innerComments" | "text" | "segmentTextStarts";

/** The fields shiftBlock knows; a compile error here means it needs updating. */
export type ShiftCoverage = [
  Holds<Only<CommentBlock, "kind" | "start" | "end">>,
  Holds<Only<MainEntry, LineFields | "kind" | "setting" | "problem" | "nulOffset">>,
  Holds<Only<MasterEntry, LineFields | "kind" | "words" | "problem" | "options" | "arguments">>,
  Holds<Only<ParameterSetting, "name" | "value" | "macros">>,
  Holds<Only<Macros, "references" | "functions" | "error">>,
  Holds<Only<Macros["references"][number], "start" | "end" | "name" | "form" | "test">>,
  Holds<Only<Macros["functions"][number], "start" | "end" | "name">>,
  Holds<Only<NonNullable<Macros["error"]>, "start" | "end" | "code" | "postconfWarning">>,
  Holds<Only<MainEntry["segments"][number], "start" | "end">>,
  Holds<Only<ParameterSetting["name"], "start" | "end" | "text">>,
  Holds<Only<Option, "flag" | "value" | "braces" | "setting" | "settingProblem">>,
  Holds<Only<Braces, "inner" | "problem">>,
  Holds<Only<Argument, "word" | "braces">>,
  Holds<Only<Problem, "code" | "field">>,
];
