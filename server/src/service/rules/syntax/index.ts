import type { Rule } from "../rule";
import commentAfterValue from "./comment-after-value";
import duplicateParameter from "./duplicate-parameter";
import fileTooLarge from "./file-too-large";
import leadingWhitespace from "./leading-whitespace";
import macroSyntax from "./macro-syntax";
import masterBrace from "./master-brace";
import masterFieldCount from "./master-field-count";
import masterFieldValue from "./master-field-value";
import missingEquals from "./missing-equals";
import missingName from "./missing-name";
import nulByte from "./nul-byte";
import optionLiteralBraces from "./option-literal-braces";
import optionSpacedEquals from "./option-spaced-equals";
import optionWithoutSetting from "./option-without-setting";
import siblingNotRead from "./sibling-not-read";

/** The syntax family, in the order the README lists it. */
export const syntaxRules: readonly Rule[] = [
  fileTooLarge,
  siblingNotRead,
  missingEquals,
  missingName,
  leadingWhitespace,
  nulByte,
  macroSyntax,
  duplicateParameter,
  commentAfterValue,
  masterFieldCount,
  masterFieldValue,
  masterBrace,
  optionSpacedEquals,
  optionLiteralBraces,
  optionWithoutSetting,
];
