import { describe, expect, it } from "vitest";
import { doComplete } from "../../server/src/service/completion";
import {
  NEWEST_VERSION,
  OLDEST_VERSION,
  SUPPORTED_VERSIONS,
  knownParameterSet,
  releaseMemoUsage,
  serviceParameterNames,
} from "../../server/src/service/data/parameters";
import { doHover } from "../../server/src/service/hover";
import { parseConfig } from "../../server/src/service/parser/document";
import { RULES } from "../../server/src/service/rules/ruleTable";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { type ValidationSettings, doValidation } from "../../server/src/service/validation";
import {
  MAX_RULE_ENTRIES,
  MAX_VERSION_LENGTH,
  type ServerSettings,
  readSettings,
} from "../../server/src/settings";

/** The settings section comes from JSON a workspace controls; nothing in it may get through unchecked. */

function read(section: unknown): { settings: ServerSettings; problems: string[] } {
  const problems: string[] = [];
  const settings = readSettings(section, (problem) => problems.push(problem));
  return { settings, problems };
}

/** A main.cf that triggers comment-after-value (an error by default). */
const TEXT = "smtpd_tls_security_level = may # note\n";

function severities(settings: ValidationSettings): unknown[] {
  return doValidation(parseConfig("main", TEXT), new LineIndex(TEXT), settings).map(
    (diagnostic) => diagnostic.severity,
  );
}

describe("postfix.version", () => {
  it("takes a covered line, maps a patch release to its line and keeps the patch for messages", () => {
    expect(read({ version: "3.7" })).toEqual({
      settings: {
        version: "3.7",
        release: "3.7",
        rules: {},
        files: { followSymlinksOutside: false },
        inlayHints: { expansions: true, overrides: true },
        format: { continuationIndent: 4 },
        postconf: { checkOnSave: false },
      },
      problems: [],
    });
    expect(read({ version: " 3.7.011 " }).settings).toMatchObject({
      version: "3.7",
      release: "3.7.11",
    });
    expect(read({ version: "2.10" }).settings.version).toBe("2.10");
  });

  it("reads auto and a missing value as: detect the host's release, the newest until then", () => {
    for (const section of [{ version: "auto" }, {}, { version: null }, undefined]) {
      expect(read(section), JSON.stringify(section)).toMatchObject({
        settings: { version: NEWEST_VERSION, release: "auto" },
        problems: [],
      });
    }
  });

  it("clamps a line the data does not cover to the nearest one, and says so", () => {
    const cases: [string, string][] = [
      ["3.99", NEWEST_VERSION],
      ["1.1", OLDEST_VERSION],
      ["2.12", "2.11"], // there was no 2.12: 3.0 followed 2.11
    ];
    for (const [given, used] of cases) {
      const { settings, problems } = read({ version: given });
      expect(settings.version, given).toBe(used);
      expect(problems, given).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(`^postfix.version "${given}" is not a release line postfix-lsp has data for; `),
      );
      expect(problems[0]).toContain(`checking against ${used} instead`);
    }
  });

  it("rejects what is no release number, falling back to the newest with a short message", () => {
    const eightMegabytes = "3.7" + "1".repeat(8 * 1024 * 1024);
    for (const value of ["", "latest", "3", "3.7.1.2", "3.7x", 3.7, ["3.7"], {}, eightMegabytes]) {
      const { settings, problems } = read({ version: value });
      expect(settings.version).toBe(NEWEST_VERSION);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^postfix.version .* is not a Postfix release number\. /);
      expect(problems[0].length).toBeLessThan(400);
    }
    expect(read({ version: "3.7".padEnd(MAX_VERSION_LENGTH + 1, " ") }).problems).toHaveLength(1);
  });

  it("keeps every memo table bounded by the covered lines, however many versions are asked for", () => {
    const bodies = ["main", "relayhost = [relay]\nmyhostname = m\n"] as const;
    const config = parseConfig(bodies[0], bodies[1]);
    const index = new LineIndex(bodies[1]);
    // 10,000 distinct version strings through the settings, and on to the service.
    for (let i = 0; i < 10_000; i++) {
      const { version } = readSettings({
        version: `${2 + (i % 2)}.${Math.floor(i / 10)}.${i % 10}`,
      });
      expect(SUPPORTED_VERSIONS).toContain(version);
      knownParameterSet(version);
      serviceParameterNames("relay", "smtp", version);
      if (i % 500 === 0) {
        doValidation(config, index, { version });
        doComplete(config, index, { line: 2, character: 0 }, { version });
        doHover(config, index, { line: 0, character: 2 }, { version });
      }
    }
    // The service itself, given patch releases directly, keys its tables by line too.
    for (let patch = 0; patch < 1000; patch++) {
      knownParameterSet(`3.7.${patch}`);
      serviceParameterNames("relay", "smtp", `2.9.${patch}`);
    }
    const { entries, bound } = releaseMemoUsage();
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(20 * SUPPORTED_VERSIONS.length);
  });
});

describe("postfix.rules", () => {
  it("takes a known rule id with a severity from the closed set", () => {
    const { settings, problems } = read({ rules: { "comment-after-value": "warning" } });
    expect(problems).toEqual([]);
    expect({ ...settings.rules }).toEqual({ "comment-after-value": "warning" });
    expect(severities(settings)).toEqual([2]);
    expect(severities(read({ rules: { "comment-after-value": "off" } }).settings)).toEqual([]);
  });

  it("ignores severities that are not in the set, so none reaches Object.prototype", () => {
    for (const severity of ["__proto__", "constructor", "toString", 7, null, {}, "Error", ""]) {
      const { settings, problems } = read({ rules: { "comment-after-value": severity } });
      expect(Object.keys(settings.rules), String(severity)).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^postfix.rules sets rule "comment-after-value" to .*, which is not a severity\. /,
      );
      // The rule keeps its default: an error (1), never an object.
      expect(severities(settings)).toEqual([1]);
    }
  });

  it("ignores unknown rule ids, including the names of Object.prototype's properties", () => {
    const rules = JSON.parse(
      '{"__proto__": "off", "constructor": "off", "hasOwnProperty": "off", "no-such-rule": "off"}',
    );
    const { settings, problems } = read({ rules });
    expect(Object.keys(settings.rules)).toEqual([]);
    expect(Object.getPrototypeOf(settings.rules)).toBeNull();
    expect(problems).toHaveLength(4);
    ["__proto__", "constructor", "hasOwnProperty", "no-such-rule"].forEach((id, i) =>
      expect(problems[i]).toMatch(new RegExp(`^postfix.rules names an unknown rule "${id}"\\. `)),
    );
  });

  it("keeps a default when the service is handed unvalidated overrides", () => {
    // The CLI and the server validate; the service still never indexes with a bad value.
    const rules = JSON.parse('{"comment-after-value": "__proto__"}');
    expect(severities({ rules })).toEqual([1]);
    expect(severities({ rules: { "comment-after-value": 7 as never } })).toEqual([1]);
  });

  it("reads at most a bounded number of entries, and says so once", () => {
    const rules: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) rules[`rule-${i}`] = "off";
    const { settings, problems } = read({ rules });
    expect(Object.keys(settings.rules)).toEqual([]);
    expect(problems[0]).toBe(
      `postfix.rules has 100000 entries; only the first ${MAX_RULE_ENTRIES} are read. ` +
        "There are fewer rules than that, so the others cannot all be rule ids.",
    );
    expect(problems).toHaveLength(1 + MAX_RULE_ENTRIES);
    expect(MAX_RULE_ENTRIES).toBeGreaterThan(RULES.length);
  });

  it("quotes at most a short piece of a long rule id", () => {
    const { problems } = read({ rules: { ["x".repeat(8 * 1024 * 1024)]: "off" } });
    expect(problems).toHaveLength(1);
    expect(problems[0].length).toBeLessThan(300);
  });

  it("treats a rules value that is not an object as no overrides", () => {
    for (const rules of ["off", 7, ["comment-after-value"]]) {
      const { settings, problems } = read({ rules });
      expect(Object.keys(settings.rules)).toEqual([]);
      expect(problems[0]).toMatch(/^postfix.rules is .*, not an object; /);
    }
    expect(read({ rules: null }).problems).toEqual([]);
  });
});

describe("postfix.inlayHints", () => {
  it("turns a hint kind off only for false, whatever else a workspace writes", () => {
    expect(read({ inlayHints: { expansions: false } }).settings.inlayHints).toEqual({
      expansions: false,
      overrides: true,
    });
    for (const value of ["no", 0, null, {}, "__proto__"]) {
      expect(
        read({ inlayHints: { expansions: value, overrides: value } }).settings.inlayHints,
      ).toEqual({ expansions: true, overrides: true });
    }
    expect(read({ inlayHints: "off" }).settings.inlayHints).toEqual({
      expansions: true,
      overrides: true,
    });
  });
});
