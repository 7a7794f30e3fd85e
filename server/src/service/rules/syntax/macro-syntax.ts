import type { ValueSyntaxError } from "../../parser/mainCf";
import { type RuleFinding, defineRule } from "../rule";
import { mainScan, masterScan } from "./shared";

export default defineRule({
  meta: {
    id: "macro-syntax",
    severity: "error",
    description: "A $ expansion that Postfix cannot parse.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix expands `$name`, `${name}`, `$(name)`, the conditional forms `${name?text}` and `${name:text}` and comparisons such as `${{$a} == {b} ? {x} : {y}}` wherever a value is used. When an expansion cannot be parsed, the lookup of that value fails: postconf reports a macro processing error and a daemon that needs the value stops. `-o` values in master.cf are expanded the same way. A literal dollar sign is written `$$`.",
    fires: [
      { note: "The '{' is never closed.", main: "smtpd_banner = ${myhostname ESMTP\n" },
      { main: "smtpd_banner = $ ESMTP\n" },
      { master: "relay unix - - n - - smtp -o smtp_helo_name=${}\n" },
    ],
    silent: [
      { main: "smtpd_banner = ${myhostname} ESMTP\n" },
      { note: "'$$' is a literal dollar sign.", main: "smtpd_banner = $myhostname costs $$0\n" },
      { master: "relay unix - - n - - smtp -o smtp_helo_name=$myhostname\n" },
    ],
  },
  *check(context) {
    for (const error of mainScan(context).macroErrors) yield macroFinding("main", error);
    for (const error of masterScan(context).macroErrors) yield macroFinding("master", error);
  },
});

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

function macroFinding(file: "main" | "master", error: ValueSyntaxError): RuleFinding {
  return {
    file,
    start: error.start,
    end: Math.max(error.end, error.start + 1),
    message:
      error.code === "operand-nesting"
        ? MACRO_MESSAGES[error.code]
        : `${MACRO_MESSAGES[error.code]} Postfix reports a macro processing error.`,
  };
}
