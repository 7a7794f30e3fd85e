import { describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";
import type { PostfixVersion } from "../../server/src/service/data/parameters";
import type { ConfigKind } from "../../server/src/service/parser/document";
import type { DiagnosticData } from "../../server/src/service/validation";
import type { ExampleHostFile } from "../../server/src/service/hostFiles";
import type { ValidationSettings } from "../../server/src/service/validation";
import { exampleHostFiles } from "./certificates";
import { diagnoseFile } from "./diagnose";
import { applyCodeAction } from "./fixes";

/** A configuration for one rule: main.cf and/or master.cf text. */
export interface RuleCase {
  main?: string;
  master?: string;
  version?: PostfixVersion;
  /** Host files (certificates, keys), made when the test runs; file checks are on when given. */
  host?: Record<string, ExampleHostFile>;
  /** The test's name; default: the first line of the first file. */
  name?: string;
}

export interface InvalidRuleCase extends RuleCase {
  /** The rule's messages, in document order (main.cf first); a RegExp matches one. */
  messages?: (string | RegExp)[];
  /** The files after the first finding's quick-fix; only the file the fix changes. */
  output?: { main?: string; master?: string };
}

export interface RuleFindingView {
  file: ConfigKind;
  diagnostic: Diagnostic;
}

/**
 * One rule's findings in a configuration: both files are validated, each with the
 * other as its sibling, and only `ruleId`'s diagnostics are kept.
 */
export function findingsOf(ruleId: string, input: RuleCase): RuleFindingView[] {
  const settings = settingsOf(input);
  const rules = new Set([ruleId]);
  const found: RuleFindingView[] = [];
  for (const file of ["main", "master"] as const) {
    const text = input[file];
    if (text === undefined) continue;
    const sibling = file === "main" ? input.master : input.main;
    const { diagnostics } = diagnoseFile(file, text, { sibling, settings, rules });
    found.push(...diagnostics.map((diagnostic) => ({ file, diagnostic })));
  }
  return found;
}

/** The file changed by the first finding's quick-fix, with its new text; undefined without a fix. */
export function firstFixOf(
  ruleId: string,
  input: RuleCase,
): { file: ConfigKind; text: string } | undefined {
  const withFix = findingsOf(ruleId, input).find(
    ({ diagnostic }) => (diagnostic.data as DiagnosticData | undefined)?.fix,
  );
  if (!withFix) return undefined;
  const { file } = withFix;
  const text = input[file]!;
  const sibling = file === "main" ? input.master : input.main;
  const settings = settingsOf(input);
  const { config, index, diagnostics } = diagnoseFile(file, text, {
    sibling,
    settings,
    rules: new Set([ruleId]),
  });
  const title = (withFix.diagnostic.data as DiagnosticData).fix!.title;
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  return { file, text: applyCodeAction(config, index, text, diagnostics, ruleId, exact) };
}

function settingsOf(input: RuleCase): ValidationSettings {
  const settings: ValidationSettings = input.version ? { version: input.version } : {};
  if (input.host) settings.host = exampleHostFiles(input.host);
  return settings;
}

function caseName(input: RuleCase): string {
  if (input.name) return input.name;
  const text = input.main ?? input.master ?? "";
  return JSON.stringify(text.split("\n")[0].slice(0, 70));
}

/**
 * Tests for one rule, in the spirit of ESLint's RuleTester: `valid` configurations
 * produce none of the rule's findings, `invalid` ones produce at least one (the
 * given messages, when listed) and the given fix output. Other rules are ignored.
 */
export function testRule(
  ruleId: string,
  cases: { valid: RuleCase[]; invalid: InvalidRuleCase[] },
): void {
  describe(ruleId, () => {
    for (const input of cases.valid) {
      it(`is silent on ${caseName(input)}`, () => {
        const messages = findingsOf(ruleId, input).map(({ diagnostic }) => diagnostic.message);
        expect(messages).toEqual([]);
      });
    }
    for (const input of cases.invalid) {
      it(`reports ${caseName(input)}`, () => {
        const found = findingsOf(ruleId, input);
        expect(found.length, `${ruleId} must fire`).toBeGreaterThan(0);
        if (input.messages) {
          const messages = found.map(({ diagnostic }) => diagnostic.message);
          expect(messages).toHaveLength(input.messages.length);
          input.messages.forEach((expected, i) =>
            typeof expected === "string"
              ? expect(messages[i]).toBe(expected)
              : expect(messages[i]).toMatch(expected),
          );
        }
        if (input.output) {
          const fixed = firstFixOf(ruleId, input);
          expect(fixed, `${ruleId} must offer a fix`).toBeDefined();
          expect(fixed!.text).toBe(input.output[fixed!.file]);
        }
      });
    }
  });
}
