import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { ROOT, openDocument, spawnServer, within } from "../support/lspServer";

/**
 * A workspace is a clone anyone may have written. Whatever sits where the sibling
 * master.cf belongs, the server must keep answering in bounded time and memory,
 * say why it did not read the file, and never quote a file a link points outside to.
 */

const HOVER_BOUND_MS = 3_000;
const PEAK_RSS_BOUND_KB = 200 * 1024;
/** main.cf defines my_custom; a master.cf that was read references it. */
// A real restriction list, with compatibility_level (below level 1 smtpd has no relay control).
const MAIN =
  "my_custom = permit_mynetworks\nrelayhost = [mail.example.com]\ncompatibility_level = 3.6\n";
const MASTER = "smtp inet n - n - - smtpd -o smtpd_helo_restrictions=$my_custom\n";

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
});

/** VmRSS and VmHWM (peak) of a process, in kB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/**
 * Starts a server, opens `main.cf` of `dir` (or the URI given), and returns its
 * first diagnostics, a hover answered after them, the server's memory and whether
 * shutdown was answered. Every wait is bounded.
 */
async function openMain(
  dir: string,
  options: { uri?: string; initializationOptions?: unknown; workspaceFolders?: string[] } = {},
) {
  const { child, connection } = spawnServer();
  const uri = options.uri ?? pathToFileURL(join(dir, "main.cf")).href;
  try {
    const published = await openDocument(
      connection,
      { uri, languageId: "postfix-main", text: MAIN },
      {
        initialize: {
          initializationOptions: options.initializationOptions,
          workspaceFolders: (options.workspaceFolders ?? []).map((folder) => ({
            uri: pathToFileURL(folder).href,
            name: folder,
          })),
        },
        initializeMs: HOVER_BOUND_MS,
        diagnosticsMs: 10_000,
      },
    );
    const started = performance.now();
    const hover = (await within(
      connection.sendRequest("textDocument/hover", {
        textDocument: { uri },
        position: { line: 1, character: 3 },
      }),
      HOVER_BOUND_MS,
      "hover",
    )) as { contents: { value: string } } | null;
    const hoverMs = performance.now() - started;
    const memory = memoryOf(child.pid!);
    await within(connection.sendRequest("shutdown"), HOVER_BOUND_MS, "shutdown");
    return { published, hover, hoverMs, memory };
  } finally {
    connection.dispose();
    child.kill("SIGKILL");
  }
}

const codes = (params: PublishDiagnosticsParams) => params.diagnostics.map((d) => d.code);

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lsp-files-"));
  writeFileSync(join(dir, "main.cf"), MAIN);
  return dir;
}

/** Bounds every refused-sibling case shares; returns the sibling-not-read message. */
function expectRefusedInBounds(result: Awaited<ReturnType<typeof openMain>>): string {
  expect(result.hover?.contents.value).toContain("**relayhost**");
  expect(result.hoverMs).toBeLessThan(HOVER_BOUND_MS);
  expect(result.memory.peak).toBeLessThan(PEAK_RSS_BOUND_KB);
  // Without master.cf, my_custom looks unused.
  expect(codes(result.published)).toEqual(["sibling-not-read", "unknown-parameter"]);
  const notice = result.published.diagnostics[0];
  expect(notice.severity).toBe(3); // Information
  return notice.message as string;
}

describe("sibling files the server must not read", () => {
  it("reads a regular sibling master.cf (the cross-file check sees it)", async () => {
    const dir = configDir();
    writeFileSync(join(dir, "master.cf"), MASTER);
    const result = await openMain(dir);
    expect(codes(result.published)).toEqual([]);
    expect(result.memory.peak).toBeLessThan(PEAK_RSS_BOUND_KB);
  });

  it("does not open a FIFO sibling, keeps answering, and says why", async () => {
    const dir = configDir();
    execFileSync("mkfifo", [join(dir, "master.cf")]);
    const message = expectRefusedInBounds(await openMain(dir));
    expect(message).toMatch(/^The master\.cf beside this file was not read: it is a FIFO/);
  });

  for (const device of ["/dev/zero", "/dev/urandom"]) {
    it(`does not read a sibling linked to ${device}, even when links may leave`, async () => {
      const dir = configDir();
      symlinkSync(device, join(dir, "master.cf"));
      expect(expectRefusedInBounds(await openMain(dir))).toContain(
        `it is a symbolic link to ${device}, outside the configuration directory`,
      );
      const followed = await openMain(dir, {
        initializationOptions: { files: { followSymlinksOutside: true } },
      });
      expect(expectRefusedInBounds(followed)).toContain("it is a character device");
    });
  }

  it("does not read a 60 MB sibling", async () => {
    const dir = configDir();
    writeFileSync(join(dir, "master.cf"), MASTER.repeat(Math.ceil(60e6 / MASTER.length)));
    const message = expectRefusedInBounds(await openMain(dir));
    expect(message).toMatch(/it has 60,000,\d{3} bytes, over the limit of 10,000,000/);
  });

  it("does not read a 2 GB sparse sibling", async () => {
    const dir = configDir();
    execFileSync("truncate", ["-s", "2G", join(dir, "master.cf")]);
    const message = expectRefusedInBounds(await openMain(dir));
    expect(message).toContain("it has 2,147,483,648 bytes");
  });

  it("follows a link into a workspace folder, and not one leaving it; never quotes the target", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "lsp-workspace-"));
    const dir = join(workspace, "prod");
    mkdirSync(dir);
    writeFileSync(join(dir, "main.cf"), MAIN);
    writeFileSync(join(workspace, "common-master.cf"), MASTER);
    symlinkSync("../common-master.cf", join(dir, "master.cf"));
    expect(codes((await openMain(dir, { workspaceFolders: [workspace] })).published)).toEqual([]);

    const secret = join(mkdtempSync(join(tmpdir(), "lsp-secret-")), "shadow");
    writeFileSync(secret, "root:$y$j9T$secrethash:19000:0:99999:7:::\n");
    const leaking = configDir();
    symlinkSync(secret, join(leaking, "master.cf"));
    const result = await openMain(leaking, { workspaceFolders: [workspace] });
    const message = expectRefusedInBounds(result);
    expect(message).toContain("postfix.files.followSymlinksOutside");
    expect(JSON.stringify(result.published)).not.toContain("secrethash");
  });

  it("reads nothing from disk for a URI with a query or a fragment", async () => {
    const dir = configDir();
    writeFileSync(join(dir, "master.cf"), MASTER);
    for (const suffix of ["?ref=HEAD", "#L1"]) {
      const uri = pathToFileURL(join(dir, "main.cf")).href + suffix;
      const result = await openMain(dir, { uri });
      // master.cf was not read: main.cf is checked alone, and says so.
      expect(codes(result.published)).toEqual(["master-cf-missing", "unknown-parameter"]);
    }
  });
});
