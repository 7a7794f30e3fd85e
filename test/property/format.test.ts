import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { format, formatText } from "../../server/src/service/format";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { readLogicalLines } from "../../server/src/service/parser/logicalLines";

/**
 * Formatting generated configurations: a second pass changes nothing, every
 * physical line keeps its kind (head, continuation, comment, blank) and its line
 * end, the words of every logical line stay as they were, and the LSP edits give
 * the same text as formatText().
 */

const OPTIONS = { continuationIndent: 4 };
const blanks = fc.constantFrom("", " ", "  ", "\t", " \t", "\v", "\f");
const word = fc.oneof(
  fc.constantFrom("smtpd_banner", "mynetworks", "alias_maps", "smtp", "inet", "-", "n", "y", "-o"),
  fc.constantFrom("a=b", "{", "}", "{x = y}", '"q', 'r"', "é", "😀", "$name", "1000?", "\0", "#"),
  fc.string({ unit: "grapheme", maxLength: 3 }),
);
const wordRun = fc
  .array(fc.tuple(word, blanks), { maxLength: 9 })
  .map((parts) => parts.flat().join(""));
const line = fc.oneof(
  // A setting or entry head, with random spacing around "=".
  fc.tuple(word, blanks, fc.constantFrom("=", ""), blanks, wordRun).map((parts) => parts.join("")),
  // A continuation line.
  fc.tuple(fc.constantFrom(" ", "\t", "   ", " \t"), wordRun).map((parts) => parts.join("")),
  // Comment and blank lines.
  fc.tuple(blanks, fc.constant("#"), wordRun).map((parts) => parts.join("")),
  blanks,
);
const config = fc
  .array(fc.tuple(line, blanks, fc.constantFrom("\n", "\r\n", "\r\r\n")), { maxLength: 14 })
  .map((lines) => lines.flat().join(""));

type LineKind = "head" | "continuation" | "comment" | "blank";

/** Each physical line's kind as Postfix reads it, with its line end. */
function lineKinds(text: string): string[] {
  let inLogicalLine = false;
  return text.split("\n").map((physical) => {
    const trimmed = physical.replace(/^[\t-\r ]+/, "");
    let kind: LineKind;
    if (trimmed === "") kind = "blank";
    else if (trimmed.startsWith("#")) kind = "comment";
    else if (trimmed === physical || !inLogicalLine) kind = "head";
    else kind = "continuation";
    if (kind === "head") inLogicalLine = true;
    return `${kind}${physical.endsWith("\r") ? " CR" : ""}`;
  });
}

/** The logical lines with all whitespace removed: what formatting must never change. */
function words(text: string): string[] {
  const result: string[] = [];
  readLogicalLines(text, 0, text.length, {
    logicalLine: (logical) => result.push(logical.text.replace(/[\t-\r ]+/g, "")),
    comment: (span) => result.push(text.slice(span.start, span.end).trimEnd()),
  });
  return result;
}

function check(kind: ConfigKind) {
  fc.assert(
    fc.property(config, (input) => {
      const once = formatText(input, kind, OPTIONS);
      expect(formatText(once, kind, OPTIONS)).toBe(once);
      expect(lineKinds(once)).toEqual(lineKinds(input));
      expect(words(once)).toEqual(words(input));
      const document = TextDocument.create("file:///x", "postfix", 1, input);
      expect(TextDocument.applyEdits(document, format(input, kind, OPTIONS))).toBe(once);
    }),
    { numRuns: 3_000, seed: 20261206 },
  );
}

describe("formatting generated configurations", () => {
  it("is stable and keeps line kinds, line ends and words in main.cf", () => check("main"));
  it("is stable and keeps line kinds, line ends and words in master.cf", () => check("master"));
});
