import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/** postfix-lint checks the lookup table files the configuration names, unless --no-check-files. */

const CLI = join(__dirname, "../../dist/cli.js");
const HOUR = 3600;

function run(args: string[]) {
  const result = spawnSync("node", [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A config directory whose transport table was edited after postmap last ran, and whose aliases were never indexed. */
function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lint-tables-"));
  const now = Date.now() / 1000;
  writeFileSync(join(dir, "transport"), "example.com  smtp:[relay.example.com]\n");
  utimesSync(join(dir, "transport"), now - HOUR, now - HOUR);
  writeFileSync(join(dir, "transport.db"), "");
  utimesSync(join(dir, "transport.db"), now - 24 * HOUR, now - 24 * HOUR);
  writeFileSync(join(dir, "aliases"), "postmaster: root\n");
  writeFileSync(
    join(dir, "main.cf"),
    `transport_maps = hash:${dir}/transport\nalias_maps = hash:${dir}/aliases\nalias_database = hash:${dir}/aliases\n`,
  );
  writeFileSync(join(dir, "master.cf"), "smtp inet n - y - - smtpd\n");
  return dir;
}

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: join(__dirname, "../..") });
});

describe("postfix-lint and lookup tables", () => {
  it("reports a stale index and missing alias indexes with the command to run, and exits 1", () => {
    const dir = configDir();
    const result = run([dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `main\\.cf:1:18: warning: The indexed file ${dir}/transport\\.db \\(built .*\\) is older than its source .* Run: postmap hash:${dir}/transport\\. \\[table-index-stale\\]`,
      ),
    );
    expect(result.stdout).toContain(`Run: postalias hash:${dir}/aliases. [table-index-missing]`);
    expect(result.stdout).toContain(
      `Run: postalias hash:${dir}/aliases (or newaliases). [table-index-missing]`,
    );
  });

  it("reads no table file with --no-check-files", () => {
    const result = run(["--no-check-files", configDir()]);
    expect(result.stdout).not.toMatch(/\[table-(index|source|cidr|regexp)/);
  });
});
