import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import type { ExampleHostFile } from "../../server/src/service/hostFiles";
import { bytesOf } from "../support/certificates";
import { ROOT, openDocument, spawnServer, within } from "../support/lspServer";

/**
 * Certificate checks over real JSON-RPC, on real files made at test time: in a
 * trusted workspace every diagnostic of the family; in an untrusted one a single
 * information diagnostic and no file opened or even stat'ed (a spy preloaded into
 * the server records every path it hands to the file system). Hostile paths
 * (FIFO, device, 2 GB sparse file, directory, link loop) never block the server.
 */

const ANSWER_BOUND_MS = 1_000;
const PEAK_RSS_BOUND_KB = 200 * 1024;

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
});

const OLD = Date.now() / 1000 - 30 * 24 * 3600;

/** Writes example files into `dir` (changed 30 days ago unless said otherwise). */
function writeFiles(dir: string, files: Record<string, ExampleHostFile>): void {
  for (const [name, file] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, bytesOf(file));
    chmodSync(path, file.mode ?? 0o600);
    if (file.changedHoursAgo === undefined) utimesSync(path, OLD, OLD);
  }
}

/** One service per case, each naming its files with -o, so that every finding has its line. */
const CASES: { code: string; files: Record<string, ExampleHostFile>; option: string }[] = [
  {
    code: "certificate-expired",
    files: {
      "expired.pem": { about: "", objects: [{ key: "a" }, { cert: "a", days: [-90, -2] }] },
    },
    option: "smtpd_tls_chain_files=$dir/expired.pem",
  },
  {
    code: "certificate-expiring",
    files: { "soon.pem": { about: "", objects: [{ key: "b" }, { cert: "b", days: [-80, 4] }] } },
    option: "smtpd_tls_chain_files=$dir/soon.pem",
  },
  {
    code: "tls-key-mismatch",
    files: {
      "c-cert.pem": { about: "", objects: [{ cert: "c" }] },
      "c-key.pem": { about: "", objects: [{ key: "other" }] },
    },
    option: "smtpd_tls_cert_file=$dir/c-cert.pem -o smtpd_tls_key_file=$dir/c-key.pem",
  },
  {
    code: "tls-chain-order",
    files: { "order.pem": { about: "", objects: [{ cert: "d", issuer: "ca" }, { key: "d" }] } },
    option: "smtpd_tls_chain_files=$dir/order.pem",
  },
  {
    code: "tls-chain-incomplete",
    files: { "leaf-only.pem": { about: "", objects: [{ key: "e" }, { cert: "e", issuer: "ca" }] } },
    option: "smtpd_tls_chain_files=$dir/leaf-only.pem",
  },
  {
    code: "tls-key-encrypted",
    files: {
      "f-cert.pem": { about: "", objects: [{ cert: "f" }] },
      "f-key.pem": { about: "", objects: [{ key: "f", encrypted: true }] },
    },
    option: "smtpd_tls_cert_file=$dir/f-cert.pem -o smtpd_tls_key_file=$dir/f-key.pem",
  },
  {
    code: "tls-file-content",
    files: { "g.csr": { about: "", objects: [{ csr: "g" }] } },
    option: "smtpd_tls_cert_file=$dir/g.csr -o smtpd_tls_key_file=$dir/f-key.pem",
  },
  {
    code: "certificate-weak",
    files: { "weak.pem": { about: "", objects: [{ key: "rsa1024" }, { cert: "rsa1024" }] } },
    option: "smtpd_tls_chain_files=$dir/weak.pem",
  },
  {
    code: "certificate-reload",
    files: {
      "fresh.pem": { about: "", changedHoursAgo: 0, objects: [{ key: "h" }, { cert: "h" }] },
    },
    option: "smtpd_tls_chain_files=$dir/fresh.pem",
  },
  {
    code: "certificate-hostname",
    files: {
      "www.pem": { about: "", objects: [{ key: "i" }, { cert: "i", names: ["www.example.com"] }] },
    },
    option: "smtpd_tls_chain_files=$dir/www.pem",
  },
  {
    code: "tls-key-permissions",
    files: { "open.pem": { about: "", mode: 0o644, objects: [{ key: "j" }, { cert: "j" }] } },
    option: "smtpd_tls_chain_files=$dir/open.pem",
  },
  {
    code: "tls-file-unreadable",
    files: {},
    option: "smtpd_tls_chain_files=$dir/gone.pem",
  },
  {
    code: "tls-ca-file",
    files: { "ca-bundle.pem": { about: "", objects: [{ key: "k" }] } },
    option: "smtp_tls_CAfile=$dir/ca-bundle.pem",
  },
  {
    code: "tls-ca-no-authority",
    files: {
      "peer-cert.pem": { about: "", objects: [{ cert: "peer.example.com", issuer: "ca" }] },
    },
    option: "smtp_tls_CAfile=$dir/peer-cert.pem",
  },
  {
    code: "tls-file-relative",
    files: {},
    option: "smtpd_tls_chain_files=relative/mail.pem",
  },
];

function certificateDir(): { dir: string; main: string; master: string } {
  const dir = mkdtempSync(join(tmpdir(), "lsp-certs-"));
  for (const { files } of CASES) writeFiles(dir, files);
  const main = `myhostname = mail.example.com\ndir = ${dir}\n`;
  const master = CASES.map(
    ({ option }, index) => `s${index} unix - - n - - smtpd -o ${option}\n`,
  ).join("");
  writeFileSync(join(dir, "main.cf"), main);
  writeFileSync(join(dir, "master.cf"), master);
  return { dir, main, master };
}

/** Opens master.cf of `dir` and returns its first diagnostics and a certificate hover. */
async function openMaster(
  dir: string,
  master: string,
  options: {
    trusted?: boolean;
    fsSpyLog?: string;
    hoverAt?: { line: number; character: number };
  } = {},
) {
  const { child, connection } = spawnServer({ fsSpyLog: options.fsSpyLog });
  const uri = pathToFileURL(join(dir, "master.cf")).href;
  try {
    const published = await openDocument(
      connection,
      { uri, languageId: "postfix-master", text: master },
      {
        initialize: {
          initializationOptions:
            options.trusted === undefined ? undefined : { trusted: options.trusted },
        },
      },
    );
    let hover: string | undefined;
    let hoverMs = 0;
    if (options.hoverAt) {
      const started = performance.now();
      const answer = (await within(
        connection.sendRequest("textDocument/hover", {
          textDocument: { uri },
          position: options.hoverAt,
        }),
        ANSWER_BOUND_MS,
        "hover",
      )) as { contents: { value: string } } | null;
      hoverMs = performance.now() - started;
      hover = answer?.contents.value;
    }
    const tlsa = (await within(
      connection.sendRequest("postfix/tlsaRecords", { uri }),
      5_000,
      "tlsaRecords",
    )) as { records: { record: string }[]; note: string };
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const peakKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]);
    return { published, hover, hoverMs, tlsa, peakKb };
  } finally {
    connection.dispose();
    child.kill("SIGKILL");
  }
}

const codesOf = (diagnostics: Diagnostic[]) => diagnostics.map((d) => String(d.code));

describe("certificate checks over LSP", () => {
  it("report every certificate diagnostic in a trusted workspace, each on its service's line", async () => {
    const { dir, master } = certificateDir();
    const spyLog = join(dir, "..", `${dir.split("/").pop()}-spy.log`);
    const result = await openMaster(dir, master, { fsSpyLog: spyLog });
    const diagnostics = result.published.diagnostics;
    CASES.forEach(({ code }, line) => {
      const onLine = diagnostics.filter((d) => d.range.start.line === line).map((d) => d.code);
      expect(onLine, `line ${line}`).toContain(code);
    });
    expect(codesOf(diagnostics)).not.toContain("host-files-not-checked");
    // The spy sees the certificate reads (the control for the untrusted case below).
    expect(readFileSync(spyLog, "utf8")).toContain(join(dir, "expired.pem"));
    expect(result.tlsa.records.length).toBeGreaterThan(5);
    expect(result.tlsa.records[0].record).toMatch(
      /^_25\._tcp\.mail\.example\.com\. IN TLSA 3 1 1 [0-9a-f]{64}$/,
    );
  });

  it("in an untrusted workspace: one information diagnostic, no certificate opened or stat'ed", async () => {
    const { dir, master } = certificateDir();
    const spyLog = join(dir, "..", `${dir.split("/").pop()}-spy.log`);
    writeFileSync(spyLog, "");
    const result = await openMaster(dir, master, { trusted: false, fsSpyLog: spyLog });
    const fileChecks = result.published.diagnostics.filter(
      (d) => d.code === "host-files-not-checked",
    );
    expect(fileChecks).toHaveLength(1);
    expect(fileChecks[0].severity).toBe(3);
    expect(fileChecks[0].message).toMatch(
      /^The \d+ files this configuration names .* were not checked, because the workspace is not trusted\./,
    );
    expect(
      codesOf(result.published.diagnostics).filter((code) => /^(tls-|certificate-)/.test(code)),
    ).toEqual([]);
    const touched = readFileSync(spyLog, "utf8")
      .split("\n")
      .filter((line) => line.includes(dir) && !/\/(main|master)\.cf$/.test(line));
    expect(touched).toEqual([]);
    expect(result.tlsa.records).toEqual([]);
  });
});

describe("Insert fingerprint", () => {
  it("is offered on smtp_tls_fingerprint_cert_match and in match= of a fingerprint policy, with openssl's fingerprint in the configured digest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lsp-fingerprint-"));
    writeFiles(dir, { "peer.pem": { about: "", objects: [{ cert: "peer" }] } });
    const policy =
      "smtp_tls_policy_maps = inline:{ {[mx.example.com]:25 = fingerprint match=AB:CD} }";
    const text = `smtp_tls_fingerprint_digest = sha1\nsmtp_tls_fingerprint_cert_match = \n${policy}\n`;
    writeFileSync(join(dir, "main.cf"), text);
    const uri = pathToFileURL(join(dir, "main.cf")).href;
    const { child, connection } = spawnServer();
    connection.listen();
    try {
      await connection.sendRequest("initialize", {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
      });
      await connection.sendNotification("initialized", {});
      await connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text },
      });
      const at = (line: number, character: number) =>
        connection.sendRequest("textDocument/codeAction", {
          textDocument: { uri },
          range: { start: { line, character }, end: { line, character } },
          context: { diagnostics: [] },
        }) as Promise<{ title: string; command?: { command: string; arguments: unknown[] } }[]>;
      const offered = (await at(1, 34)).find(
        (action) => action.command?.command === "postfix.insertFingerprint",
      );
      expect(offered?.title).toBe("Insert fingerprint from a certificate file…");
      expect(
        (await at(0, 31)).some((action) => action.command?.command === "postfix.insertFingerprint"),
      ).toBe(false);
      const answer = await connection.sendRequest("postfix/fingerprint", {
        ...(offered!.command!.arguments[0] as object),
        path: join(dir, "peer.pem"),
      });
      const expected = execFileSync(
        "openssl",
        ["x509", "-in", join(dir, "peer.pem"), "-noout", "-fingerprint", "-sha1"],
        {
          encoding: "utf8",
        },
      )
        .trim()
        .split("=")[1];
      expect(answer).toEqual({ fingerprint: expected });
      // In match= of a fingerprint policy: after the fingerprint there, with "|" before the new one.
      const inPolicy = (await at(2, policy.indexOf("AB:CD") + 2)).find(
        (action) => action.command?.command === "postfix.insertFingerprint",
      );
      expect(inPolicy?.command?.arguments[0]).toMatchObject({
        position: { line: 2, character: policy.indexOf("AB:CD") + 5 },
        separator: "|",
        digestParameter: "smtp_tls_fingerprint_digest",
      });
      expect(
        await connection.sendRequest("postfix/fingerprint", {
          ...(inPolicy!.command!.arguments[0] as object),
          path: join(dir, "peer.pem"),
        }),
      ).toEqual({ fingerprint: expected });
    } finally {
      connection.dispose();
      child.kill("SIGKILL");
    }
  });
});

describe("watching the files", () => {
  it("checks again when a renewal replaces a certificate, without an edit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lsp-watch-"));
    const valid: ExampleHostFile = { about: "", objects: [{ key: "w" }, { cert: "w" }] };
    writeFiles(dir, { "mail.pem": valid });
    writeFileSync(join(dir, "main.cf"), "");
    const uri = pathToFileURL(join(dir, "main.cf")).href;
    const { child, connection } = spawnServer();
    const published: PublishDiagnosticsParams[] = [];
    let notify = () => undefined as void;
    connection.onNotification(
      "textDocument/publishDiagnostics",
      (params: PublishDiagnosticsParams) => {
        if (params.uri !== uri) return;
        published.push(params);
        notify();
      },
    );
    const next = (count: number) =>
      within(
        new Promise<void>((resolve) => {
          notify = () => (published.length >= count ? resolve() : undefined);
          notify();
        }),
        10_000,
        `diagnostics #${count}`,
      );
    connection.listen();
    try {
      await connection.sendRequest("initialize", {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
      });
      await connection.sendNotification("initialized", {});
      await connection.sendNotification("textDocument/didOpen", {
        textDocument: {
          uri,
          languageId: "postfix-main",
          version: 1,
          text: `smtpd_tls_chain_files = ${join(dir, "mail.pem")}\n`,
        },
      });
      await next(1);
      expect(codesOf(published[0].diagnostics)).not.toContain("certificate-expired");
      // A renewal gone wrong: a new file (an expired certificate) renamed over the old one.
      writeFiles(dir, {
        "mail.pem.new": { about: "", objects: [{ key: "w" }, { cert: "w", days: [-60, -1] }] },
      });
      renameSync(join(dir, "mail.pem.new"), join(dir, "mail.pem"));
      await within(
        (async () => {
          while (!published.some((p) => codesOf(p.diagnostics).includes("certificate-expired"))) {
            await next(published.length + 1);
          }
        })(),
        10_000,
        "a check after the change",
      );
    } finally {
      connection.dispose();
      child.kill("SIGKILL");
    }
  });
});

describe("hostile certificate paths", () => {
  it("never block: FIFO, /dev/zero, 2 GB sparse file, directory, link loop; hover within 1 s", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lsp-hostile-"));
    execFileSync("mkfifo", [join(dir, "fifo.pem")]);
    execFileSync("truncate", ["-s", "2G", join(dir, "sparse.pem")]);
    mkdirSync(join(dir, "directory.pem"));
    symlinkSync(join(dir, "loop.pem"), join(dir, "loop.pem"));
    const paths = [
      join(dir, "fifo.pem"),
      "/dev/zero",
      join(dir, "sparse.pem"),
      join(dir, "directory.pem"),
      join(dir, "loop.pem"),
    ];
    writeFileSync(join(dir, "main.cf"), "myhostname = mail.example.com\n");
    const master = paths
      .map((path, index) => `h${index} unix - - n - - smtpd -o smtpd_tls_chain_files=${path}\n`)
      .join("");
    const result = await openMaster(dir, master, {
      hoverAt: { line: 0, character: 60 },
    });
    const messages = result.published.diagnostics
      .filter((d) => d.code === "tls-file-unreadable")
      .map((d) => d.message);
    expect(messages).toEqual([
      expect.stringContaining("which is a FIFO (named pipe)"),
      expect.stringContaining("which is a character device"),
      expect.stringContaining("which has 2,147,483,648 bytes, over the limit of 1,048,576"),
      expect.stringContaining("which is a directory"),
      expect.stringContaining("which is a symbolic link that loops"),
    ]);
    expect(result.hover).toMatch(/fifo\.pem\*\* is a FIFO/);
    expect(result.hoverMs).toBeLessThan(ANSWER_BOUND_MS);
    expect(result.peakKb).toBeLessThan(PEAK_RSS_BOUND_KB);
  });
});
