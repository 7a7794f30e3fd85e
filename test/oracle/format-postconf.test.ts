// Formatting is judged by the real postconf 3.7: on the oracle corpus and on
// generated configurations roughed up with random blanks, `postconf -n`, `-M` and
// `-P` print the same before and after formatting, warnings and exit status
// included. Line numbers in warnings stay valid because no line is joined or split.
//
// postconf -n and -P print values with whitespace runs squeezed to one blank,
// so they cannot see a changed run inside a value; -M prints `{...}` arguments
// as they are, and is compared exactly. The unit tests check that runs Postfix
// keeps (braces, quotes, free text) survive byte for byte.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatText } from "../../server/src/service/format";
import {
  MODES,
  type OracleCase,
  POSTCONF,
  type PostconfRun,
  loadFixtureCases,
  mapLimit,
  runPostconf,
  writeCase,
} from "./harness";
import { Rng, generateCases } from "./generate";

const CONCURRENCY = 4;
const GENERATED_SAMPLE = 30;
const OPTIONS = { continuationIndent: 4 };

/** Adds random trailing blanks, indentation and spacing around `=`, which formatting must undo harmlessly. */
function roughen(text: string, rng: Rng): string {
  const blanks = () => rng.pick(["", " ", "  ", "\t", " \t "]);
  return text
    .split("\n")
    .map((line) => {
      let result = line;
      if (/^\s+\S/.test(result) && rng.chance(0.5))
        result = result.replace(/^\s+/, rng.pick(["\t", " ", "      "]));
      if (/^[^\s#=]+\s*=/.test(result) && rng.chance(0.5))
        result = result.replace(/\s*=\s*/, `${blanks()}=${blanks()}`);
      if (result.trim() !== "" && !result.trimStart().startsWith("#") && rng.chance(0.3)) {
        // Split a value at a blank onto an indented continuation line.
        result = result.replace(/(\S) (?=\S+$)/, `$1${blanks()}\n${rng.pick(["  ", "\t"])}`);
      }
      return result + (rng.chance(0.3) ? blanks() : "");
    })
    .join("\n");
}

const rng = new Rng(0xf0_4a_47);
const cases: OracleCase[] = [
  ...loadFixtureCases(),
  ...generateCases()
    .slice(0, GENERATED_SAMPLE)
    .map((generated) => ({
      name: `rough-${generated.name}`,
      main: roughen(generated.main, rng),
      master: roughen(generated.master, rng),
    })),
];

const root = mkdtempSync(join(tmpdir(), "postfix-lsp-format-oracle-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * postconf's messages, in a stable order (it reports unused -o names in the order
 * of a hash table, which differs from run to run). Warnings and fatal errors
 * quote values and entries as written, blanks (tabs shown as "?") included, so
 * a re-indented continuation line or a dropped trailing blank of a rejected
 * line shows there: messages are compared with runs of blanks squeezed, and
 * none before a closing quote. What postconf prints on stdout is compared exactly.
 */
function messages(run: PostconfRun): string {
  return (
    run.stderr
      .split("\n")
      // Which warnings come before a fatal error depends on that hash order too.
      .filter((line) => run.code === 0 || line.startsWith("postconf: fatal: "))
      .map((line) => line.replace(/[\s?]+/g, " ").replace(/ (?="|$)/g, ""))
      .sort()
      .join("\n")
  );
}

/** What postconf prints for a directory, with the directory's name made neutral. */
async function postconfView(dir: string): Promise<string[]> {
  const runs = await Promise.all(MODES.map(({ flag }) => runPostconf(dir, flag)));
  return runs.map((run, i) =>
    `${MODES[i].flag} exit ${run.code}\n${run.stdout}${messages(run)}`.replaceAll(dir, "DIR"),
  );
}

describe.skipIf(!existsSync(POSTCONF))("formatting judged by postconf", () => {
  it("changes nothing postconf -n, -M or -P prints, on the corpus and on roughened generated files", async () => {
    let changed = 0;
    const mismatches = await mapLimit(cases, CONCURRENCY, async (oracleCase) => {
      const formatted = {
        name: `${oracleCase.name}.formatted`,
        main: formatText(oracleCase.main, "main", OPTIONS),
        master: formatText(oracleCase.master, "master", OPTIONS),
      };
      if (formatted.main === oracleCase.main && formatted.master === oracleCase.master) return [];
      changed++;
      const before = await postconfView(writeCase(root, oracleCase));
      const after = await postconfView(writeCase(root, formatted));
      return before.flatMap((view, i) =>
        view === after[i]
          ? []
          : [`${oracleCase.name} ${MODES[i].flag}:\n${view}\n---\n${after[i]}`],
      );
    });
    expect(mismatches.flat().slice(0, 5)).toEqual([]);
    // The test would prove nothing if formatting changed nothing.
    expect(changed).toBeGreaterThan(cases.length / 2);
  }, 300_000);
});
