import { masterEntries } from "../analysis/configModel";
import type { ParsedConfig } from "../parser/document";
import type { Span } from "../parser/logicalLines";
import type { MainEntry, ValueSyntaxError } from "../parser/mainCf";
import type { MasterEntry } from "../parser/masterCf";
import { isSpace } from "../text/chars";
import type { RuleContext } from "./context";
import type { Finding, Fix } from "./findings";
import { excerpt } from "../text/excerpt";

/**
 * Syntax rules: what Postfix itself rejects or warns about while it reads the
 * files (a missing '=', bad master.cf fields, '$' syntax errors, ...).
 */

/** Problems Postfix reports while reading main.cf (the context's main file). */
export function checkMainSyntax(context: RuleContext): Finding[] {
  const config = context.main!;
  const findings: Finding[] = [];
  // Their messages name line numbers, which take a scan of the text: done once, at the end.
  const duplicates: { finding: Finding; earlier: MainEntry }[] = [];
  const entries = context.mainEntries;
  // An index loop: for-of would allocate per entry until V8 optimizes this.
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.nulOffset !== undefined || entry.problem) findings.push(...lineProblems(entry));
    const setting = entry.setting;
    if (!setting) continue;
    const earlierSetting = context.earlierAssignment(setting);
    const earlier = earlierSetting && context.mainEntryOf(earlierSetting);
    if (earlier && earlierSetting.value.text !== setting.value.text) {
      const finding: Finding = { rule: "duplicate-parameter", ...setting.name, message: "" };
      findings.push(finding);
      duplicates.push({ finding, earlier });
    }
    if (setting.macros.error) findings.push(macroFinding(setting.macros.error));
    // The value holds every character of its segments, so without a '#' there is none to find.
    if (setting.value.text.includes("#"))
      findings.push(...hashWords(config.text, entry, setting.value));
  }
  const lineOf = lineNumbersAt(
    config.text,
    duplicates.map(({ earlier }) => earlier.start),
  );
  for (const { finding, earlier } of duplicates) {
    const { name, value } = earlier.setting!;
    const line = lineOf(earlier.start);
    finding.message = `${excerpt(name.text)} is already set on line ${line} (to "${excerpt(value.text)}"); this later value replaces it.`;
    // Removing the earlier entry changes nothing Postfix sees; keep comments inside it.
    if (earlier.innerComments.length === 0) {
      finding.fix = {
        title: `Remove the earlier ${name.text} on line ${line}`,
        edits: [{ start: earlier.start, end: lineEndAfter(config.text, earlier.end), newText: "" }],
      };
    }
  }
  return findings;
}

function lineProblems(entry: MainEntry): Finding[] {
  const findings: Finding[] = [];
  const firstLine = entry.segments[0];
  if (entry.nulOffset !== undefined) {
    findings.push({
      rule: "nul-byte",
      start: entry.nulOffset,
      end: entry.nulOffset + 1,
      message: "NUL character: Postfix ignores the rest of this line after it.",
    });
  }
  switch (entry.problem) {
    case "missing-equals": {
      const name = entry.text.trim().split(/[\s=]/)[0];
      findings.push({
        rule: "missing-equals",
        ...firstLine,
        message: `Missing '=' after "${excerpt(name)}": Postfix stops with a fatal error. Write "${excerpt(name)} = value".`,
      });
      break;
    }
    case "missing-name":
      findings.push({
        rule: "missing-name",
        ...firstLine,
        message:
          "The line starts with '=' and names no parameter: Postfix stops with a fatal error.",
      });
      break;
    case "leading-whitespace":
      findings.push({
        rule: "leading-whitespace",
        ...firstLine,
        message:
          "This line is indented but no parameter comes before it to continue, so Postfix ignores it. Remove the indentation.",
      });
      break;
  }
  return findings;
}

const MACRO_MESSAGES: Record<ValueSyntaxError["code"], string> = {
  "empty-name": "'$' is not followed by a parameter name. Write '$$' for a literal dollar sign.",
  truncated: "The '$' expansion is not closed.",
  "name-syntax": "Parameter names in '$' expansions may only use letters, digits and '_'.",
  "unbalanced-braces": "Unbalanced '{' and '}' in the expression.",
  "operator-expected": "Expected a comparison operator: ==, !=, <, <=, >= or >.",
  "bad-operator-suffix": "Unknown operator suffix; only 'level' exists (e.g. '<level').",
  "operand-expected": "Expected '{value}' after the operator.",
  "question-or-colon-expected": "Expected '?' or ':' after the comparison.",
  "colon-expected": "Expected ':' after the '?' result.",
  "unexpected-input": "Unexpected text after the expression.",
  "unknown-function": "Unknown function; Postfix knows only domain_to_ascii.",
  nesting: "More than 100 nested expansions; Postfix gives up.",
  "operand-nesting":
    "Comparison operands nested more than 100 levels deep. Postfix sets no limit here and may run out of stack and crash.",
  "malformed-level": "A compatibility level must look like 3.6 or 3.6.1.",
};

function macroFinding(error: ValueSyntaxError): Finding {
  return {
    rule: "macro-syntax",
    start: error.start,
    end: Math.max(error.end, error.start + 1),
    message:
      error.code === "operand-nesting"
        ? MACRO_MESSAGES[error.code]
        : `${MACRO_MESSAGES[error.code]} Postfix reports a macro processing error.`,
  };
}

/**
 * Words starting with '#' inside a value: not comments, but part of the value. The
 * first one of each line is reported (each is moved on its own). Only the value's
 * own segments are scanned, not comment lines between them.
 */
function hashWords(text: string, entry: MainEntry, value: Span): Finding[] {
  const findings: Finding[] = [];
  for (const segment of entry.segments) {
    const from = Math.max(segment.start, value.start);
    const to = Math.min(segment.end, value.end);
    for (let i = from; i < to; i++) {
      if (text[i] !== "#" || (i > value.start && !isSpace(text.charCodeAt(i - 1)))) continue;
      findings.push({
        rule: "comment-after-value",
        start: i,
        end: trimmedEnd(text, i, segment.end),
        message:
          "'#' only starts a comment at the beginning of a line. Here it and the text after it become part of the value. Move the comment to its own line.",
        fix: moveCommentFix(text, entry, segment, i),
      });
      break;
    }
  }
  return findings;
}

/**
 * Moves the text from `hash` to the end of its physical line onto a comment line of
 * its own just above that line (indented like it, so a continued value goes on).
 */
function moveCommentFix(
  text: string,
  entry: MainEntry | MasterEntry,
  segment: Span,
  hash: number,
): Fix {
  let cut = hash;
  while (cut > segment.start && isSpace(text.charCodeAt(cut - 1))) cut--;
  const comment = text.slice(hash, trimmedEnd(text, hash, segment.end));
  const indent =
    segment.start === entry.start ? "" : /^[ \t]*/.exec(text.slice(segment.start, segment.end))![0];
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  return {
    title: "Move the comment to its own line",
    edits: [
      { start: segment.start, end: segment.start, newText: `${indent}${comment}${newline}` },
      { start: cut, end: trimmedEnd(text, hash, segment.end), newText: "" },
    ],
  };
}

function trimmedEnd(text: string, from: number, end: number): number {
  while (end > from && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** The offset after the line break that ends the line containing `offset`. */
function lineEndAfter(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline < 0 ? text.length : newline + 1;
}

export function checkMasterSyntax(config: ParsedConfig): Finding[] {
  const findings: Finding[] = [];
  for (const entry of masterEntries(config)) {
    findings.push(...masterFieldProblems(entry));
    if (entry.problem) continue;
    findings.push(...masterOptionProblems(entry));
    // The first '#' word of each line: each line's comment is moved on its own.
    // Arguments and segments are both in document order: one pass over each.
    let s = 0;
    let reported = -1;
    for (const hash of entry.arguments) {
      if (!hash.word.text.startsWith("#")) continue;
      while (s < entry.segments.length && entry.segments[s].end < hash.word.start) s++;
      const segment = entry.segments[s];
      if (!segment || segment.start > hash.word.start || s === reported) continue;
      reported = s;
      findings.push({
        rule: "comment-after-value",
        start: hash.word.start,
        end: trimmedEnd(config.text, hash.word.start, segment.end),
        message:
          "'#' only starts a comment at the beginning of a line. These words are passed to the program as arguments, and smtpd(8) refuses them. Move the comment to its own line.",
        fix: moveCommentFix(config.text, entry, segment, hash.word.start),
      });
    }
    for (const argument of entry.arguments) {
      if (argument.braces?.problem)
        findings.push(braceFinding(argument.word, argument.braces.problem));
    }
  }
  return findings;
}

const FIELD_EXPECTATIONS: Record<string, string> = {
  type: "inet, unix, unix-dgram, fifo or pass",
  private: "y, n or -",
  unprivileged: "y, n or -",
  chroot: "y, n or -",
  wakeup: "a number of seconds, optionally followed by '?', or -",
  process_limit: "a number or -",
};

function masterFieldProblems(entry: MasterEntry): Finding[] {
  const problem = entry.problem;
  if (!problem) return [];
  if (problem.code === "leading-whitespace") {
    return [
      {
        rule: "leading-whitespace",
        ...entry.segments[0],
        message:
          "This line is indented but no entry comes before it to continue, so Postfix ignores it. Remove the indentation.",
      },
    ];
  }
  if (problem.code === "field-count") {
    return [
      {
        rule: "master-field-count",
        start: entry.start,
        end: entry.segments[0].end,
        message: `A master.cf entry needs eight fields (service, type, private, unpriv, chroot, wakeup, maxproc, command); this one has ${entry.words.length}. Postfix stops with a fatal error.`,
      },
    ];
  }
  const field = problem.field!;
  return [
    {
      rule: "master-field-value",
      ...field,
      message: `Invalid ${problem.code} field "${excerpt(field.text)}": expected ${FIELD_EXPECTATIONS[problem.code]}. Postfix stops with a fatal error.`,
    },
  ];
}

function masterOptionProblems(entry: MasterEntry): Finding[] {
  const findings: Finding[] = [];
  for (const option of entry.options) {
    if (option.braces?.problem && option.value)
      findings.push(braceFinding(option.value, option.braces.problem));
    if (option.flag.text !== "-o") continue;
    const literal = literalBraces(option);
    if (literal) findings.push(literal);
    // postconf scans every -o value for $name, as it does main.cf values.
    if (option.setting?.macros.error) findings.push(macroFinding(option.setting.macros.error));
    if (!option.value) {
      findings.push({
        rule: "option-without-setting",
        ...option.flag,
        message: "'-o' at the end of the command has no value; the service fails to start.",
      });
      continue;
    }
    if (!option.settingProblem) continue;
    const next = entry.arguments[0]?.word;
    if (option.settingProblem === "missing-equals" && next?.text.startsWith("=")) {
      const valueWord = next.text === "=" ? entry.arguments[1]?.word : undefined;
      const last = valueWord ?? next;
      const value = next.text === "=" ? (valueWord?.text ?? "") : next.text.slice(1);
      const finding: Finding = {
        rule: "option-spaced-equals",
        start: option.flag.start,
        end: last.end,
        message: `No spaces are allowed around '=' in "-o name=value": the service receives "-o ${option.value.text}" and fails to start. Write "-o ${option.value.text}=..." or "-o { ${option.value.text} = ... }".`,
      };
      if (value) {
        finding.fix = {
          title: `Join into -o ${option.value.text}=${value}`,
          edits: [
            { start: option.value.start, end: last.end, newText: `${option.value.text}=${value}` },
          ],
        };
      }
      findings.push(finding);
    } else {
      findings.push({
        rule: "option-without-setting",
        ...option.value,
        message: `"${excerpt(option.value.text)}" is not name=value; the service fails to start.`,
      });
    }
  }
  return findings;
}

/**
 * P04: `-o name={a b}` stays one word, but since the word does not start with `{`
 * the braces are kept in the value. The long form `-o { name = a b }` was meant.
 */
function literalBraces(option: MasterEntry["options"][number]): Finding | undefined {
  const setting = option.setting;
  if (!setting || option.braces || !option.value) return undefined;
  const value = setting.value.text;
  if (!value.startsWith("{") || !value.endsWith("}") || !/\s/.test(value)) return undefined;
  const inner = value.slice(1, -1).trim();
  return {
    rule: "option-literal-braces",
    ...setting.value,
    message: `The braces stay in the value: ${excerpt(setting.name.text)} gets "${excerpt(value)}", braces included. To pass a value with spaces, write the whole setting in braces: -o { ${excerpt(setting.name.text)} = ${excerpt(inner)} }.`,
    fix: {
      title: `Write -o { ${setting.name.text} = ${inner} }`,
      edits: [{ ...option.value, newText: `{ ${setting.name.text} = ${inner} }` }],
    },
  };
}

function braceFinding(span: Span, problem: "missing-close" | "text-after-close"): Finding {
  return {
    rule: "master-brace",
    ...span,
    message:
      problem === "missing-close"
        ? "Missing '}': Postfix refuses this entry."
        : "Text after the closing '}' is ignored by postconf and refused by master(8).",
  };
}

/** Postfix's line numbers (counting "\n" only) of some offsets, from one scan up to the last. */
function lineNumbersAt(text: string, offsets: number[]): (offset: number) => number {
  const lines = new Map<number, number>();
  let line = 1;
  let lineBreak = text.indexOf("\n");
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    for (; lineBreak >= 0 && lineBreak < offset; lineBreak = text.indexOf("\n", lineBreak + 1))
      line++;
    lines.set(offset, line);
  }
  return (offset) => lines.get(offset)!;
}
