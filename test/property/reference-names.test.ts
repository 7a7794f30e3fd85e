import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forEachReferenceName, parseExpansion } from "../../server/src/service/parser/expansion";

/**
 * forEachReferenceName reads bare `$name`s itself and hands the rest to the
 * scanner: it must report exactly the names of parseExpansion's references.
 */

function names(text: string, from?: number, to?: number): string[] {
  const found: string[] = [];
  forEachReferenceName(text, (name) => found.push(name), from, to);
  return found;
}

function referenceNames(text: string, from?: number, to?: number): string[] {
  return parseExpansion(text, from, to).references.map((reference) => reference.name);
}

const pieces = fc.constantFrom(
  "$",
  "$$",
  "${",
  "$(",
  "{",
  "}",
  "(",
  ")",
  "?",
  ":",
  " ",
  ",",
  "a",
  "name",
  "_1",
  "$x",
  "${y}",
  "${z?{$w}:v}",
  "${{$a} == {b}?c}",
  "$(p:q)",
  "${domain_to_ascii{$d}}",
  "é",
);
const textArbitrary = fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join(""));

describe("forEachReferenceName", () => {
  it.each([
    "",
    "plain",
    "$a, $b $$c $",
    "$a $ $b",
    "$a ${b} $c",
    "$a ${b?{$c}:{$d}} $(e) $f",
    "$a ${b",
    "$a ${unknown{x}} $c",
  ])("names the references of %j", (text) => {
    expect(names(text)).toEqual(referenceNames(text));
  });

  it("agrees with parseExpansion on random text and ranges", () => {
    fc.assert(
      fc.property(textArbitrary, fc.nat(), fc.nat(), (text, a, b) => {
        expect(names(text)).toEqual(referenceNames(text));
        const from = a % (text.length + 1);
        const to = from + (b % (text.length - from + 1));
        expect(names(text, from, to)).toEqual(referenceNames(text, from, to));
      }),
      { numRuns: 3000 },
    );
  });
});
