import type { Block } from "./document";
import type { CommentBlock } from "./logicalLines";
import type { MainEntry, ParameterSetting } from "./mainCf";
import type { MasterArgument, MasterEntry, MasterOption } from "./masterCf";
import type { Span } from "./logicalLines";

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
  shiftSpans(block.words, delta);
  // A field problem points at one of the words, already shifted.
  const field = block.problem?.field;
  if (field && !block.words.includes(field)) shiftSpan(field, delta);
  const { options, arguments: args } = block;
  for (let i = 0; i < options.length; i++) shiftOption(options[i], delta);
  for (let i = 0; i < args.length; i++) shiftArgument(args[i], delta);
}

export function shiftOption(option: MasterOption, delta: number): void {
  shiftSpan(option.flag, delta);
  if (option.value) shiftSpan(option.value, delta);
  if (option.braces) shiftSpan(option.braces.inner, delta);
  if (option.setting) shiftSetting(option.setting, delta);
}

export function shiftArgument(argument: MasterArgument, delta: number): void {
  shiftSpan(argument.word, delta);
  if (argument.braces) shiftSpan(argument.braces.inner, delta);
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
