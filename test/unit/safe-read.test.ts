import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ReadPolicy,
  RegularFileCheck,
  SafeFileCache,
  decodeText,
  diskPathOfUri,
  readFileSafely,
  readFileSafelySync,
  readSteps,
  runStepsSync,
} from "../../server/src/files/safeRead";

/**
 * The file-access module against what a hostile or careless workspace holds. Tests
 * run as root, whom file modes do not stop: the permission-denied path is covered
 * by test/cli/cli.test.ts, which runs the CLI as an unprivileged user.
 */

const dir = mkdtempSync(join(tmpdir(), "safe-read-"));
const policy = (overrides: Partial<ReadPolicy> = {}): ReadPolicy => ({
  maxBytes: 10_000_000,
  allowedRoots: [dir],
  followSymlinksOutside: false,
  ...overrides,
});
let counter = 0;
const fresh = (name: string) => join(dir, `${counter++}-${name}`);
const openDescriptors = () => readdirSync("/proc/self/fd").length;

/** Both drivers must agree on every case. */
async function readBoth(path: string, readPolicy = policy()) {
  const sync = readFileSafelySync(path, readPolicy);
  const async = await readFileSafely(path, readPolicy);
  expect({ ...async, bytes: undefined }).toEqual({ ...sync, bytes: undefined });
  return sync;
}

afterEach(() => {
  expect(openDescriptors()).toBeLessThan(200);
});

describe("readFileSafely", () => {
  it("reads a regular file and identifies it by device, inode, size and ns mtime", async () => {
    const path = fresh("main.cf");
    writeFileSync(path, "relayhost = [a]\n");
    const outcome = await readBoth(path);
    expect(outcome.ok && decodeText(outcome.bytes)).toBe("relayhost = [a]\n");
    const stats = statSync(path, { bigint: true });
    expect(outcome.ok && outcome.identity).toEqual({
      dev: stats.dev,
      ino: stats.ino,
      size: 16n,
      mtimeNs: stats.mtimeNs,
    });
  });

  it("refuses a FIFO without opening it, and does not block", async () => {
    const path = fresh("master.cf");
    execFileSync("mkfifo", [path]);
    const outcome = await readBoth(path);
    expect(outcome).toMatchObject({ ok: false, reason: "not-regular" });
    expect(!outcome.ok && outcome.detail).toMatch(/^is a FIFO/);
  });

  it("refuses /dev/zero and /dev/urandom behind a link, even when links may go anywhere", async () => {
    for (const device of ["/dev/zero", "/dev/urandom"]) {
      const path = fresh("master.cf");
      symlinkSync(device, path);
      expect(await readBoth(path)).toMatchObject({ ok: false, reason: "symlink-outside" });
      const followed = await readBoth(path, policy({ followSymlinksOutside: true }));
      expect(followed).toMatchObject({ ok: false, reason: "not-regular" });
      expect(!followed.ok && followed.detail).toMatch(/^is a character device/);
    }
  });

  it("refuses a 2 GB sparse file as too large without reading it", async () => {
    const path = fresh("master.cf");
    execFileSync("truncate", ["-s", "2G", path]);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const outcome = await readBoth(path);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(50_000_000);
    expect(outcome).toMatchObject({ ok: false, reason: "too-large" });
    expect(!outcome.ok && outcome.detail).toBe(
      "has 2,147,483,648 bytes, over the limit of 10,000,000",
    );
  });

  it("takes a file of exactly the cap and refuses one byte more", async () => {
    const path = fresh("main.cf");
    writeFileSync(path, "x".repeat(100));
    expect((await readBoth(path, policy({ maxBytes: 100 }))).ok).toBe(true);
    expect(await readBoth(path, policy({ maxBytes: 99 }))).toMatchObject({ reason: "too-large" });
  });

  it("refuses a directory, a link loop and a missing file, each with its reason", async () => {
    const directory = fresh("main.cf");
    mkdirSync(directory);
    expect(await readBoth(directory)).toMatchObject({
      reason: "not-regular",
      detail: "is a directory",
    });
    const loop = fresh("main.cf");
    symlinkSync(loop, loop);
    expect(await readBoth(loop)).toMatchObject({ reason: "symlink-loop" });
    const pair = [fresh("a"), fresh("b")];
    symlinkSync(pair[1], pair[0]);
    symlinkSync(pair[0], pair[1]);
    expect(await readBoth(pair[0])).toMatchObject({ reason: "symlink-loop" });
    expect(await readBoth(fresh("none"))).toMatchObject({ reason: "missing" });
  });

  it("reports a path through a regular file (ENOTDIR) as missing", async () => {
    const file = fresh("plain");
    writeFileSync(file, "");
    expect(await readBoth(join(file, "main.cf"))).toMatchObject({ reason: "missing" });
  });

  it("follows a link inside the allowed roots and refuses one leaving them", async () => {
    const inside = fresh("common.cf");
    writeFileSync(inside, "relayhost = [a]\n");
    const link = fresh("main.cf");
    symlinkSync(inside, link);
    expect((await readBoth(link)).ok).toBe(true);

    const outsideDir = mkdtempSync(join(tmpdir(), "safe-read-outside-"));
    writeFileSync(join(outsideDir, "secret"), "root:$y$j9T$hash:19000:0:99999:7:::\n");
    const escape = fresh("main.cf");
    symlinkSync(join(outsideDir, "secret"), escape);
    const refused = await readBoth(escape);
    expect(refused).toMatchObject({ ok: false, reason: "symlink-outside" });
    expect(!refused.ok && refused.detail).toBe(
      `is a symbolic link to ${join(outsideDir, "secret")}, outside the configuration directory`,
    );
    // A relative link climbing out is resolved before the check.
    const climbing = fresh("master.cf");
    symlinkSync(`../${outsideDir.split("/").pop()}/secret`, climbing);
    expect(await readBoth(climbing)).toMatchObject({ reason: "symlink-outside" });
    // A root that merely shares a prefix does not contain it.
    expect(
      await readBoth(escape, policy({ allowedRoots: [outsideDir.slice(0, -1)] })),
    ).toMatchObject({ reason: "symlink-outside" });
    expect((await readBoth(escape, policy({ allowedRoots: [dir, outsideDir] }))).ok).toBe(true);
    expect((await readBoth(escape, policy({ followSymlinksOutside: true }))).ok).toBe(true);
  });

  it("notices a file replaced between its inspection and its opening", () => {
    const path = fresh("master.cf");
    writeFileSync(path, "a inet n - n - - smtpd\n");
    const fifo = fresh("fifo");
    execFileSync("mkfifo", [fifo]);
    const outcome = runStepsSync(readSteps(path, policy()), (operation) => {
      if (operation === "open") renameSync(fifo, path);
    });
    expect(outcome).toMatchObject({ ok: false, reason: "changed" });
  });

  it("notices a file that grows or shrinks while it is read", () => {
    for (const change of [
      (path: string) => appendFileSync(path, "more\n"),
      (path: string) => writeFileSync(path, "x\n"),
    ]) {
      const path = fresh("main.cf");
      writeFileSync(path, "relayhost = [a]\n");
      let changed = false;
      const outcome = runStepsSync(readSteps(path, policy()), (operation) => {
        if (operation === "read" && !changed) {
          changed = true;
          change(path);
        }
      });
      expect(outcome).toMatchObject({ ok: false, reason: "changed" });
    }
  });

  it("stops on an aborted signal and leaves no descriptor open", async () => {
    const path = fresh("main.cf");
    writeFileSync(path, "relayhost = [a]\n");
    const before = openDescriptors();
    await expect(readFileSafely(path, policy(), AbortSignal.abort())).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(openDescriptors()).toBe(before);
  });
});

describe("SafeFileCache", () => {
  const counting = () => {
    const calls: string[] = [];
    const cache = new SafeFileCache((bytes) => {
      calls.push(decodeText(bytes));
      return decodeText(bytes);
    });
    return { cache, calls };
  };

  it("converts a file once while it stays the same", async () => {
    const path = fresh("main.cf");
    writeFileSync(path, "relayhost = [a]\n");
    const { cache, calls } = counting();
    expect(cache.readSync(path, policy())).toMatchObject({ ok: true, fresh: true });
    expect(await cache.read(path, policy())).toMatchObject({ ok: true, fresh: false });
    expect(cache.readSync(path, policy())).toMatchObject({ value: "relayhost = [a]\n" });
    expect(calls).toHaveLength(1);
  });

  it("sees a same-size replacement carrying the same mtime (a new inode)", () => {
    const path = fresh("main.cf");
    writeFileSync(path, "relayhost = [a]\n");
    const { cache } = counting();
    expect(cache.readSync(path, policy())).toMatchObject({ value: "relayhost = [a]\n" });
    const { mtime } = statSync(path);
    const replacement = fresh("new");
    writeFileSync(replacement, "relayhost = [b]\n");
    utimesSync(replacement, mtime, mtime);
    renameSync(replacement, path);
    expect(statSync(path).mtime).toEqual(mtime);
    expect(cache.readSync(path, policy())).toMatchObject({ value: "relayhost = [b]\n" });
  });

  it("sees a same-size rewrite in place within the same millisecond (ns mtime)", () => {
    const path = fresh("main.cf");
    writeFileSync(path, "relayhost = [a]\n");
    const { cache } = counting();
    cache.readSync(path, policy());
    const before = statSync(path, { bigint: true }).mtimeNs;
    writeFileSync(path, "relayhost = [b]\n");
    // Set a time that differs from the first only below the millisecond.
    const seconds = Number(before / 1_000_000_000n);
    const nanos = Number(before % 1_000_000_000n);
    const shifted =
      seconds + (Math.floor(nanos / 1e6) * 1e6 + (((nanos % 1e6) + 1000) % 1e6)) / 1e9;
    utimesSync(path, shifted, shifted);
    expect(statSync(path, { bigint: true }).mtimeNs).not.toBe(before);
    expect(cache.readSync(path, policy())).toMatchObject({ value: "relayhost = [b]\n" });
  });

  it("remembers a refusal: a too-large file is reported fresh once, then from the cache", async () => {
    const path = fresh("master.cf");
    execFileSync("truncate", ["-s", "2G", path]);
    const { cache } = counting();
    expect(await cache.read(path, policy())).toMatchObject({ reason: "too-large", fresh: true });
    expect(await cache.read(path, policy())).toMatchObject({ reason: "too-large", fresh: false });
    // A different policy is a different question.
    expect(await cache.read(path, policy({ allowedRoots: [] }))).toMatchObject({ fresh: true });
  });

  it("shares one conversion between two paths to the same file", () => {
    const target = fresh("main.cf");
    writeFileSync(target, "relayhost = [a]\n");
    const link = fresh("main.cf");
    symlinkSync(target, link);
    const { cache, calls } = counting();
    cache.readSync(target, policy());
    expect(cache.readSync(link, policy())).toMatchObject({ ok: true, fresh: true });
    expect(calls).toHaveLength(1);
  });

  it("keeps at most its number of entries", () => {
    const cache = new SafeFileCache((bytes) => bytes.length, 2);
    const paths = [fresh("1"), fresh("2"), fresh("3")];
    for (const path of paths) writeFileSync(path, "x");
    for (const path of paths) cache.readSync(path, policy());
    expect(cache.readSync(paths[0], policy())).toMatchObject({ fresh: true });
    expect(cache.readSync(paths[2], policy())).toMatchObject({ fresh: false });
  });
});

describe("RegularFileCheck", () => {
  it("tells regular files from directories, devices, FIFOs and missing paths", async () => {
    const file = fresh("cert.pem");
    writeFileSync(file, "x");
    const fifo = fresh("fifo");
    execFileSync("mkfifo", [fifo]);
    const answers = await new RegularFileCheck().areRegularFiles([
      file,
      dir,
      "/dev/null",
      fifo,
      fresh("missing"),
    ]);
    expect(answers).toEqual([true, false, false, false, false]);
  });

  it("stats each path once per period, however often it is named, and again after it in the background", async () => {
    let clock = 0;
    const asked: string[] = [];
    const onDisk = new Set(["/a.pem"]);
    const check = new RegularFileCheck(
      2_000,
      100,
      () => clock,
      async (path) => {
        asked.push(path);
        return onDisk.has(path);
      },
    );
    expect(await check.areRegularFiles(["/a.pem", "/b.db", "/a.pem"])).toEqual([true, false, true]);
    clock = 1_999;
    expect(await check.areRegularFiles(["/b.db", "/a.pem"])).toEqual([false, true]);
    expect(asked).toEqual(["/a.pem", "/b.db"]);
    // Two seconds on, /b.db was created and /a.pem removed: the request that finds
    // the answers old gets them as they were, and starts one new check per path.
    onDisk.clear();
    onDisk.add("/b.db");
    clock = 2_000;
    expect(await check.areRegularFiles(["/a.pem", "/b.db", "/a.pem"])).toEqual([true, false, true]);
    expect(asked).toEqual(["/a.pem", "/b.db", "/a.pem", "/b.db"]);
    expect(await check.areRegularFiles(["/a.pem", "/b.db"])).toEqual([false, true]);
    expect(asked).toHaveLength(4);
  });

  it("keeps a bounded number of answers", async () => {
    const asked: string[] = [];
    const check = new RegularFileCheck(
      2_000,
      10,
      () => 0,
      async (path) => {
        asked.push(path);
        return true;
      },
    );
    const paths = Array.from({ length: 1_000 }, (_, i) => `/etc/file${i}`);
    for (const path of paths) await check.areRegularFiles([path]);
    // Once past the bound with every answer fresh, the answers are dropped: asked again.
    await check.areRegularFiles([paths[0]]);
    expect(asked.length).toBe(1_001);
    expect(
      (check as unknown as { answers: Map<string, unknown> }).answers.size,
    ).toBeLessThanOrEqual(11);
  });
});

describe("diskPathOfUri", () => {
  it("maps a plain file: URI to its path", () => {
    expect(diskPathOfUri(pathToFileURL("/etc/postfix/main.cf").href)).toBe("/etc/postfix/main.cf");
    expect(diskPathOfUri("file:///etc/post%20fix/main.cf")).toBe("/etc/post fix/main.cf");
  });

  it("never maps a URI with a query or fragment, another scheme or a remote host", () => {
    for (const uri of [
      "file:///etc/postfix/main.cf?x=1",
      "file:///etc/postfix/main.cf?",
      "file:///etc/postfix/main.cf#L1",
      "untitled:main.cf",
      "git:/etc/postfix/main.cf",
      "vscode-remote://ssh/etc/postfix/main.cf",
      "file://otherhost/etc/postfix/main.cf",
      "file:main.cf",
      "not a uri",
    ]) {
      expect(diskPathOfUri(uri), uri).toBeUndefined();
    }
  });
});
