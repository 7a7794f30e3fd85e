import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectRelease } from "../../server/src/host/detectRelease";
import {
  DEFAULT_POSTCONF_PATH,
  checkConfiguration,
  postconfRelease,
  programProblem,
} from "../../server/src/host/postconf";
import { NEWEST_VERSION } from "../../server/src/service/data/parameters";

// Fake postconf programs in a private directory. The tests run as root, so a
// fake is root-owned unless a test gives it away (chown to nobody, 65534).

let dir: string;

/** Writes an executable shell script and returns its path. */
function fake(name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

function dpkgStatus(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const POSTFIX_3_5 = "Package: postfix\nStatus: install ok installed\nVersion: 3.5.25-0+deb11u1\n";
const RUNS_AS_ROOT = process.getuid?.() === 0;
const HAVE_POSTCONF = existsSync(DEFAULT_POSTCONF_PATH);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "postfix-lsp-fake-postconf-"));
});

afterAll(() => {
  execFileSync("rm", ["-rf", dir]);
});

describe("postconfRelease with a fake postconf", () => {
  it("reads the release and passes exactly -d -h mail_version, in a small environment", async () => {
    const argsFile = join(dir, "args");
    const path = fake(
      "postconf-ok",
      `printf '%s\\n' "$@" > ${argsFile}; env >> ${argsFile}; echo 3.8.2`,
    );
    process.env.MAIL_CONFIG = "/somewhere/else";
    try {
      expect(await postconfRelease(path)).toEqual({ release: "3.8.2" });
    } finally {
      delete process.env.MAIL_CONFIG;
    }
    const recorded = readFileSync(argsFile, "utf8").split("\n");
    expect(recorded.slice(0, 3)).toEqual(["-d", "-h", "mail_version"]);
    expect(recorded.some((line) => line.startsWith("MAIL_CONFIG="))).toBe(false);
    expect(recorded).toContain("LC_ALL=C");
  });

  it("stops a postconf that does not finish within 2 s", async () => {
    const path = fake("postconf-sleeps", "exec sleep 30");
    const found = await postconfRelease(path);
    expect(found).toEqual({
      problem: `${path} did not finish within 2 s and was stopped`,
    });
  });

  it("rejects garbage, endless output and a failing postconf", async () => {
    const garbage = fake("postconf-garbage", "echo 'not a release'");
    expect(await postconfRelease(garbage)).toEqual({
      problem: `${garbage} -d -h mail_version printed no release number`,
    });
    const endless = fake("postconf-endless", "exec yes 3.7.11");
    expect(await postconfRelease(endless)).toEqual({
      problem: `${endless} printed more than 4096 bytes and was stopped`,
    });
    const failing = fake("postconf-fails", "echo 3.7.11; exit 1");
    expect(await postconfRelease(failing)).toEqual({
      problem: `${failing} -d -h mail_version exited with status 1`,
    });
  });

  it.runIf(RUNS_AS_ROOT)(
    "refuses a program that is not root-owned or is writable by others, without running it",
    async () => {
      const marker = join(dir, "ran");
      const body = `touch ${marker}; echo 3.7.11`;
      const foreign = fake("postconf-nobody", body);
      chownSync(foreign, 65534, 65534);
      const groupWritable = fake("postconf-group-writable", body, 0o775);
      const worldWritable = fake("postconf-world-writable", body, 0o757);
      expect(await postconfRelease(foreign)).toEqual({
        problem: `${foreign} is not owned by root`,
      });
      for (const path of [groupWritable, worldWritable]) {
        expect(await postconfRelease(path)).toEqual({
          problem: `${path} is writable by group or others`,
        });
      }
      expect(existsSync(marker)).toBe(false);
    },
  );

  it.runIf(RUNS_AS_ROOT)("refuses a program in a directory others may write to", async () => {
    const open = join(dir, "open");
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const path = join(open, "postconf");
    writeFileSync(path, "#!/bin/sh\necho 3.7.11\n", { mode: 0o755 });
    expect(await programProblem(path)).toBe(`${open} is writable by group or others`);
  });

  it("refuses a relative path, a directory, a missing and a non-executable file", async () => {
    expect(await programProblem("postconf")).toBe("postconf is not an absolute path");
    expect(await programProblem(dir)).toBe(`${dir} is not a regular file`);
    expect(await programProblem(join(dir, "none"))).toBe(
      `${join(dir, "none")} cannot be examined (ENOENT)`,
    );
    const plain = fake("postconf-plain", "echo 3.7.11", 0o644);
    expect(await programProblem(plain)).toBe(`${plain} is not executable`);
  });
});

describe("detectRelease", () => {
  it("prefers postconf, then the dpkg database, then the newest release", async () => {
    const postconf = fake("postconf-3.9", "echo 3.9.1");
    const status = dpkgStatus("status-3.5", POSTFIX_3_5);
    const missing = join(dir, "no-status");
    expect(
      (await detectRelease({ postconfPath: postconf, dpkgStatusPath: status })).release,
    ).toEqual({ line: "3.9", release: "3.9.1", origin: "postconf" });
    // An untrusted workspace runs no program: the dpkg database answers.
    expect(
      (await detectRelease({ postconfPath: undefined, dpkgStatusPath: status })).release,
    ).toEqual({ line: "3.5", release: "3.5.25", origin: "dpkg" });
    expect(await detectRelease({ postconfPath: undefined, dpkgStatusPath: missing })).toEqual({
      release: { line: NEWEST_VERSION, release: NEWEST_VERSION, origin: "newest" },
      notes: [],
    });
  });

  it("falls back to the dpkg database when postconf fails, and says why", async () => {
    const garbage = fake("postconf-junk", "echo junk");
    const status = dpkgStatus("status-3.5b", POSTFIX_3_5);
    const detection = await detectRelease({ postconfPath: garbage, dpkgStatusPath: status });
    expect(detection.release.origin).toBe("dpkg");
    expect(detection.notes).toEqual([
      `postconf was not used: ${garbage} -d -h mail_version printed no release number.`,
    ]);
  });

  it("reads the dpkg database only as a regular file", async () => {
    const fifo = join(dir, "status-fifo");
    execFileSync("mkfifo", [fifo]);
    const detection = await detectRelease({ postconfPath: undefined, dpkgStatusPath: fifo });
    expect(detection.release.origin).toBe("newest");
    expect(detection.notes[0]).toMatch(/^.*status-fifo was not read: it is a FIFO/);
    const other = dpkgStatus("status-other", "Package: exim4\nStatus: install ok installed\n");
    expect((await detectRelease({ postconfPath: undefined, dpkgStatusPath: other })).notes).toEqual(
      [`${other} lists no installed postfix package.`],
    );
  });

  it.runIf(HAVE_POSTCONF)("finds Debian's postconf 3.7 on this host", async () => {
    expect((await detectRelease({ postconfPath: DEFAULT_POSTCONF_PATH })).release).toMatchObject({
      line: "3.7",
      release: expect.stringMatching(/^3\.7\.\d+$/),
      origin: "postconf",
    });
  });
});

describe.runIf(HAVE_POSTCONF)("checkConfiguration with the real postconf", () => {
  it("reports postconf's warnings and removes its private directory", async () => {
    const check = await checkConfiguration(DEFAULT_POSTCONF_PATH, {
      main: "myhostname = a\nfoo_bar = 1\nmyhostname = b\n",
      master: "smtp inet n - y - - smtpd\n  -o bogus_param=1\n",
    });
    if ("problem" in check) throw new Error(check.problem);
    expect(check.stderr).toContain(`${check.dir}/main.cf, line 3: overriding earlier entry`);
    expect(check.stderr).toContain(`${check.dir}/main.cf: unused parameter: foo_bar=1`);
    expect(check.stderr).toContain(`${check.dir}/master.cf: unused parameter: bogus_param=1`);
    expect(check.dir.startsWith(join(tmpdir(), "postfix-lsp-check-"))).toBe(true);
    expect(existsSync(check.dir)).toBe(false);
  });

  it("stops after a fatal error of postconf -n, which -M would only repeat", async () => {
    const check = await checkConfiguration(DEFAULT_POSTCONF_PATH, {
      main: "this line has no equals sign\n",
      master: "",
    });
    if ("problem" in check) throw new Error(check.problem);
    expect(check.stderr.match(/fatal:/g)).toHaveLength(1);
    expect(check.stderr).toContain(
      `${check.dir}/main.cf, line 1: missing '=' after attribute name`,
    );
  });
});
