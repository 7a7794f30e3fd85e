// The quick-fix invariant on the whole oracle corpus, hand-written and generated
// (fuzzed) configs alike: applying any offered fix never turns a configuration that
// postconf accepts into one it rejects, and `postconf -n` / `-P` change only in
// settings the fix is about — the names in the text it replaces or inserts, or in
// the entry it edits. Nothing elsewhere is lost or altered.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CodeAction } from "vscode-languageserver-types";
import { doCodeActions } from "../../server/src/service/codeActions";
import { type ConfigKind, isEntry, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";
import { generateCases } from "./generate";
import {
  POSTCONF,
  type OracleCase,
  loadFixtureCases,
  mapLimit,
  postconfSettings,
  writeCase,
} from "./harness";

interface FixTrial {
  oracleCase: OracleCase;
  rule: string;
  file: ConfigKind;
  action: CodeAction;
  fixed: string;
  /** Words of the replaced text, the inserted text and the edited entries. */
  involved: Set<string>;
}

const words = (text: string) => text.split(/[^A-Za-z0-9_]+/).filter(Boolean);

/** Every own fix (not suppression comments) offered in one file of a case. */
function trialsOf(oracleCase: OracleCase, file: ConfigKind): FixTrial[] {
  const text = file === "main" ? oracleCase.main : oracleCase.master;
  const siblingText = file === "main" ? oracleCase.master : oracleCase.main;
  const index = new LineIndex(text);
  const config = parseConfig(file, text);
  const sibling = parseConfig(file === "main" ? "master" : "main", siblingText);
  const diagnostics = doValidation(config, index, { version: "3.7" }, sibling);
  const actions = doCodeActions(config, index, "file:///x", diagnostics).filter(
    (a) => a.isPreferred,
  );
  return actions.map((action) => {
    const edits = [...action.edit!.changes!["file:///x"]]
      .map((edit) => ({
        start: index.offsetAt(edit.range.start),
        end: index.offsetAt(edit.range.end),
        newText: edit.newText,
      }))
      .sort((a, b) => b.start - a.start);
    const involved = new Set<string>();
    let fixed = text;
    for (const edit of edits) {
      for (const word of words(text.slice(edit.start, edit.end) + " " + edit.newText))
        involved.add(word);
      for (const entry of config.blocks.filter(isEntry)) {
        if (entry.start <= edit.end && edit.start <= entry.end)
          for (const word of words(entry.text)) involved.add(word);
      }
      fixed = fixed.slice(0, edit.start) + edit.newText + fixed.slice(edit.end);
    }
    return {
      oracleCase,
      rule: String(action.diagnostics?.[0]?.code),
      file,
      action,
      fixed,
      involved,
    };
  });
}

/** `-n` and `-P` settings, or undefined when postconf rejects the configuration. */
async function settingsOf(dir: string): Promise<Map<string, string> | undefined> {
  return (await postconfSettings(dir)).settings;
}

/** A -n key is a name; a -P key is service/type/name, and the edited entry's service counts too. */
function isInvolved(key: string, involved: Set<string>): boolean {
  const parts = key.split("/");
  return parts.length === 1 ? involved.has(key) : involved.has(parts[2]) || involved.has(parts[0]);
}

const GENERATED_SAMPLE = 400;
const cases = [...loadFixtureCases(), ...generateCases().slice(0, GENERATED_SAMPLE)];
const trials = cases.flatMap((c) => [...trialsOf(c, "main"), ...trialsOf(c, "master")]);
const root = mkdtempSync(join(tmpdir(), "quickfix-invariant-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(POSTCONF))(
  "quick-fixes on the oracle corpus, judged by postconf",
  () => {
    it("finds fixes to try", () => {
      expect(trials.length).toBeGreaterThan(100);
    });

    it("never rejects what postconf accepted, and changes only the settings involved", async () => {
      const failures: string[] = [];
      let tried = 0;
      // A case has several fixes: postconf reads the unfixed case once.
      const settingsBefore = new Map<OracleCase, Promise<Map<string, string> | undefined>>();
      const unfixed = (oracleCase: OracleCase) => {
        let settings = settingsBefore.get(oracleCase);
        if (!settings) {
          const name = `c${settingsBefore.size}-before`;
          settings = settingsOf(writeCase(root, { ...oracleCase, name }));
          settingsBefore.set(oracleCase, settings);
        }
        return settings;
      };
      await mapLimit(trials, 16, async (trial, i) => {
        const before = await unfixed(trial.oracleCase);
        if (!before) return; // postconf rejects the original; nothing to compare
        const fixedCase = { ...trial.oracleCase, name: `t${i}-after`, [trial.file]: trial.fixed };
        const after = await settingsOf(writeCase(root, fixedCase));
        tried++;
        const label = `${trial.oracleCase.name} ${trial.file}.cf "${trial.action.title}"`;
        if (!after) {
          // Renaming a misspelled or removed name makes the user's value take effect
          // for the first time; when postconf rejects that value, the rename did what it said.
          if (trial.rule !== "unknown-parameter" && trial.rule !== "removed-parameter") {
            failures.push(`${label}: postconf rejects the fixed configuration`);
          }
          return;
        }
        for (const key of new Set([...before.keys(), ...after.keys()])) {
          if (before.get(key) !== after.get(key) && !isInvolved(key, trial.involved)) {
            failures.push(
              `${label}: ${key} changed from ${JSON.stringify(before.get(key))} to ${JSON.stringify(after.get(key))}`,
            );
          }
        }
      });
      expect(failures, failures.slice(0, 20).join("\n")).toEqual([]);
      expect(tried).toBeGreaterThan(50);
    }, 300_000);
  },
);
