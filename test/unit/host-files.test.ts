import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CERTIFICATE_MAX_BYTES, HostFileReader } from "../../server/src/files/hostFiles";
import {
  type HostFile,
  type HostFileRequest,
  hostFilesOf,
} from "../../server/src/service/hostFiles";
import { parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation, hostFileRequests } from "../../server/src/service/validation";
import { bytesOf } from "../support/certificates";

/**
 * The host-file reader (certificates, keys, tables) against the paths a
 * configuration may name: the sync (CLI) and async (server) drivers must agree.
 * Tests run as root, whom file modes do not stop, so "unreadable" by mode is not
 * testable here; the safe reader's permission path is tested by the CLI tests.
 */

const dir = mkdtempSync(join(tmpdir(), "host-files-"));
let counter = 0;
const fresh = (name: string) => join(dir, `${counter++}-${name}`);

async function readBoth(requests: HostFileRequest[]): Promise<HostFile[]> {
  const sync = new HostFileReader({ maxBytes: CERTIFICATE_MAX_BYTES }).readSync(requests);
  const async = await new HostFileReader({ maxBytes: CERTIFICATE_MAX_BYTES }).read(requests);
  expect(async).toEqual(sync);
  return sync;
}

const one = async (path: string, contents = true) => (await readBoth([{ path, contents }]))[0];

describe("HostFileReader", () => {
  it("reads a regular file with its mode, owner, size and mtime", async () => {
    const path = fresh("cert.pem");
    writeFileSync(path, "PEM", { mode: 0o640 });
    const file = await one(path);
    expect(file).toMatchObject({ path, status: "ok", size: 3, mode: 0o100640, uid: 0 });
    expect(Buffer.from(file.contents!).toString()).toBe("PEM");
    expect(file.mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it("gives the mode, owner and group of the directory the file is in", async () => {
    const directory = fresh("private");
    mkdirSync(directory, { mode: 0o710 });
    chmodSync(directory, 0o710);
    chownSync(directory, 0, 4242);
    writeFileSync(join(directory, "k.pem"), "key");
    expect((await one(join(directory, "k.pem"))).directory).toEqual({
      mode: 0o040710,
      uid: 0,
      gid: 4242,
    });
  });

  it("counts a CApath's entries by name, opening none of them, up to a bound", async () => {
    const directory = fresh("capath");
    mkdirSync(directory);
    writeFileSync(join(directory, "ca.pem"), "PEM");
    symlinkSync("ca.pem", join(directory, "4042bcee.0"));
    symlinkSync("/etc/passwd", join(directory, "00000000.0"));
    execFileSync("mkfifo", [join(directory, "0a0b0c0d.1")]);
    writeFileSync(join(directory, "0a0b0c0d.r0"), "a revocation list's name");
    const request = { path: directory, contents: false, listing: true };
    expect((await readBoth([request]))[0].listing).toEqual({
      entries: 5,
      hashNamed: 3,
      complete: true,
    });
    const bounded = new HostFileReader({ maxBytes: 10, maxListedEntries: 2 });
    expect(bounded.readSync([request])[0].listing).toMatchObject({ entries: 2, complete: false });
    expect((await bounded.read([request]))[0].listing).toMatchObject({
      entries: 2,
      complete: false,
    });
    // A file asked for with a listing has none.
    expect((await one(join(directory, "ca.pem"), false)).listing).toBeUndefined();
  });

  it("gives only the metadata when the contents were not asked for", async () => {
    const path = fresh("key.pem");
    writeFileSync(path, "secret");
    const file = await one(path, false);
    expect(file.status).toBe("ok");
    expect(file.contents).toBeUndefined();
  });

  it("reports a missing file", async () => {
    expect(await one(fresh("none.pem"))).toEqual({
      path: expect.any(String),
      status: "missing",
      detail: "does not exist",
    });
  });

  it("refuses a FIFO without blocking", async () => {
    const path = fresh("fifo.pem");
    execFileSync("mkfifo", [path]);
    expect(await one(path)).toMatchObject({ status: "not-regular", detail: /FIFO/ });
  });

  it("refuses /dev/zero and a directory", async () => {
    expect(await one("/dev/zero")).toMatchObject({ status: "not-regular", detail: /device/ });
    const directory = fresh("certs");
    mkdirSync(directory);
    expect(await one(directory)).toMatchObject({ status: "not-regular", detail: /directory/ });
    // A directory asked for by stat only (a CApath) is there: its mode says what it is.
    expect((await one(directory, false)).status).toBe("ok");
  });

  it("refuses a 2 GB sparse file without reading it", async () => {
    const path = fresh("huge.pem");
    execFileSync("truncate", ["-s", "2G", path]);
    expect(await one(path)).toMatchObject({ status: "too-large", size: 2 ** 31 });
  });

  it("takes the byte cap as a parameter (lookup tables may be larger)", async () => {
    const path = fresh("table");
    writeFileSync(path, "x".repeat(100));
    const small = new HostFileReader({ maxBytes: 10 }).readSync([{ path, contents: true }]);
    expect(small[0].status).toBe("too-large");
  });

  it("follows a link anywhere (Let's Encrypt live/ names link into archive/), not a loop", async () => {
    const target = fresh("archive-cert1.pem");
    writeFileSync(target, "one");
    const link = fresh("live-cert.pem");
    symlinkSync(target, link);
    expect(Buffer.from((await one(link)).contents!).toString()).toBe("one");
    const loop = fresh("loop.pem");
    symlinkSync(loop, loop);
    expect(await one(loop)).toMatchObject({ status: "unreadable", detail: /loops/ });
  });

  it("sees a file replaced by a renewal (new inode), through the cache", async () => {
    const path = fresh("renewed.pem");
    writeFileSync(path, "old");
    const reader = new HostFileReader({ maxBytes: CERTIFICATE_MAX_BYTES });
    const request = [{ path, contents: true }];
    expect(Buffer.from(reader.readSync(request)[0].contents!).toString()).toBe("old");
    const next = fresh("next.pem");
    writeFileSync(next, "new");
    renameSync(next, path);
    expect(Buffer.from((await reader.read(request))[0].contents!).toString()).toBe("new");
  });

  it("stops at an aborted signal", async () => {
    const path = fresh("a.pem");
    writeFileSync(path, "a");
    const controller = new AbortController();
    controller.abort();
    await expect(
      new HostFileReader({ maxBytes: 10 }).read([{ path, contents: true }], controller.signal),
    ).rejects.toThrow();
  });
});

describe("Debian's snakeoil key on disk (mode 0640, group ssl-cert, in a 0710 directory)", () => {
  /** The key-permission findings for a key and certificate laid out like Debian's. */
  function permissionFindings(directoryMode: number, keyMode: number, gid: number): string[] {
    const root = fresh("ssl");
    mkdirSync(join(root, "certs"), { recursive: true });
    const privateDir = join(root, "private");
    mkdirSync(privateDir);
    chmodSync(privateDir, directoryMode);
    chownSync(privateDir, 0, gid);
    const cert = join(root, "certs", "ssl-cert-snakeoil.pem");
    const key = join(privateDir, "ssl-cert-snakeoil.key");
    writeFileSync(cert, bytesOf({ about: "", objects: [{ cert: "snakeoil" }] }));
    writeFileSync(key, bytesOf({ about: "", objects: [{ key: "snakeoil" }] }));
    chmodSync(key, keyMode);
    chownSync(key, 0, gid);
    // The two lines Debian's postfix package writes into main.cf.
    const text = `smtpd_tls_cert_file=${cert}\nsmtpd_tls_key_file=${key}\nsmtpd_tls_security_level=may\n`;
    const config = parseConfig("main", text);
    const reader = new HostFileReader({ maxBytes: CERTIFICATE_MAX_BYTES });
    const { requests, context } = hostFileRequests(config);
    const host = hostFilesOf(reader.readSync(requests), Date.now());
    return doValidation(config, new LineIndex(text), { host }, undefined, context)
      .filter((diagnostic) => diagnostic.code === "tls-key-permissions")
      .map((diagnostic) => String(diagnostic.message));
  }

  it("is not reported", () => {
    expect(permissionFindings(0o710, 0o640, 4242)).toEqual([]);
  });

  it("is reported when the directory lets others in, or the group is root's", () => {
    expect(permissionFindings(0o755, 0o640, 4242)).toEqual([
      expect.stringMatching(/has mode 0640, so its group can read the key.*chmod o-rwx /),
    ]);
    expect(permissionFindings(0o710, 0o640, 0)).toEqual([
      expect.not.stringContaining("chmod o-rwx"),
    ]);
  });

  it("is reported when others may read it too", () => {
    expect(permissionFindings(0o710, 0o644, 4242)).toEqual([
      expect.stringContaining("so every local user can read the key"),
    ]);
  });
});
