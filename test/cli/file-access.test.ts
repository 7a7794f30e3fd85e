import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * postfix-lint on directories anyone may have written: every run ends within a
 * time bound and a peak-memory bound, says why a file was not read, and never
 * echoes a file that a link leaving the directory points to.
 */

const ROOT = join(__dirname, "../..");
const CLI = join(ROOT, "dist/cli.js");
/** Generous: the machine running the tests may be busy. A hang is what this catches. */
const TIME_BOUND_MS = 20_000;
const PEAK_RSS_BOUND_KB = 200 * 1024;
// A real restriction list, with compatibility_level (below level 1 smtpd has no relay control).
const MAIN =
  "my_custom = permit_mynetworks\nrelayhost = [mail.example.com]\ncompatibility_level = 3.6\n";
const MASTER = "smtp inet n - n - - smtpd -o smtpd_helo_restrictions=$my_custom\n";

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The highest VmHWM seen while polling /proc, in kB. */
  peakKb: number;
}

/** Runs a command, killing it past the time bound, polling its peak RSS meanwhile. */
function runBounded(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peakKb = 0;
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0));
      } catch {
        // exited between two polls
      }
    }, 5);
    const timer = setTimeout(() => child.kill("SIGKILL"), TIME_BOUND_MS);
    child.on("close", (status) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: performance.now() - started, peakKb });
    });
  });
}

// An explicit release: "auto" would add a line on stderr that names the host's Postfix.
const lint = (...args: string[]) => runBounded("node", [CLI, "--postfix-version", "3.12", ...args]);

function expectBounded(run: Run) {
  expect(run.ms).toBeLessThan(TIME_BOUND_MS);
  expect(run.peakKb).toBeGreaterThan(0);
  expect(run.peakKb).toBeLessThan(PEAK_RSS_BOUND_KB);
}

function configDir(master?: (path: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "cli-files-"));
  writeFileSync(join(dir, "main.cf"), MAIN);
  master?.(join(dir, "master.cf"));
  return dir;
}

const UNUSED = /main\.cf:1:1: warning: .*\[unknown-parameter\]\n$/;

describe("postfix-lint: files it must not read", () => {
  it("reads a regular sibling (the cross-file check sees it)", async () => {
    const run = await lint(configDir((path) => writeFileSync(path, MASTER)));
    expect(run).toMatchObject({ status: 0, stdout: "", stderr: "" });
  });

  it("does not open a FIFO, as a sibling or named", async () => {
    const dir = configDir((path) => execFileSync("mkfifo", [path]));
    const asSibling = await lint(join(dir, "main.cf"));
    expectBounded(asSibling);
    expect(asSibling.status).toBe(0);
    expect(asSibling.stdout).toMatch(UNUSED);
    expect(asSibling.stderr).toBe(
      `postfix-lint: ${dir}/master.cf: not read: it is a FIFO (named pipe), which could block a reader forever. Checked main.cf without it.\n`,
    );
    const named = await lint(join(dir, "master.cf"));
    expectBounded(named);
    expect(named.status).toBe(2);
    expect(named.stderr).toContain("master.cf: not read: it is a FIFO");
    // In a directory it is skipped; the rest is linted.
    const inDirectory = await lint(dir);
    expect(inDirectory.status).toBe(0);
    expect(inDirectory.stdout).toMatch(UNUSED);
  });

  for (const device of ["/dev/zero", "/dev/urandom"]) {
    it(`does not read a link to ${device}, even with --follow-symlinks`, async () => {
      const dir = configDir((path) => symlinkSync(device, path));
      for (const args of [[dir], [join(dir, "master.cf")], ["--follow-symlinks", dir]]) {
        const run = await lint(...args);
        expectBounded(run);
        expect(run.stderr).toMatch(
          args[0] === "--follow-symlinks"
            ? /master\.cf: not read: it is a character device/
            : new RegExp(`master\\.cf: not read: it is a symbolic link to ${device}, outside`),
        );
      }
    });
  }

  it("does not read a 60 MB or a 2 GB sparse file, as a sibling or named", async () => {
    const big = configDir((path) => writeFileSync(path, MASTER.repeat(1e6)));
    const sparse = configDir((path) => execFileSync("truncate", ["-s", "2G", path]));
    for (const [dir, size] of [
      [big, (MASTER.length * 1e6).toLocaleString("en")],
      [sparse, "2,147,483,648"],
    ]) {
      const asSibling = await lint(join(dir, "main.cf"));
      expectBounded(asSibling);
      expect(asSibling.stdout).toMatch(UNUSED);
      expect(asSibling.stderr).toContain(`it has ${size} bytes, over the limit of 10,000,000`);
      const named = await lint(join(dir, "master.cf"));
      expectBounded(named);
      expect(named.stdout).toBe(
        `${dir}/master.cf:1:1: warning: This file has ${size} bytes; files over 10,000,000 bytes are not analysed. Postfix configuration files are normally a few kilobytes. [file-too-large]\n`,
      );
    }
  });

  it("never echoes a file that a link leaving the directory points to", async () => {
    const secretDir = mkdtempSync(join(tmpdir(), "cli-secret-"));
    const fakeShadow = join(secretDir, "shadow");
    writeFileSync(
      fakeShadow,
      "root:$y$j9T$secrethash:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n",
    );
    const targets = [fakeShadow, ...(existsSync("/etc/shadow") ? ["/etc/shadow"] : [])];
    for (const target of targets) {
      const lines = readFileSync(target, "utf8").split("\n").filter(Boolean);
      const dir = mkdtempSync(join(tmpdir(), "cli-leak-"));
      symlinkSync(target, join(dir, "main.cf"));
      symlinkSync(target, join(dir, "master.cf"));
      const runs = [
        await lint(dir),
        await lint(join(dir, "main.cf")),
        await lint("--kind", "master", join(dir, "master.cf")),
        await lint("--print", "main", dir),
        await lint("--print", "master", dir),
      ];
      for (const run of runs) {
        expectBounded(run);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(`not read: it is a symbolic link to ${target}`);
        const output = run.stdout + run.stderr;
        for (const line of lines) {
          expect(output).not.toContain(line);
          // Not even the start of a line (a user name and hash prefix).
          expect(output).not.toContain(line.slice(0, line.indexOf(":", line.indexOf(":") + 1)));
        }
      }
    }
  });

  it("reports a file it may not read (as an unprivileged user) and exits 2", async () => {
    if (!existsSync("/usr/bin/setpriv")) return; // the CI image has it
    const dir = mkdtempSync(join(tmpdir(), "cli-denied-"));
    chmodSync(dir, 0o755);
    const cli = join(dir, "cli.js");
    copyFileSync(CLI, cli);
    chmodSync(cli, 0o644);
    writeFileSync(join(dir, "main.cf"), MAIN);
    chmodSync(join(dir, "main.cf"), 0o000);
    const run = await runBounded("setpriv", [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      process.execPath,
      cli,
      "--postfix-version",
      "3.12",
      join(dir, "main.cf"),
    ]);
    expectBounded(run);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `postfix-lint: ${dir}/main.cf: not read: it cannot be read (EACCES: permission denied).\n`,
    );
  });

  it("lints a directory named 3,000 times once, quickly", async () => {
    const lines = 1_000;
    const dir = mkdtempSync(join(tmpdir(), "cli-many-"));
    writeFileSync(
      join(dir, "main.cf"),
      Array.from({ length: lines }, (_, i) => `custom_${i} = $custom_${i + 1}\n`).join("") +
        "relayhost = a\nrelayhost = b\n",
    );
    writeFileSync(
      join(dir, "master.cf"),
      Array.from({ length: lines }, (_, i) => `s${i} unix - - n - - smtp\n`).join(""),
    );
    const paths = Array.from(
      { length: 3_000 },
      (_, i) => [dir, join(dir, "main.cf"), join(dir, "master.cf"), `${dir}/`][i % 4],
    );
    const once = await lint(dir);
    const run = await lint(...paths);
    expectBounded(run);
    // Node's start-up and one lint dominate; 3,000 re-reads and re-parses took minutes.
    expect(run.ms).toBeLessThan(once.ms * 2 + 3_000);
    expect(run.stdout).toBe(once.stdout);
    expect(run.status).toBe(0);
    // Each file's findings once, under the first path naming it.
    expect(run.stdout.match(/duplicate-parameter/g)).toHaveLength(1);
    expect(new Set(run.stdout.split("\n").filter(Boolean)).size).toBe(
      run.stdout.split("\n").filter(Boolean).length,
    );
  });
});
