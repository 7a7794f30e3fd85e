import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { ROOT, spawnServer } from "../support/lspServer";

/**
 * The host's Postfix over real JSON-RPC: the release the server detects and
 * announces, that only the user's own settings choose the postconf program, and
 * "Check with postconf" on an unsaved buffer with Debian's real postconf.
 */

const REAL_POSTCONF = "/usr/sbin/postconf";
const HAVE_POSTCONF = existsSync(REAL_POSTCONF);

let dir: string;
/** Every argument list any fake postconf was run with, one per line, in `calls`. */
let calls: string;

/** A root-owned fake postconf in a private directory that logs its arguments. */
function fakePostconf(name: string, output: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> ${calls}\necho ${output}\n`);
  chmodSync(path, 0o755);
  return path;
}

function fakeCalls(): string[] {
  return existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : [];
}

interface Session {
  connection: MessageConnection;
  /** The postfix/release notifications received so far. */
  releases: { line: string; release: string; origin: string; description: string }[];
  diagnostics: (uri: string, matches: (list: Diagnostic[]) => boolean) => Promise<Diagnostic[]>;
  logs: string[];
  stop: () => Promise<void>;
}

/**
 * Starts a server with these initializationOptions; the settings section the
 * workspace returns for workspace/configuration is `workspaceSettings`.
 */
async function start(initializationOptions: object, workspaceSettings: object): Promise<Session> {
  const { child, connection } = spawnServer();
  const releases: Session["releases"] = [];
  const published = new Map<string, Diagnostic[]>();
  const logs: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((waiter) => waiter());
  connection.onNotification("postfix/release", (release) => {
    releases.push(release);
    wake();
  });
  connection.onNotification("window/logMessage", ({ message }) => {
    logs.push(message);
  });
  connection.onNotification(
    "textDocument/publishDiagnostics",
    (params: PublishDiagnosticsParams) => {
      published.set(params.uri, params.diagnostics);
      wake();
    },
  );
  connection.onRequest("workspace/configuration", (params: { items: unknown[] }) =>
    params.items.map(() => workspaceSettings),
  );
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true } },
    initializationOptions,
  });
  await connection.sendNotification("initialized", {});
  const diagnostics = (uri: string, matches: (list: Diagnostic[]) => boolean) =>
    new Promise<Diagnostic[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching diagnostics for ${uri}`)),
        15_000,
      );
      const check = () => {
        const list = published.get(uri);
        if (list && matches(list)) {
          clearTimeout(timer);
          resolve(list);
        } else waiters.push(check);
      };
      check();
    });
  return {
    connection,
    releases,
    diagnostics,
    logs,
    stop: async () => {
      await connection.sendRequest("shutdown").catch(() => undefined);
      await connection.sendNotification("exit").catch(() => undefined);
      connection.dispose();
      child.kill();
    },
  };
}

/** Waits until the server has announced a release, and returns the last one. */
async function announced(session: Session) {
  for (let i = 0; i < 300 && session.releases.length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return session.releases.at(-1);
}

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), "postfix-lsp-postconf-lsp-"));
  calls = join(dir, "calls");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("release detection in the server", () => {
  it("announces the release postconf reports and shows it in the hover's default", async () => {
    const postconf = fakePostconf("postconf-39", "3.9.1");
    const session = await start({ trusted: true, postconfPath: postconf }, {});
    try {
      expect(await announced(session)).toMatchObject({
        line: "3.9",
        release: "3.9.1",
        origin: "postconf",
        description: "3.9.1, detected on this host",
      });
      const uri = pathToFileURL(join(dir, "hover", "main.cf")).href;
      await session.connection.sendNotification("textDocument/didOpen", {
        textDocument: {
          uri,
          languageId: "postfix-main",
          version: 1,
          text: "smtp_tls_loglevel = 1\n",
        },
      });
      const hover = (await session.connection.sendRequest("textDocument/hover", {
        textDocument: { uri },
        position: { line: 0, character: 3 },
      })) as { contents: { value: string } };
      expect(hover.contents.value).toContain(
        "**Default** in Postfix 3.9 (3.9.1, detected on this host):",
      );
    } finally {
      await session.stop();
    }
  });

  it("runs no program in an untrusted workspace, and asks postconf once trust is granted", async () => {
    const postconf = fakePostconf("postconf-untrusted", "3.9.1");
    const session = await start({ trusted: false, postconfPath: postconf }, {});
    try {
      const release = await announced(session);
      expect(release?.origin).not.toBe("postconf");
      const check = await session.connection.sendRequest("postfix/checkWithPostconf", {
        uri: pathToFileURL(join(dir, "untrusted", "main.cf")).href,
      });
      expect(check).toMatchObject({ ok: false, message: expect.stringMatching(/untrusted/) });
      expect(fakeCalls().filter((call) => call.startsWith("postconf-untrusted"))).toEqual([]);
      // Once the user trusts the workspace, postconf is asked.
      await session.connection.sendNotification("postfix/workspaceTrust", { trusted: true });
      for (let i = 0; i < 300 && session.releases.at(-1)?.origin !== "postconf"; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(session.releases.at(-1)).toMatchObject({ release: "3.9.1", origin: "postconf" });
    } finally {
      await session.stop();
    }
  });

  it("uses postfix.version when it is set, with its patch level", async () => {
    const postconf = fakePostconf("postconf-unused", "3.9.1");
    const session = await start({ trusted: true, postconfPath: postconf }, { version: "3.6.4" });
    try {
      await announced(session);
      // The settings arrive after initialization: wait for their announcement.
      for (let i = 0; i < 300 && session.releases.at(-1)?.origin !== "setting"; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(session.releases.at(-1)).toMatchObject({
        line: "3.6",
        release: "3.6.4",
        origin: "setting",
      });
    } finally {
      await session.stop();
    }
  });
});

describe("a workspace setting never chooses the program or its arguments", () => {
  it("ignores a postconf path and arguments in the workspace's settings", async () => {
    const user = fakePostconf("postconf-user", "3.9.1");
    const planted = fakePostconf("postconf-planted", "3.8.0");
    const workspace = {
      version: "auto",
      postconfPath: planted,
      postconf: { path: planted, args: ["-e", "x=y"], checkOnSave: true },
    };
    const session = await start({ trusted: true, postconfPath: user }, workspace);
    try {
      expect((await announced(session))?.release).toBe("3.9.1");
      const uri = pathToFileURL(join(dir, "planted", "main.cf")).href;
      await session.connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text: "myhostname = a\n" },
      });
      await session.connection.sendNotification("workspace/didChangeConfiguration", {
        settings: { postfix: workspace },
      });
      expect(
        await session.connection.sendRequest("postfix/checkWithPostconf", { uri }),
      ).toMatchObject({ ok: true });
      // The workspace turned checkOnSave on: a save runs the user's postconf -n and -M again.
      await session.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
      const userRuns = () => fakeCalls().filter((call) => call.startsWith("postconf-user "));
      for (let i = 0; i < 500 && userRuns().length < 5; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const runs = fakeCalls();
      expect(runs.some((call) => call.startsWith("postconf-planted"))).toBe(false);
      // The user's program ran with the server's fixed argument lists only.
      expect(userRuns()).toHaveLength(5);
      for (const call of userRuns()) {
        expect(call).toMatch(
          /^postconf-user (-d -h mail_version|-c \/\S+\/postfix-lsp-check-\w+ -[nM])$/,
        );
      }
    } finally {
      await session.stop();
    }
  });
});

describe.runIf(HAVE_POSTCONF)("Check with postconf, with Debian's postconf", () => {
  const MAIN = [
    "# unsaved buffer",
    "myhostname = a.example",
    "foo_bar = 1",
    "myhostname = b.example",
    "relayhost = $no_such_thing",
    "",
  ].join("\n");

  it("puts postconf's warnings on the lines of the unsaved buffer, marked as postconf's", async () => {
    const session = await start({ trusted: true, postconfPath: REAL_POSTCONF }, {});
    try {
      const configDir = mkdtempSync(join(dir, "config-"));
      writeFileSync(join(configDir, "main.cf"), "# the saved file differs\n");
      writeFileSync(
        join(configDir, "master.cf"),
        "smtp inet n - y - - smtpd\n  -o bogus_param=1\n",
      );
      const uri = pathToFileURL(join(configDir, "main.cf")).href;
      await session.connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text: MAIN },
      });
      const result = await session.connection.sendRequest("postfix/checkWithPostconf", { uri });
      expect(result).toMatchObject({ ok: true, findings: 4 });
      const fromPostconf = (list: Diagnostic[]) => list.filter((d) => d.source === "postconf");
      const diagnostics = fromPostconf(
        await session.diagnostics(uri, (list) => fromPostconf(list).length > 0),
      );
      expect(
        diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message]),
      ).toEqual([
        [3, 0, "postconf warning: main.cf, line 4: overriding earlier entry: myhostname=a.example"],
        [4, 12, "postconf warning: main.cf: undefined parameter: no_such_thing"],
        [2, 0, "postconf warning: main.cf: unused parameter: foo_bar=1"],
      ]);
      // master.cf is not open: its finding goes to the log.
      expect(session.logs.join("\n")).toContain(
        "master.cf (not open) line 2: postconf warning: master.cf: unused parameter: bogus_param=1",
      );
      // An edit makes the findings stale: they go.
      await session.connection.sendNotification("textDocument/didChange", {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: "myhostname = a.example\n" }],
      });
      await session.diagnostics(uri, (list) => fromPostconf(list).length === 0);
    } finally {
      await session.stop();
    }
  });

  it("logs where postconf reports a line that postfix-lsp does not", async () => {
    const session = await start({ trusted: true, postconfPath: REAL_POSTCONF }, {});
    try {
      const configDir = mkdtempSync(join(dir, "disagree-"));
      const uri = pathToFileURL(join(configDir, "main.cf")).href;
      const text =
        "config_directory = /etc/postfix\nvirtual_alias_maps = pgsql:/nonexistent/pg.cf\n";
      await session.connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text },
      });
      const result = await session.connection.sendRequest("postfix/checkWithPostconf", { uri });
      // Only the table's missing client file: the config_directory override is the check's own.
      expect(result).toMatchObject({ ok: true, findings: 1 });
      expect(session.logs.join("\n")).toContain(
        'postconf and postfix-lsp disagree on main.cf line 2: postconf warning: open "pgsql" configuration "/nonexistent/pg.cf": No such file or directory; postfix-lsp reports nothing there.',
      );
    } finally {
      await session.stop();
    }
  });

  it("checks on save when postfix.postconf.checkOnSave is on", async () => {
    const session = await start(
      { trusted: true, postconfPath: REAL_POSTCONF },
      { postconf: { checkOnSave: true } },
    );
    try {
      const configDir = mkdtempSync(join(dir, "save-"));
      const uri = pathToFileURL(join(configDir, "main.cf")).href;
      await session.connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text: "foo_bar = 1\n" },
      });
      await announced(session);
      await session.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
      const diagnostics = await session.diagnostics(uri, (list) =>
        list.some((d) => d.source === "postconf"),
      );
      expect(diagnostics.find((d) => d.source === "postconf")).toMatchObject({
        message: "postconf warning: main.cf: unused parameter: foo_bar=1",
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } },
        severity: 2,
      });
    } finally {
      await session.stop();
    }
  });
});
