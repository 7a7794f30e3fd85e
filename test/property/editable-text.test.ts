import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { EditableText } from "../../server/src/service/text/editableText";

/**
 * EditableText must agree with vscode-languageserver-textdocument, which it
 * replaces in the server: same text after any edits, same offsets and positions,
 * whatever line breaks ("\n", "\r\n", a lone "\r") the edits create or split.
 */

const fragments = ["\n", "\r", "\r\n", "\n\r", "a", "bc", " ", "é", "😀", "\t", "line\n"];
const textArbitrary = fc
  .array(fc.constantFrom(...fragments), { maxLength: 40 })
  .map((parts) => parts.join(""));

const editArbitrary = fc.record({
  start: fc.nat({ max: 200 }),
  end: fc.nat({ max: 200 }),
  line: fc.integer({ min: -1, max: 60 }),
  character: fc.integer({ min: -1, max: 30 }),
  insert: textArbitrary,
  byPosition: fc.boolean(),
});

describe("EditableText", () => {
  it("agrees with TextDocument on text, positions and offsets after random edits", () => {
    fc.assert(
      fc.property(
        textArbitrary,
        fc.array(editArbitrary, { maxLength: 12 }),
        fc.integer({ min: 1, max: 9 }),
        (initial, edits, pieceSize) => {
          let reference = TextDocument.create("file:///main.cf", "postfix-main", 1, initial);
          const text = new EditableText(initial, pieceSize);
          for (const edit of edits) {
            const length = reference.getText().length;
            const start = Math.min(edit.start, length);
            const end = Math.min(Math.max(start, edit.end), length);
            const range = edit.byPosition
              ? {
                  start: { line: edit.line, character: edit.character },
                  end: { line: edit.line + 1, character: edit.character },
                }
              : { start: reference.positionAt(start), end: reference.positionAt(end) };
            const change = { range, text: edit.insert };
            const updated = TextDocument.update(reference, [change], reference.version + 1);
            // TextDocument's own incremental line table goes wrong after an edit past the
            // last line (its lineCount grows), so positions are compared with a fresh one.
            reference = TextDocument.create(
              "file:///main.cf",
              "postfix-main",
              updated.version,
              updated.getText(),
            );
            text.applyChange(change);
            expect(text.getText()).toBe(reference.getText());
            expect(text.length).toBe(reference.getText().length);
          }
          expect(text.lineCount).toBe(reference.lineCount);
          for (let offset = -1; offset <= text.length + 1; offset++) {
            expect(text.positionAt(offset)).toEqual(reference.positionAt(offset));
            expect(text.lineAt(offset)).toBe(reference.positionAt(offset).line);
          }
          for (let line = -1; line <= reference.lineCount; line++) {
            for (const character of [-1, 0, 1, 2, 5, 100]) {
              const position = { line, character };
              expect(text.offsetAt(position)).toBe(reference.offsetAt(position));
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps the pieces near their size through one-character insertions", () => {
    // Each lookup after an edit goes over every piece: a piece of one character
    // left behind by each insertion into a full piece would make edits ever slower.
    const pieceSize = 16;
    const text = new EditableText("a\n".repeat(80), pieceSize);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 100, maxLength: 100 }), (places) => {
        for (const place of places) text.replace(place % text.length, place % text.length, "b");
        const pieces = (text as unknown as { pieces: unknown[] }).pieces.length;
        expect(pieces).toBeLessThanOrEqual(2 * Math.ceil(text.length / pieceSize));
      }),
      { numRuns: 20 },
    );
  });

  it("replaces the whole text on a change without a range", () => {
    const text = new EditableText("a\nb", 2);
    text.applyChange({ text: "x\r\ny\rz" });
    expect(text.getText()).toBe("x\r\ny\rz");
    expect(text.positionAt(6)).toEqual({ line: 2, character: 1 });
    expect(text.offsetAt({ line: 1, character: 9 })).toBe(4);
  });
});
