import { type Expansion, hasNoMacros, parseExpansion } from "./expansion";
import { type LogicalLine, type Span, logicalSpan, logicalToOffset } from "./logicalLines";
import { type NameValueSplit, splitNameValue } from "./nameValue";
import type { Token } from "./tokens";
import { isSpace } from "../text/chars";

/** A `$name` reference inside a value, with document positions. */
export interface ValueReference extends Span {
  name: Token;
  form: "bare" | "brace" | "paren";
  test?: "?" | ":";
}

/** A `${function{...}}` call inside a value (Postfix 3.11 and later). */
export interface ValueFunction extends Span {
  name: Token;
}

export interface ValueSyntaxError extends Span {
  code: NonNullable<Expansion["error"]>["code"];
  postconfWarning: string;
}

/** The parsed `$` expansions of one value, mapped to document offsets. */
export interface ValueMacros {
  references: ValueReference[];
  functions: ValueFunction[];
  error?: ValueSyntaxError;
}

export interface ParameterSetting {
  name: Token;
  /** The value as Postfix stores it: trimmed, continuation lines joined. */
  value: Token;
  macros: ValueMacros;
}

/** Why Postfix rejects or ignores a main.cf logical line. */
export type MainLineProblem =
  /** Postfix stops with "missing attribute name". */
  | "missing-name"
  /** Postfix stops with "missing '=' after attribute name". */
  | "missing-equals"
  /** The first logical line starts with whitespace: Postfix warns and skips it. */
  | "leading-whitespace";

export interface MainEntry extends LogicalLine {
  kind: "main";
  /** Present when the line is a valid `name = value`. */
  setting?: ParameterSetting;
  problem?: MainLineProblem;
  /** Offset of a NUL character; Postfix ignores the text after it. */
  nulOffset?: number;
}

export function parseMainEntry(line: LogicalLine): MainEntry {
  const { text } = line;
  const syntax = mainLineSyntax(text);
  // Built in one piece, `setting` included even when absent: adding it afterwards
  // would give each entry a separate property store.
  const entry: MainEntry = {
    kind: "main",
    start: line.start,
    end: line.end,
    segments: line.segments,
    innerComments: line.innerComments,
    text,
    segmentTextStarts: line.segmentTextStarts,
    setting: typeof syntax === "string" ? undefined : settingOf(line, syntax),
  };
  const nul = text.indexOf("\0");
  if (nul >= 0) entry.nulOffset = logicalToOffset(line, nul);
  if (typeof syntax === "string") entry.problem = syntax;
  return entry;
}

/**
 * What Postfix makes of a main.cf logical line's text: a name and a value, or the
 * reason it rejects or skips the line. Postfix handles the line as a C string, so
 * the text ends at a NUL byte.
 */
export function mainLineSyntax(text: string): NameValueSplit | MainLineProblem {
  const nul = text.indexOf("\0");
  const usable = nul >= 0 ? nul : text.length;
  if (usable > 0 && isSpace(text.charCodeAt(0))) return "leading-whitespace";
  return splitNameValue(text, 0, usable);
}

/** The setting a successful split_nameval() describes, with document positions. */
export function settingOf(line: LogicalLine, split: NameValueSplit): ParameterSetting {
  return {
    name: tokenOf(line, split.nameStart, split.nameEnd),
    value: tokenOf(line, split.valueStart, split.valueEnd),
    macros: parseValueMacros(line, split.valueStart, split.valueEnd),
  };
}

/** The token for [from, to) of a logical line; `text` when the caller has cut it already. */
export function tokenOf(
  line: LogicalLine,
  from: number,
  to: number,
  text = line.text.slice(from, to),
): Token {
  const start = logicalToOffset(line, from);
  // As logicalSpan(), without the intermediate object: this runs for every token.
  const end = to <= from ? start : logicalToOffset(line, to - 1) + 1;
  return { text, start, end };
}

/**
 * The macros of every value without `$`, most values: shared, as nothing changes
 * parse nodes after parsing (and shifting its empty lists does nothing).
 */
const NO_MACROS: ValueMacros = Object.freeze({
  references: Object.freeze([]) as readonly ValueReference[] as ValueReference[],
  functions: Object.freeze([]) as readonly ValueFunction[] as ValueFunction[],
});

/** Parses the `$` expansions in [from, to) of a logical line and maps them to the document. */
export function parseValueMacros(line: LogicalLine, from: number, to: number): ValueMacros {
  if (hasNoMacros(line.text, from, to)) return NO_MACROS;
  const expansion = parseExpansion(line.text, from, to);
  // map(): lists of the exact size; these stay in the parse tree.
  const references = expansion.references.map((reference) => {
    const { start, end } = logicalSpan(line, reference.start, reference.end);
    const name = tokenOf(line, reference.nameStart, reference.nameEnd, reference.name);
    const { form, test } = reference;
    // Built in one piece, `test` included when present (adding it later costs a property store).
    return test ? { name, form, start, end, test } : { name, form, start, end };
  });
  const functions = expansion.functions.map((call): ValueFunction => {
    const { start, end } = logicalSpan(line, call.start, call.end);
    return { name: tokenOf(line, call.nameStart, call.nameEnd, call.name), start, end };
  });
  const macros: ValueMacros = { references, functions };
  if (expansion.error) {
    const { code, postconfWarning } = expansion.error;
    const { start, end } = logicalSpan(line, expansion.error.start, expansion.error.end);
    macros.error = { code, postconfWarning, start, end };
  }
  return macros;
}
