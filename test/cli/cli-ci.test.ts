// postfix-lint for CI: --list-rules, --explain, --format sarif|github, --fail-on,
// --quiet, --version, and --fix / --fix-dry-run.

import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { RULES } from "../../server/src/service/rules/ruleTable";

const ROOT = join(__dirname, "../..");
const CLI = join(ROOT, "dist/cli.js");

function run(args: string[]) {
  const result = spawnSync("node", [CLI, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configDir(main: string, master = "smtp inet n - y - - smtpd\n"): string {
  const dir = mkdtempSync(join(tmpdir(), "postfix-lint-ci-"));
  writeFileSync(join(dir, "main.cf"), main);
  writeFileSync(join(dir, "master.cf"), master);
  return dir;
}

/** A config with an error (with a safe fix), a warning and information. */
const MIXED =
  "smtpd_tls_security_level = may # note\nsmtpd_tls_securty_level = may\nsmtpd_tls_loglevel = 2\n";

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
});

describe("--list-rules and --explain", () => {
  it("lists every rule with its severity, fixability and pitfalls, as text and as JSON", () => {
    const text = run(["--list-rules"]);
    expect(text.status).toBe(0);
    expect(text.stdout.trim().split("\n")).toHaveLength(RULES.length);
    expect(text.stdout).toMatch(/^comment-after-value +error +safe +P01,P03$/m);
    const json = run(["--list-rules", "--format", "json"]);
    const listed = JSON.parse(json.stdout).rules as { id: string; fixable: boolean }[];
    expect(listed.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    expect(listed.find((rule) => rule.id === "comment-after-value")).toMatchObject({
      severity: "error",
      fixable: true,
      pitfalls: ["P01", "P03"],
    });
  });

  it("explains a rule with its bundled page, and refuses an unknown id with exit status 2", () => {
    const explained = run(["--explain", "inet-protocols"]);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toBe(readFileSync(join(ROOT, "docs/rules/inet-protocols.md"), "utf8"));
    const unknown = run(["--explain", "inet-protocol"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/"inet-protocol" is not one\. Did you mean inet-protocols\?/);
  });

  it("prints its version", () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    expect(run(["--version"]).stdout).toBe(`postfix-lint ${version}\n`);
  });
});

describe("--format sarif", () => {
  it("is a valid SARIF 2.1.0 log with the rules' metadata, every result, and fixes", () => {
    const dir = configDir(MIXED);
    const sarif = run(["--format", "sarif", dir]);
    expect(sarif.status).toBe(1);
    const log = JSON.parse(sarif.stdout);
    // The OASIS schema (JSON Schema draft 4), as shipped in the @microsoft/jest-sarif devDependency.
    const schema = JSON.parse(
      readFileSync(
        join(ROOT, "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
        "utf8",
      ),
    );
    // The schema has a pattern that is not valid with the "u" flag.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    expect(validate(log), ajv.errorsText(validate.errors)).toBe(true);
    // The schema does reject what SARIF does not allow, e.g. LSP's "info" as a level.
    const wrong = structuredClone(log);
    wrong.runs[0].results[0].level = "info";
    expect(validate(wrong)).toBe(false);

    const [runLog] = log.runs;
    expect(runLog.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(
      RULES.map((rule) => rule.id),
    );
    const textLines = run([dir]).stdout.trim().split("\n");
    expect(runLog.results).toHaveLength(textLines.length);
    const comment = runLog.results.find(
      (result: { ruleId: string }) => result.ruleId === "comment-after-value",
    );
    expect(comment.level).toBe("error");
    expect(comment.locations[0].physicalLocation.region).toEqual({
      startLine: 1,
      startColumn: 32,
      endLine: 1,
      endColumn: 38,
    });
    expect(comment.fixes[0].description.text).toBe("Move the comment to its own line");
    expect(runLog.tool.driver.rules[comment.ruleIndex].id).toBe("comment-after-value");
    const info = runLog.results.find((result: { ruleId: string }) =>
      /^tls-loglevel/.test(result.ruleId),
    );
    expect(info.level).toBe("note");
  });
});

describe("--format github", () => {
  it("prints one workflow command per problem, escaped as the runner requires", () => {
    const dir = configDir("smtpd_tls_security_level = may # 100%\n");
    // A comma and a colon in the path must not end the file property.
    const odd = join(dir, "a,b:c");
    execFileSync("mkdir", [odd]);
    writeFileSync(join(odd, "main.cf"), "smtpd_tls_security_level = may # 100%\n");
    const result = run(["--format", "github", odd]);
    expect(result.status).toBe(1);
    const escapedPath = join(dir, "a%2Cb%3Ac", "main.cf");
    expect(result.stdout).toContain(
      `::error file=${escapedPath},line=1,col=32,endLine=1,endColumn=38,title=comment-after-value::`,
    );
    for (const line of result.stdout.trim().split("\n"))
      expect(line).toMatch(/^::(error|warning|notice) file=[^:,]+,line=\d+,col=\d+,/);
  });
});

describe("exit status and filters", () => {
  it("keeps exit status 0 for warnings by default; --fail-on warning makes it 1", () => {
    const dir = configDir("smtpd_tls_securty_level = may\n");
    expect(run([dir]).status).toBe(0);
    expect(run(["--fail-on", "warning", dir]).status).toBe(1);
    expect(run(["--fail-on", "error", dir]).status).toBe(0);
    expect(run(["--fail-on", "sometimes", dir]).status).toBe(2);
  });

  it("--quiet reports errors only", () => {
    const dir = configDir(MIXED);
    const quiet = run(["--quiet", dir]);
    expect(quiet.status).toBe(1);
    expect(quiet.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/\[comment-after-value\]$/),
    ]);
  });
});

describe("--fix and --fix-dry-run", () => {
  it("applies only safe fixes, in place, keeping mode and owner, and says what it changed", () => {
    const dir = configDir(MIXED + "relayhost = a\nrelayhost = b\n");
    const file = join(dir, "main.cf");
    chmodSync(file, 0o640);
    if (process.getuid?.() === 0) chownSync(file, 65534, 65534);
    const result = run(["--fix", dir]);
    expect(readFileSync(file, "utf8")).toBe(
      "# note\nsmtpd_tls_security_level = may\nsmtpd_tls_securty_level = may\nsmtpd_tls_loglevel = 2\nrelayhost = b\n",
    );
    expect(result.stderr).toContain(
      `${file}:1: fixed: Move the comment to its own line [comment-after-value]`,
    );
    expect(result.stderr).toMatch(
      /fixed: Remove the earlier relayhost on line 4 \[duplicate-parameter\]/,
    );
    // The typo's rename is a guess, not a safe fix: it stays for a person to decide.
    expect(result.stdout).toMatch(/\[unknown-parameter\]/);
    expect(result.stdout).not.toMatch(/\[comment-after-value\]/);
    // What is left is reported as usual: TLS without a certificate is an error.
    expect(result.status).toBe(1);
    const stat = statSync(file);
    expect(stat.mode & 0o777).toBe(0o640);
    if (process.getuid?.() === 0) expect([stat.uid, stat.gid]).toEqual([65534, 65534]);
    expect(readdirSync(dir).sort()).toEqual(["main.cf", "master.cf"]);
    // Nothing is left to fix.
    const again = run(["--fix", dir]);
    expect(again.stderr).not.toContain("fixed:");
  });

  it("--fix-dry-run prints a unified diff and writes nothing", () => {
    const dir = configDir(MIXED);
    const before = readFileSync(join(dir, "main.cf"), "utf8");
    const result = run(["--fix-dry-run", dir]);
    expect(readFileSync(join(dir, "main.cf"), "utf8")).toBe(before);
    const path = join(dir, "main.cf");
    expect(result.stdout).toContain(
      `--- ${path}\n+++ ${path}\n@@ -1,3 +1,4 @@\n-smtpd_tls_security_level = may # note\n+# note\n+smtpd_tls_security_level = may\n smtpd_tls_securty_level = may\n`,
    );
  });

  it("refuses stdin", () => {
    expect(run(["--fix", "--kind", "main", "-"]).status).toBe(2);
  });
});
