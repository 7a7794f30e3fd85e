import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CancellationTokenSource,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";

/** Abuse of the protocol must never stop the server: it answers or errors cleanly. */

const ROOT = join(__dirname, "../..");
let server: ChildProcess;
let connection: MessageConnection;
let exits = 0;

beforeAll(async () => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
  server = spawn("node", [join(ROOT, "dist/server.js"), "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  server.on("exit", () => exits++);
  connection = createMessageConnection(
    new StreamMessageReader(server.stdout!),
    new StreamMessageWriter(server.stdin!),
  );
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
  });
  await connection.sendNotification("initialized", {});
});

afterAll(() => {
  connection.dispose();
  server.kill();
});

const uri = "file:///abuse/main.cf";
const hover = (position: { line: number; character: number }, target = uri) =>
  connection.sendRequest("textDocument/hover", { textDocument: { uri: target }, position });

describe("protocol abuse", () => {
  it("survives out-of-range and overlapping edits and keeps answering", async () => {
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "postfix-main", version: 1, text: "myhostname = a\n" },
    });
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: 99, character: 99 }, end: { line: 120, character: 0 } },
          text: "x",
        },
        { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 2 } }, text: "y" },
        {
          range: { start: { line: -1, character: -5 }, end: { line: 0, character: 3 } },
          text: "smtpd_tls_",
        },
      ],
    });
    const result = await hover({ line: 0, character: 2 });
    expect(result === null || typeof result === "object").toBe(true);
  });

  it("answers requests for unopened and closed documents with nothing", async () => {
    expect(await hover({ line: 0, character: 0 }, "file:///never/opened/main.cf")).toBeNull();
    await connection.sendNotification("textDocument/didClose", {
      textDocument: { uri: "file:///never/opened/main.cf" },
    });
    expect(
      await connection.sendRequest("textDocument/completion", {
        textDocument: { uri: "file:///never/opened/main.cf" },
        position: { line: 0, character: 0 },
      }),
    ).toBeNull();
  });

  it("answers unknown methods with an error and keeps serving", async () => {
    await expect(connection.sendRequest("postfix/noSuchMethod", {})).rejects.toMatchObject({
      code: -32601,
    });
    expect(await hover({ line: 0, character: 0 })).not.toBeUndefined();
  });

  it("handles cancellation mid-request", async () => {
    const source = new CancellationTokenSource();
    const pending = connection
      .sendRequest(
        "textDocument/completion",
        { textDocument: { uri }, position: { line: 0, character: 0 } },
        source.token,
      )
      .catch((error: unknown) => error);
    source.cancel();
    await pending;
    expect(await hover({ line: 0, character: 0 })).not.toBeUndefined();
  });

  it("takes a burst of 1,000 edits and still agrees with the text", async () => {
    const burst = "file:///abuse/burst/main.cf";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: burst, languageId: "postfix-main", version: 1, text: "" },
    });
    for (let i = 0; i < 1000; i++) {
      void connection.sendNotification("textDocument/didChange", {
        textDocument: { uri: burst, version: i + 2 },
        contentChanges: [
          {
            range: { start: { line: i, character: 0 }, end: { line: i, character: 0 } },
            text: "relayhost = a\n",
          },
        ],
      });
    }
    const result = (await connection.sendRequest("textDocument/hover", {
      textDocument: { uri: burst },
      position: { line: 999, character: 2 },
    })) as { contents: { value: string } } | null;
    expect(result?.contents.value).toContain("**relayhost**");
  });

  it("does not analyse a 50 MB document, and says so", async () => {
    const huge = "file:///abuse/huge/main.cf";
    const published = new Promise<{ diagnostics: { code: string }[] }>((resolve) => {
      connection.onNotification(
        "textDocument/publishDiagnostics",
        (params: { uri: string; diagnostics: { code: string }[] }) => {
          if (params.uri === huge) resolve(params);
        },
      );
    });
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri: huge,
        languageId: "postfix-main",
        version: 1,
        text: "relayhost = a\n".repeat(3_600_000),
      },
    });
    expect((await published).diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
    expect(await hover({ line: 0, character: 2 }, huge)).toBeNull();
  }, 120_000);

  it("never exits", () => {
    expect(exits).toBe(0);
    expect(server.exitCode).toBeNull();
  });
});
