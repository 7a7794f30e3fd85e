import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Position, Range } from "vscode-languageserver-types";
import { doCodeActions } from "../../server/src/service/codeActions";
import { doComplete } from "../../server/src/service/completion";
import { doHover } from "../../server/src/service/hover";
import {
  type ConfigKind,
  parseConfig,
  updateConfig,
} from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";

/**
 * Hostile input for every feature: random text (and random edits of it), with
 * requests at random positions. Nothing may throw, every range must lie inside the
 * document, and the incremental parse must keep matching a full parse.
 */

const pieces = fc.constantFrom(
  "\n",
  "\r\n",
  "\r",
  "\t",
  " ",
  "#",
  "=",
  "$",
  "${",
  "$(",
  "}",
  ")",
  "{",
  "?",
  ":",
  ",",
  "\0",
  "\uFEFF",
  "😀",
  "é",
  "smtpd_tls_security_level",
  "smtp_tls_protocols",
  " = ",
  ">=",
  "!SSLv3",
  "-o",
  "-o ",
  "smtp inet n - y - - smtpd",
  "  -o syslog_name=x",
  "{ a = b }",
  "yes",
  "may",
  "hash:/etc/x",
  "\n  ",
  "\n#c\n",
);
const text = fc
  .array(fc.oneof(pieces, fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 40 })
  .map((parts) => parts.join(""));

function inside(range: Range, index: LineIndex, length: number): boolean {
  const start = index.offsetAt(range.start);
  const end = index.offsetAt(range.end);
  const lines = index.lineCount;
  return (
    range.start.line < lines &&
    range.end.line < lines &&
    start <= end &&
    end <= length &&
    index.positionAt(start).line === range.start.line &&
    index.positionAt(end).line === range.end.line
  );
}

function exercise(kind: ConfigKind, input: string, sibling: string, fractions: number[]) {
  const index = new LineIndex(input);
  const config = parseConfig(kind, input);
  const siblingConfig = parseConfig(kind === "main" ? "master" : "main", sibling);
  const diagnostics = doValidation(config, index, { version: "3.7" }, siblingConfig);
  for (const diagnostic of diagnostics)
    expect(inside(diagnostic.range, index, input.length)).toBe(true);
  const actions = doCodeActions(config, index, "file:///x", diagnostics);
  for (const action of actions) {
    for (const edit of action.edit?.changes?.["file:///x"] ?? [])
      expect(inside(edit.range, index, input.length)).toBe(true);
  }
  for (const fraction of fractions) {
    const position: Position = index.positionAt(Math.floor(fraction * input.length));
    const hover = doHover(config, index, position, { version: "3.12" });
    if (hover?.range) expect(inside(hover.range, index, input.length)).toBe(true);
    const completion = doComplete(config, index, position, { version: "3.12" });
    for (const item of completion.items) {
      const edit = item.textEdit;
      if (edit && "range" in edit) expect(inside(edit.range, index, input.length)).toBe(true);
    }
  }
}

const positions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
  minLength: 1,
  maxLength: 4,
});
// Full-feature runs are costly; the cheap parser-only fuzz (parser-robustness.test.ts) carries the volume.
const RUNS = 2_000;
/** A bound against hangs on a busy machine, not a speed requirement. */
const TIMEOUT_MS = 300_000;

describe("every feature on hostile input", () => {
  for (const kind of ["main", "master"] as const) {
    it(
      `never throws and keeps ranges inside a ${kind}.cf`,
      () => {
        fc.assert(
          fc.property(text, text, positions, (input, sibling, fractions) =>
            exercise(kind, input, sibling, fractions),
          ),
          { numRuns: RUNS, seed: 4242 },
        );
      },
      TIMEOUT_MS,
    );
  }

  it(
    "random edits keep the incremental parse equal to a full parse, and features working",
    () => {
      const edit = fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        remove: fc.nat(6),
        insert: text,
      });
      fc.assert(
        fc.property(text, fc.array(edit, { minLength: 1, maxLength: 6 }), (initial, edits) => {
          let config = parseConfig("main", initial);
          for (const { at, remove, insert } of edits) {
            const start = Math.floor(at * config.text.length);
            config = updateConfig(config, {
              start,
              end: Math.min(config.text.length, start + remove),
              newText: insert,
            });
          }
          expect(config).toEqual(parseConfig("main", config.text));
          exercise("main", config.text, "", [0.5]);
        }),
        { numRuns: 1_000, seed: 4243 },
      );
    },
    TIMEOUT_MS,
  );
});
