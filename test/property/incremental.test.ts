import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Block,
  type ConfigKind,
  type ParsedConfig,
  PieceText,
  type TextEdit,
  configText,
  entryAt,
  blocksAround,
  blocksBetween,
  blocksInOrder,
  entriesContaining,
  isEntry,
  lastEntryBefore,
  lastMainEntry,
  lastMainValue,
  parseConfig,
  settingTexts,
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
          expect(config).toStrictEqual(parseConfig(kind, config.text));
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

/**
 * Hover and completion read one entry and the text around the cursor without
 * settling the whole config after an edit. Between edits (and without ever
 * reading `text` or `blocks`), every such read must give what a fresh parse of
 * the same text gives.
 */
function checkReadsBetweenEdits(kind: ConfigKind, runs: number) {
  const readSpec = fc.record({
    offsetFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    lengthFraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
    search: fc.constantFrom("\n", "=", "a", " -o", "\r\n"),
  });
  fc.assert(
    fc.property(
      textArbitrary,
      fc.array(fc.tuple(editArbitrary, fc.array(readSpec, { maxLength: 3 })), {
        minLength: 1,
        maxLength: 8,
      }),
      (initial, steps) => {
        let config = parseConfig(kind, initial);
        let text = initial;
        for (const [spec, reads] of steps) {
          const edit = concreteEdit(text, spec);
          config = updateConfig(config, edit);
          text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
          const fresh = parseConfig(kind, text);
          for (const read of reads) expectSameReads(config, fresh, text, read);
        }
        expect(config).toStrictEqual(parseConfig(kind, text));
      },
    ),
    { numRuns: runs, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
  );
}

function expectSameReads(
  config: ParsedConfig,
  fresh: ParsedConfig,
  text: string,
  read: { offsetFraction: number; lengthFraction: number; search: string },
) {
  const offset = Math.floor(read.offsetFraction * (text.length + 1));
  const end = offset + Math.floor(read.lengthFraction * text.length);
  expect(entryAt(config, offset)).toEqual(entryAt(fresh, offset));
  expect(lastEntryBefore(config, offset)).toEqual(lastEntryBefore(fresh, offset));
  const view = configText(config);
  expect(view.length).toBe(text.length);
  expect(view.slice(offset, end)).toBe(text.slice(offset, end));
  expect(view.charAt(offset)).toBe(text.charAt(offset));
  expect(view.indexOf(read.search, offset)).toBe(text.indexOf(read.search, offset));
  expect(view.lastIndexOf(read.search, offset)).toBe(text.lastIndexOf(read.search, offset));
  expect(settingTexts(config)).toEqual(settingTexts(fresh));
  for (const { name } of settingTexts(fresh).slice(0, 3)) {
    expect(lastMainValue(config, name)).toBe(lastMainValue(fresh, name));
  }
}

describe("reads between edits equal reads of a full parse", () => {
  it("for main.cf", () => checkReadsBetweenEdits("main", 3_000));
  it("for master.cf", () => checkReadsBetweenEdits("master", 3_000));
});

describe("PieceText", () => {
  it("reads like the string its pieces make, however the text is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("", "a", "\n", "=", " -o", "\r\n", "xyz"), { maxLength: 12 }),
        fc.array(fc.integer({ min: -2, max: 40 }), { minLength: 2, maxLength: 2 }),
        fc.constantFrom("\n", "=", "a", " -o", "\r\n", "", "zz"),
        (pieces, [from, to], search) => {
          const text = pieces.join("");
          const view = new PieceText(pieces);
          expect(view.length).toBe(text.length);
          expect(view.slice(from, to)).toBe(text.slice(Math.max(0, from), Math.max(0, to)));
          expect(view.slice(Math.max(0, from))).toBe(text.slice(Math.max(0, from)));
          expect(view.charAt(from)).toBe(text.charAt(from));
          expect(view.indexOf(search, from)).toBe(text.indexOf(search, from));
          expect(view.lastIndexOf(search, from)).toBe(text.lastIndexOf(search, from));
          expect(view.indexOf(search)).toBe(text.indexOf(search));
          expect(view.lastIndexOf(search)).toBe(text.lastIndexOf(search));
        },
      ),
      { numRuns: 5_000, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
  });

  it("finds matches that run across several short pieces, first and last", () => {
    const letters = (maxLength: number) =>
      fc.array(fc.constantFrom("a", "b", "\n"), { maxLength }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(
        fc.array(letters(4), { maxLength: 10 }),
        letters(5),
        fc.integer({ min: -2, max: 45 }),
        (pieces, search, from) => {
          const text = pieces.join("");
          const view = new PieceText(pieces);
          expect(view.indexOf(search, from)).toBe(text.indexOf(search, from));
          expect(view.lastIndexOf(search, from)).toBe(text.lastIndexOf(search, from));
          expect(view.lastIndexOf(search)).toBe(text.lastIndexOf(search));
        },
      ),
      { numRuns: 10_000, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
  });
});

describe("many edits with reads in between", () => {
  // Past 512 pending offset corrections, edits and reads fold the smallest ones
  // into the blocks; the short sequences above never get there.
  it("keeps every read equal to a fresh parse over 1,000 edits of a 3,000-line file", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        let state = seed;
        const random = (n: number) => {
          state = (state * 1103515245 + 12345) & 0x7fffffff;
          return state % n;
        };
        let text = Array.from({ length: 3000 }, (_, i) => `p${i} = v${i}`).join("\n") + "\n";
        let config = parseConfig("main", text);
        for (let i = 0; i < 1000; i++) {
          const start = random(text.length);
          const end = Math.min(text.length, start + random(3));
          const newText = ["x", "", "\n", " ", "\n  y"][random(5)];
          config = updateConfig(config, { start, end, newText });
          text = text.slice(0, start) + newText + text.slice(end);
          const offset = random(text.length + 1);
          const fresh = parseConfig("main", text);
          expect(entryAt(config, offset)).toEqual(entryAt(fresh, offset));
          expect(lastEntryBefore(config, offset)).toEqual(lastEntryBefore(fresh, offset));
          const to = offset + random(400);
          expect(blocksBetween(config, offset, to)).toEqual(blocksBetween(fresh, offset, to));
          expect(blocksAround(config, offset, 3)).toEqual(blocksAround(fresh, offset, 3));
          const name = `p${random(3000)}`;
          expect(lastMainEntry(config, name)).toEqual(lastMainEntry(fresh, name));
          const firstBlocks: Block[] = [];
          for (const block of blocksInOrder(config)) {
            if (firstBlocks.push(block) > random(5000)) break;
          }
          expect(firstBlocks).toEqual(fresh.blocks.slice(0, firstBlocks.length));
          expect(entriesContaining(config, name)).toEqual(
            fresh.blocks.filter((block) => isEntry(block) && block.text.includes(name)),
          );
        }
        expect(config).toEqual(parseConfig("main", text));
      }),
      { numRuns: 2, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
  });
});

describe("edits inside long master.cf entries", () => {
  // Continuation lines that make the command-line walk change state: options with
  // values on the next line, `{ ... }` over several lines, `--`, arguments, option
  // letters run together, comment and blank lines, and whitespace that is not a
  // word separator (vertical tab).
  const continuations = [
    "  -o a=b",
    "  -o name = $value",
    "  -o",
    "  x=y",
    "  -o { a = b,",
    "    c }",
    "  {",
    "  }",
    "  -v",
    "  -vo n=v",
    "  -oinline=1",
    "  --",
    "  argv=/bin/x ${user}",
    "  flags=R",
    "\v-o a=b",
    "\t-o\tc=d",
    "  # inner comment",
    "",
    "  ",
    "  -o é=😀",
  ];
  // A valid head line, and heads that make Postfix reject the entry: a bad service
  // type, leading whitespace (the first line of a file only), and seven fields.
  const heads = [
    "smtp inet n - n - - smtpd",
    "smtp tcp n - n - - smtpd",
    " smtp inet n - n - - smtpd",
    "smtp inet n - n - smtpd",
  ];
  const entryText = fc
    .tuple(
      fc.constantFrom(...heads),
      fc.array(fc.constantFrom(...continuations), { minLength: 3, maxLength: 40 }),
    )
    .map(([head, lines]) => [head, ...lines, "next unix - - n - - pipe", ""].join("\n"));
  const insertions = [
    "",
    "x",
    " ",
    "-",
    "-o",
    "{",
    "}",
    "=",
    "\n",
    "\n  -o p=q",
    "\n# c",
    "\nhead unix - - n - - smtp",
    "\v",
    "$",
  ];
  const editInside = fc.record({
    line: fc.nat(),
    column: fc.nat({ max: 20 }),
    length: fc.nat({ max: 12 }),
    insert: fc.constantFrom(...insertions),
    // Without reads in between, edits build on an entry whose text was never joined.
    compare: fc.boolean(),
  });

  it("re-parse to what a full parse gives", () => {
    let spared = 0;
    fc.assert(
      fc.property(
        entryText,
        fc.array(editInside, { minLength: 1, maxLength: 6 }),
        (initial, edits) => {
          let config = parseConfig("master", initial);
          let text = initial;
          for (const spec of edits) {
            // A place on one of the continuation lines (not the head line).
            const lineStarts = [...text.matchAll(/\n/g)].map((m) => m.index + 1);
            const lineStart = lineStarts[spec.line % lineStarts.length];
            const start = Math.min(text.length, lineStart + spec.column);
            const end = Math.min(text.length, start + spec.length);
            const before = entryAt(config, 0);
            config = updateConfig(config, { start, end, newText: spec.insert });
            text = text.slice(0, start) + spec.insert + text.slice(end);
            // The re-parse around the edit reuses the entry's word list.
            const after = entryAt(config, 0);
            if (
              before?.kind === "master" &&
              after?.kind === "master" &&
              before.words === after.words
            ) {
              spared++;
            }
            if (spec.compare) expect(config).toStrictEqual(parseConfig("master", text));
          }
          expect(config).toStrictEqual(parseConfig("master", text));
        },
      ),
      { numRuns: 5_000, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
    // Most edits land inside the first entry and are re-parsed around the edit.
    expect(spared).toBeGreaterThan(5_000);
  });
});
