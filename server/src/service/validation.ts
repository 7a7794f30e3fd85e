import type { Diagnostic } from "vscode-languageserver-types";
import { DiagnosticSeverity } from "vscode-languageserver-types";
import { mainEntries, masterEntries } from "./analysis/configModel";
import type { PositionMapper } from "./languageTypes";
import { isSpace } from "./text/chars";
import type { ParsedConfig } from "./parser/document";
import type { Span } from "./parser/logicalLines";
import type { MainEntry, ValueSyntaxError } from "./parser/mainCf";
import type { MasterEntry } from "./parser/masterCf";
import { type RuleId, type RuleSeverity, getRule } from "./rules/ruleTable";

export type SeveritySetting = RuleSeverity | "off";

export interface ValidationSettings {
  /** Severity overrides by rule id. */
  rules?: Record<string, SeveritySetting>;
  /** At most this many diagnostics per file. */
  maxProblems?: number;
}

/** A problem found by a rule, in document offsets. */
export interface Finding extends Span {
  rule: RuleId;
  message: string;
}

export const DIAGNOSTIC_SOURCE = "postfix";

export function doValidation(
  config: ParsedConfig,
  mapper: PositionMapper,
  settings: ValidationSettings = {},
): Diagnostic[] {
  const findings = config.kind === "main" ? checkMain(config) : checkMaster(config);
  const diagnostics: Diagnostic[] = [];
  for (const finding of findings.sort((a, b) => a.start - b.start)) {
    const severity = settings.rules?.[finding.rule] ?? getRule(finding.rule)?.severity ?? "error";
    if (severity === "off") continue;
    diagnostics.push({
      range: { start: mapper.positionAt(finding.start), end: mapper.positionAt(finding.end) },
      severity: LSP_SEVERITY[severity],
      code: finding.rule,
      source: DIAGNOSTIC_SOURCE,
      message: finding.message,
    });
    if (diagnostics.length >= (settings.maxProblems ?? 1000)) break;
  }
  return diagnostics;
}

const LSP_SEVERITY: Record<RuleSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function checkMain(config: ParsedConfig): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, MainEntry>();
  for (const entry of mainEntries(config)) {
    findings.push(...lineProblems(entry));
    const setting = entry.setting;
    if (!setting) continue;
    const name = setting.name.text;
    const earlier = seen.get(name);
    if (earlier?.setting && earlier.setting.value.text !== setting.value.text) {
      findings.push({
        rule: "duplicate-parameter",
        ...setting.name,
        message: `${name} is already set on line ${lineOf(config.text, earlier.start)} (to "${earlier.setting.value.text}"); this later value replaces it.`,
      });
    }
    seen.set(name, entry);
    if (setting.macros.error) findings.push(macroFinding(setting.macros.error));
    findings.push(...hashWords(config.text, entry, setting.value));
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
        message: `Missing '=' after "${name}": Postfix stops with a fatal error. Write "${name} = value".`,
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
  "malformed-level": "A compatibility level must look like 3.6 or 3.6.1.",
};

function macroFinding(error: ValueSyntaxError): Finding {
  return {
    rule: "macro-syntax",
    start: error.start,
    end: Math.max(error.end, error.start + 1),
    message: `${MACRO_MESSAGES[error.code]} Postfix reports a macro processing error.`,
  };
}

/**
 * Words starting with '#' inside a value: not comments, but part of the value.
 * Only the value's own segments are scanned, not comment lines between them.
 */
function hashWords(text: string, entry: MainEntry, value: Span): Finding[] {
  for (const segment of entry.segments) {
    const from = Math.max(segment.start, value.start);
    const to = Math.min(segment.end, value.end);
    for (let i = from; i < to; i++) {
      if (text[i] !== "#" || (i > value.start && !isSpace(text.charCodeAt(i - 1)))) continue;
      return [
        {
          rule: "comment-after-value",
          start: i,
          end: value.end,
          message:
            "'#' only starts a comment at the beginning of a line. Here it and the text after it become part of the value. Move the comment to its own line.",
        },
      ];
    }
  }
  return [];
}

function checkMaster(config: ParsedConfig): Finding[] {
  const findings: Finding[] = [];
  for (const entry of masterEntries(config)) {
    findings.push(...masterFieldProblems(entry));
    if (entry.problem) continue;
    findings.push(...masterOptionProblems(entry));
    const hash = entry.arguments.find((argument) => argument.word.text.startsWith("#"));
    if (hash) {
      findings.push({
        rule: "comment-after-value",
        start: hash.word.start,
        end: entry.arguments[entry.arguments.length - 1].word.end,
        message:
          "'#' only starts a comment at the beginning of a line. These words are passed to the program as arguments, and smtpd(8) refuses them. Move the comment to its own line.",
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
      message: `Invalid ${problem.code} field "${field.text}": expected ${FIELD_EXPECTATIONS[problem.code]}. Postfix stops with a fatal error.`,
    },
  ];
}

function masterOptionProblems(entry: MasterEntry): Finding[] {
  const findings: Finding[] = [];
  for (const option of entry.options) {
    if (option.braces?.problem && option.value)
      findings.push(braceFinding(option.value, option.braces.problem));
    if (option.flag.text !== "-o") continue;
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
      findings.push({
        rule: "option-spaced-equals",
        start: option.flag.start,
        end: entry.arguments[next.text === "=" && entry.arguments[1] ? 1 : 0].word.end,
        message: `No spaces are allowed around '=' in "-o name=value": the service receives "-o ${option.value.text}" and fails to start. Write "-o ${option.value.text}=..." or "-o { ${option.value.text} = ... }".`,
      });
    } else {
      findings.push({
        rule: "option-without-setting",
        ...option.value,
        message: `"${option.value.text}" is not name=value; the service fails to start.`,
      });
    }
  }
  return findings;
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

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
