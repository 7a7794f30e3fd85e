import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Block, type ConfigKind, parseConfig } from "../../server/src/service/parser/document";

/** Every start/end in a parse tree, however deep. */
function* spans(node: unknown): Generator<{ start: number; end: number }> {
  if (Array.isArray(node)) {
    for (const item of node) yield* spans(item);
  } else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record.start === "number" && typeof record.end === "number") {
      yield { start: record.start, end: record.end };
    }
    for (const value of Object.values(record)) if (typeof value === "object") yield* spans(value);
  }
}

// Characters that matter to the parser, plus arbitrary Unicode.
const interesting = fc.constantFrom(
  "\n",
  "\r",
  "\t",
  " ",
  "#",
  "=",
  "$",
  "{",
  "}",
  "(",
  ")",
  "?",
  ":",
  "-o",
  "\0",
);
const text = fc
  .array(fc.oneof(interesting, fc.string({ unit: "grapheme", maxLength: 4 })), { maxLength: 60 })
  .map((parts) => parts.join(""));

function check(kind: ConfigKind) {
  fc.assert(
    fc.property(text, (input) => {
      const config = parseConfig(kind, input);
      let previousEnd = 0;
      for (const block of config.blocks as Block[]) {
        // Blocks are in document order and do not overlap.
        expect(block.start).toBeGreaterThanOrEqual(previousEnd);
        previousEnd = block.end;
        for (const span of spans(block)) {
          expect(span.start).toBeGreaterThanOrEqual(0);
          expect(span.end).toBeGreaterThanOrEqual(span.start);
          expect(span.end).toBeLessThanOrEqual(input.length);
        }
      }
    }),
    { numRuns: 40_000, seed: 20261121 },
  );
}

describe("the parser on arbitrary text", () => {
  it("never throws and keeps every main.cf range inside the document", () => check("main"));
  it("never throws and keeps every master.cf range inside the document", () => check("master"));
});
