// The table file checks judged by the real postmap 3.7: the lines of cidr and
// regexp tables that postmap warns about when it opens them must be the lines our
// checks report (random tables from a corpus of good and bad lines), and an
// indexed file is stale for us exactly when postmap warns that it is older than
// its source.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { cidrProblems, regexpProblems } from "../../server/src/service/analysis/tableFiles";
import { type HostFile, hostFilesOf } from "../../server/src/service/hostFiles";
import { parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";

const POSTMAP = "/usr/sbin/postmap";
const root = mkdtempSync(join(tmpdir(), "tables-postmap-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// postmap reads main.cf from its -c directory; an empty one is enough.
writeFileSync(join(root, "main.cf"), "");

/** The line numbers, each once, in order (postmap may warn twice about one line). */
const distinct = (lines: number[]) => [...new Set(lines)].sort((a, b) => a - b);

/** The line numbers postmap warns about when it opens the table. */
function postmapWarnedLines(type: string, text: string): number[] {
  const path = join(root, `table.${type}`);
  writeFileSync(path, text);
  const result = spawnSync(POSTMAP, ["-c", root, "-q", "192.0.2.1", `${type}:${path}`], {
    encoding: "utf8",
  });
  return distinct([...result.stderr.matchAll(/ map .*?, line (\d+): /g)].map((m) => Number(m[1])));
}

const CIDR_LINES = [
  "192.0.2.0/24 REJECT",
  "192.0.2.1/24 REJECT",
  "10.0.0.0/33 OK",
  "198.51.100.7 OK",
  "[2001:db8::]/32 550 no",
  "[2001:db8::/32] DUNNO",
  "2001:db8::/129 OK",
  "2001:db8::1/64 OK",
  "[2001:db8::]/32",
  "example.com OK",
  "300.1.2.3 OK",
  "010.1.2.0/24 OK",
  "[2001:db8::]/032 OK",
  "10.0.0.0/x OK",
  "!10.1.0.0/16 OK",
  "IF 10.0.0.0/8",
  "IF",
  "ENDIF",
  "ENDIF junk",
  "  continued text",
  "# a comment",
  "",
];

const REGEXP_LINES = [
  "/^Subject: a/ REJECT",
  "/^Subject: b/i DISCARD",
  "/unclosed REJECT",
  "/a/q OK",
  "/a/x OK",
  "/a/!/b/ OK",
  "/a/!/b OK",
  "/nothing/",
  "|^From: x| WARN",
  "reject /x/",
  "IF /y/",
  "if /y/ extra",
  "ENDIF",
  "endif extra",
  "  continued text",
  "# a comment",
  "",
];

function differential(type: "cidr" | "regexp", corpus: string[]) {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...corpus), { maxLength: 12 }), (lines) => {
      const text = lines.map((line) => `${line}\n`).join("");
      const ours = distinct(
        (type === "cidr" ? cidrProblems(text) : regexpProblems(text, "regexp")).map(
          (problem) => problem.line,
        ),
      );
      expect(ours, text).toEqual(postmapWarnedLines(type, text));
    }),
    { numRuns: 60 },
  );
}

/** The table-index-* findings for a hash table, from the real files' status and times. */
function indexFindings(path: string): string[] {
  const main = `transport_maps = hash:${path}\n`;
  const read = (file: string): HostFile => {
    const stat = spawnSync("stat", ["-c", "%Y", file], { encoding: "utf8" });
    return stat.status === 0
      ? { path: file, status: "ok", size: 0, mtimeMs: Number(stat.stdout) * 1000 }
      : { path: file, status: "missing" };
  };
  const diagnostics = doValidation(parseConfig("main", main), new LineIndex(main), {
    version: "3.7",
    host: hostFilesOf([read(path), read(`${path}.db`)], Date.now()),
  });
  return diagnostics.map((d) => String(d.code)).filter((code) => code.startsWith("table-index"));
}

describe.skipIf(!existsSync(POSTMAP))("table files judged by postmap", () => {
  it("cidr: the same lines are skipped", () => differential("cidr", CIDR_LINES));

  it("regexp: the same lines are warned about", () => differential("regexp", REGEXP_LINES));

  it("an index is stale exactly when postmap says it is older than its source", () => {
    const path = join(root, "transport");
    writeFileSync(path, "example.com smtp:[relay.example.com]\n");
    execFileSync(POSTMAP, ["-c", root, `hash:${path}`]);
    const now = Date.now() / 1000;
    for (const [sourceAge, indexAge] of [
      [3600, 7200],
      [7200, 3600],
      [0, 7200],
      [3600, 3600],
    ]) {
      utimesSync(path, now - sourceAge, now - sourceAge);
      utimesSync(`${path}.db`, now - indexAge, now - indexAge);
      const warned = spawnSync(POSTMAP, ["-c", root, "-q", "example.com", `hash:${path}`], {
        encoding: "utf8",
      }).stderr.includes("is older than source file");
      expect(indexFindings(path), `source ${sourceAge}s, index ${indexAge}s old`).toEqual(
        warned ? ["table-index-stale"] : [],
      );
    }
    rmSync(`${path}.db`);
    const missing = spawnSync(POSTMAP, ["-c", root, "-q", "example.com", `hash:${path}`], {
      encoding: "utf8",
    });
    expect(missing.stderr).toContain("No such file or directory");
    expect(indexFindings(path)).toEqual(["table-index-missing"]);
  });
});
