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
  const entry: MainEntry = { kind: "main", ...line };
  const nul = line.text.indexOf("\0");
  // Postfix handles the logical line as a C string, so it ends at a NUL byte.
  const usable = nul >= 0 ? nul : line.text.length;
  if (nul >= 0) entry.nulOffset = logicalToOffset(line, nul);
  if (usable > 0 && isSpace(line.text.charCodeAt(0))) {
    entry.problem = "leading-whitespace";
    return entry;
  }
  const split = splitNameValue(line.text, 0, usable);
  if (typeof split === "string") {
    entry.problem = split;
    return entry;
  }
  entry.setting = settingOf(line, split);
  return entry;
}

/** The setting a successful split_nameval() describes, with document positions. */
export function settingOf(line: LogicalLine, split: NameValueSplit): ParameterSetting {
  return {
    name: tokenOf(line, split.nameStart, split.nameEnd),
    value: tokenOf(line, split.valueStart, split.valueEnd),
    macros: parseValueMacros(line, split.valueStart, split.valueEnd),
  };
}

export function tokenOf(line: LogicalLine, from: number, to: number): Token {
  return { text: line.text.slice(from, to), ...logicalSpan(line, from, to) };
}

/** Parses the `$` expansions in [from, to) of a logical line and maps them to the document. */
export function parseValueMacros(line: LogicalLine, from: number, to: number): ValueMacros {
  if (hasNoMacros(line.text.slice(from, to))) return { references: [], functions: [] };
  const expansion = parseExpansion(line.text, from, to);
  const macros: ValueMacros = {
    references: expansion.references.map((reference) => {
      const mapped: ValueReference = {
        name: tokenOf(line, reference.nameStart, reference.nameEnd),
        form: reference.form,
        ...logicalSpan(line, reference.start, reference.end),
      };
      if (reference.test) mapped.test = reference.test;
      return mapped;
    }),
    functions: expansion.functions.map((call) => ({
      name: tokenOf(line, call.nameStart, call.nameEnd),
      ...logicalSpan(line, call.start, call.end),
    })),
  };
  if (expansion.error) {
    macros.error = {
      code: expansion.error.code,
      postconfWarning: expansion.error.postconfWarning,
      ...logicalSpan(line, expansion.error.start, expansion.error.end),
    };
  }
  return macros;
}
