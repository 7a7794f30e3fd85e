// `postfix-lint --fix` on the oracle corpus, hand-written and generated, judged by
// the real postconf: after all safe fixes of a configuration, `postconf -n` and
// `-P` differ only in settings of the entries the fixes changed, postconf accepts
// what it accepted before, and a second --fix changes nothing.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySafeFixes } from "../../server/src/cliFix";
import { type ConfigKind, isEntry, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";
import { generateCases } from "./generate";
import {
  ORACLE_VERSION,
  type OracleCase,
  POSTCONF,
  loadFixtureCases,
  mapLimit,
  postconfSettings,
  writeCase,
} from "./harness";

/** Both files after --fix: main.cf first, then master.cf beside the fixed main.cf, as the CLI does. */
function fixAll(oracleCase: OracleCase): { main: string; master: string; rules: string[] } {
  const texts = { main: oracleCase.main, master: oracleCase.master };
  const rules: string[] = [];
  for (const kind of ["main", "master"] as ConfigKind[]) {
    const other = kind === "main" ? "master" : "main";
    const sibling = parseConfig(other, texts[other]);
    const fixed = applySafeFixes(texts[kind], (text) =>
      doValidation(
        parseConfig(kind, text),
        new LineIndex(text),
        { version: ORACLE_VERSION },
        sibling,
      ),
    );
    texts[kind] = fixed.text;
    rules.push(...fixed.applied.map((applied) => applied.rule));
  }
  return { ...texts, rules };
}

const words = (text: string) => text.split(/[^A-Za-z0-9_]+/).filter(Boolean);

/**
 * The words of the entries a fix changed: those of either text that the other
 * does not have. With a '#' gone from a master.cf entry, the options after it
 * count again: they are in the changed entry, so they are promised.
 */
function wordsOfChangedEntries(kind: ConfigKind, before: string, after: string): Set<string> {
  const entryTexts = (text: string) =>
    parseConfig(kind, text)
      .blocks.filter(isEntry)
      .map((entry) => entry.text);
  const old = entryTexts(before);
  const now = entryTexts(after);
  const changed = [
    ...old.filter((text) => !now.includes(text)),
    ...now.filter((text) => !old.includes(text)),
  ];
  return new Set(changed.flatMap(words));
}

/** A -n key is a name; a -P key is service/type/name. */
function isNamed(key: string, names: Set<string>): boolean {
  const parts = key.split("/");
  return parts.length === 1 ? names.has(key) : names.has(parts[2]) || names.has(parts[0]);
}

const GENERATED_SAMPLE = 200;
const cases = [...loadFixtureCases(), ...generateCases().slice(0, GENERATED_SAMPLE)];
const fixed = cases
  .map((oracleCase) => ({ oracleCase, after: fixAll(oracleCase) }))
  .filter(({ after }) => after.rules.length > 0);
const root = mkdtempSync(join(tmpdir(), "fix-all-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(POSTCONF))("--fix on the oracle corpus, judged by postconf", () => {
  it("has configurations to fix, with more than one rule's fixes", () => {
    expect(fixed.length).toBeGreaterThan(20);
    expect(new Set(fixed.flatMap(({ after }) => after.rules)).size).toBeGreaterThan(2);
  });

  it("changes only the settings of the entries it changed, and a second --fix changes nothing", async () => {
    const failures: string[] = [];
    await mapLimit(fixed, 16, async ({ oracleCase, after }, i) => {
      const label = `${oracleCase.name} (${[...new Set(after.rules)].join(", ")})`;
      const again = fixAll({ ...oracleCase, main: after.main, master: after.master });
      if (again.rules.length > 0) failures.push(`${label}: a second --fix applies ${again.rules}`);
      const before = (await postconfSettings(writeCase(root, { ...oracleCase, name: `c${i}-0` })))
        .settings;
      if (!before) return; // postconf rejects the original: nothing to compare
      const result = await postconfSettings(
        writeCase(root, { ...oracleCase, name: `c${i}-1`, main: after.main, master: after.master }),
      );
      if (!result.settings) {
        failures.push(`${label}: postconf rejects the fixed configuration: ${result.stderr}`);
        return;
      }
      const names = new Set([
        ...wordsOfChangedEntries("main", oracleCase.main, after.main),
        ...wordsOfChangedEntries("master", oracleCase.master, after.master),
      ]);
      for (const key of new Set([...before.keys(), ...result.settings.keys()])) {
        if (before.get(key) !== result.settings.get(key) && !isNamed(key, names))
          failures.push(
            `${label}: ${key} changed from ${JSON.stringify(before.get(key))} to ${JSON.stringify(result.settings.get(key))}`,
          );
      }
    });
    expect(failures).toEqual([]);
  }, 600_000);
});
