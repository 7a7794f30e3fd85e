import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ConfigKind,
  type TextEdit,
  parseConfig,
  updateConfig,
} from "../../server/src/service/parser/document";

/**
 * The invariant of incremental parsing: after any sequence of edits, the updated
 * parse equals a fresh parse of the resulting text, node for node.
 */

// Fragments chosen to create and destroy the structures the parser cares about:
// head lines, continuations, comments (also inside continuations), blank lines,
// CR, braces, $ expansions, '=' and master.cf fields.
const fragments = [
  "\n",
  "\r\n",
  " ",
  "\t",
  "#",
  "# c\n",
  "  # inner\n",
  "=",
  " = ",
  "a",
  "name",
  "value",
  "  cont",
  "\n  cont",
  "\nx = 1",
  "$",
  "${",
  "}",
  "{",
  "$(a)",
  "${a?{b}:{c}}",
  "-o",
  " -o x=y",
  "{ a = b }",
  "smtp inet n - n - - smtpd",
  "\0",
  "é",
  "😀",
];

const textArbitrary = fc
  .array(fc.constantFrom(...fragments), { maxLength: 30 })
  .map((parts) => parts.join(""));

interface EditSpec {
  startFraction: number;
  lengthFraction: number;
  insert: string;
}

const editArbitrary: fc.Arbitrary<EditSpec> = fc.record({
  startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  lengthFraction: fc.double({ min: 0, max: 0.3, noNaN: true }),
  insert: fc.oneof(textArbitrary, fc.constantFrom(...fragments)),
});

function concreteEdit(text: string, spec: EditSpec): TextEdit {
  const start = Math.floor(spec.startFraction * text.length);
  const end = Math.min(text.length, start + Math.floor(spec.lengthFraction * text.length));
  return { start, end, newText: spec.insert };
}

function checkSequences(kind: ConfigKind, runs: number) {
  fc.assert(
    fc.property(
      textArbitrary,
      fc.array(editArbitrary, { minLength: 1, maxLength: 8 }),
      (initial, specs) => {
        let config = parseConfig(kind, initial);
        for (const spec of specs) {
          config = updateConfig(config, concreteEdit(config.text, spec));
          expect(config).toEqual(parseConfig(kind, config.text));
        }
      },
    ),
    { numRuns: runs, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
  );
}

describe("incremental parsing equals a full parse", () => {
  it("for main.cf edit sequences", () => checkSequences("main", 10_000));
  it("for master.cf edit sequences", () => checkSequences("master", 10_000));
});
