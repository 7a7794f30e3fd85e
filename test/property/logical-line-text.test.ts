import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  forEachLogicalLineText,
  isHeadLine,
  readLogicalLines,
} from "../../server/src/service/parser/logicalLines";

/**
 * forEachLogicalLineText (the postconf emulation's reader, built on regular
 * expressions) must group lines exactly as readLogicalLines (the parser's) does:
 * same texts, same starts, for whole texts and for ranges between head lines.
 */

function viaParser(text: string, from: number, to: number): [string, number][] {
  const lines: [string, number][] = [];
  readLogicalLines(text, from, to, {
    logicalLine: (line) => lines.push([line.text, line.start]),
    comment: () => {},
  });
  return lines;
}

function viaText(text: string, from: number, to: number): [string, number][] {
  const lines: [string, number][] = [];
  forEachLogicalLineText(text, (lineText, start) => lines.push([lineText, start]), from, to);
  return lines;
}

/** Line starts that may bound a range: the text's ends and the starts of head lines. */
function boundaries(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    if (isHeadLine(text, i + 1)) starts.push(i + 1);
  }
  starts.push(text.length);
  return starts;
}

const pieces = fc.constantFrom(
  "\n",
  "\r\n",
  "\r",
  "\t",
  "\v",
  "\f",
  " ",
  "  ",
  "#",
  "# c\n",
  "=",
  "a",
  "name = value",
  "\0",
  "é",
  "\u00a0",
);
const textArbitrary = fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join(""));

describe("forEachLogicalLineText", () => {
  it.each([
    "",
    "a = 1\n",
    "  lead = 1\n  more\nb = 2",
    "# c\n\n   \na = 1\n # inner\n\n  x\n\t# y\nb=2\n  \n",
    "a = 1\n  # only comments after\n   \n",
    "a\r\n b\r\n#c\r\n",
  ])("reads %j like the parser", (text) => {
    expect(viaText(text, 0, text.length)).toEqual(viaParser(text, 0, text.length));
  });

  it("reads a range between head lines like the parser", () => {
    const text = "a = 1\n  x\nb = 2\n# c\n  y\nc = 3\n";
    expect(viaText(text, 10, 24)).toEqual(viaParser(text, 10, 24));
    expect(viaText(text, 10, 24).map(([line]) => line)).toEqual(["b = 2  y"]);
  });

  it("agrees with readLogicalLines on random text and ranges", () => {
    fc.assert(
      fc.property(textArbitrary, fc.nat(), fc.nat(), (text, a, b) => {
        const starts = boundaries(text);
        const from = starts[a % starts.length];
        const to = starts[b % starts.length];
        if (from > to) return;
        expect(viaText(text, from, to)).toEqual(viaParser(text, from, to));
      }),
      { numRuns: 3000 },
    );
  });
});
