import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Message,
  type NotificationMessage,
  type ResponseMessage,
  StreamMessageReader,
} from "vscode-jsonrpc/node";

/**
 * The LSP lifecycle over raw bytes on the server's stdin: what is answered before
 * `initialize`, how `exit` ends the process, and that a corrupt stream ends it too
 * (so that the client notices and restarts the server) instead of leaving it deaf.
 */

const ROOT = join(__dirname, "../..");
/** A loaded machine starts node slowly; the server must exit well within this. */
const EXIT_WITHIN_MS = 20_000;

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
});

interface RawServer {
  child: ChildProcess;
  /** Everything the server sent, in order. */
  received: Message[];
  stderr: () => string;
  send: (message: object) => void;
  sendRaw: (bytes: string) => void;
  /** The response to request `id`, waiting for it. */
  response: (id: number) => Promise<ResponseMessage>;
  /** The exit status, or a rejection if the process is still running after the bound. */
  exited: () => Promise<number | null>;
}

function startServer(): RawServer {
  const child = spawn("node", [join(ROOT, "dist/server.js"), "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const received: Message[] = [];
  const listeners: (() => void)[] = [];
  new StreamMessageReader(child.stdout!).listen((message) => {
    received.push(message);
    for (const listener of listeners.splice(0)) listener();
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const status = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const sendRaw = (bytes: string) => void child.stdin!.write(bytes);
  return {
    child,
    received,
    stderr: () => stderr,
    sendRaw,
    send: (message) => {
      const body = JSON.stringify({ jsonrpc: "2.0", ...message });
      sendRaw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    response: (id) =>
      new Promise((resolve) => {
        const check = () => {
          const found = received.find((message) => (message as ResponseMessage).id === id);
          if (found) resolve(found as ResponseMessage);
          else listeners.push(check);
        };
        check();
      }),
    exited: () =>
      Promise.race([
        status,
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            child.kill();
            reject(new Error(`still running after ${EXIT_WITHIN_MS} ms`));
          }, EXIT_WITHIN_MS),
        ),
      ]),
  };
}

const INITIALIZE = {
  method: "initialize",
  params: { processId: null, rootUri: null, capabilities: {} },
};
const hoverParams = {
  textDocument: { uri: "file:///x/main.cf" },
  position: { line: 0, character: 0 },
};

describe("before initialize", () => {
  it("answers every request with ServerNotInitialized, drops notifications, then serves", async () => {
    const server = startServer();
    server.send({ id: 1, method: "textDocument/hover", params: hoverParams });
    server.send({ id: 2, method: "postfix/noSuchMethod" });
    server.send({ id: 3, method: "postfix/listParameters" });
    server.send({ id: 4, method: "shutdown" });
    server.send({
      method: "textDocument/didOpen",
      params: {
        textDocument: {
          uri: "file:///x/main.cf",
          languageId: "postfix-main",
          version: 1,
          text: "relayhost = a\n",
        },
      },
    });
    for (const id of [1, 2, 3, 4]) {
      const response = await server.response(id);
      expect(response.error?.code, `request ${id}`).toBe(-32002);
      expect(response.error?.message).toMatch(/^The server is not initialized: /);
      expect(response.result).toBeUndefined();
    }
    server.send({ id: 5, ...INITIALIZE });
    expect((await server.response(5)).result).toMatchObject({
      serverInfo: { name: "postfix-lsp" },
    });
    // The didOpen was dropped: the document is unknown, and a hover on it finds nothing.
    server.send({ id: 6, method: "textDocument/hover", params: hoverParams });
    expect(await server.response(6)).toMatchObject({ result: null });
    // The shutdown before initialize did not count: exit now means exit without shutdown.
    server.send({ method: "exit" });
    expect(await server.exited()).toBe(1);
  }, 60_000);
});

describe("exit", () => {
  it("exits 0 after shutdown", async () => {
    const server = startServer();
    server.send({ id: 1, ...INITIALIZE });
    await server.response(1);
    server.send({ id: 2, method: "shutdown" });
    expect(await server.response(2)).toMatchObject({ result: null });
    server.send({ method: "exit" });
    expect(await server.exited()).toBe(0);
  }, 60_000);

  it("exits 1 without shutdown", async () => {
    const server = startServer();
    server.send({ id: 1, ...INITIALIZE });
    await server.response(1);
    server.send({ method: "exit" });
    expect(await server.exited()).toBe(1);
  }, 60_000);

  it("exits 1 when the client closes the stream without shutdown, 0 after it", async () => {
    const abrupt = startServer();
    abrupt.send({ id: 1, ...INITIALIZE });
    await abrupt.response(1);
    abrupt.child.stdin!.end();
    expect(await abrupt.exited()).toBe(1);

    const orderly = startServer();
    orderly.send({ id: 1, ...INITIALIZE });
    await orderly.response(1);
    orderly.send({ id: 2, method: "shutdown" });
    await orderly.response(2);
    orderly.child.stdin!.end();
    expect(await orderly.exited()).toBe(0);
  }, 60_000);
});

describe("a corrupt stream", () => {
  /** An initialized server that then receives `bytes`. */
  async function corrupted(bytes: string, thenClose = false): Promise<RawServer> {
    const server = startServer();
    server.send({ id: 1, ...INITIALIZE });
    await server.response(1);
    server.sendRaw(bytes);
    if (thenClose) server.child.stdin!.end();
    return server;
  }

  it("ends the server when a header has no Content-Length", async () => {
    const server = await corrupted(
      'Content-Type: application/json\r\n\r\n{"jsonrpc":"2.0","id":2}',
    );
    expect(await server.exited()).toBe(1);
    expect(server.stderr()).toMatch(
      /the message stream is corrupt \(Header must provide a Content-Length/,
    );
  }, 60_000);

  it("ends the server when a Content-Length runs past the body into other bytes", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "shutdown" });
    const server = await corrupted(
      `Content-Length: ${body.length + 40}\r\n\r\n${body}${"garbage ".repeat(10)}`,
    );
    expect(await server.exited()).toBe(1);
    expect(server.stderr()).toContain("the message stream is corrupt");
  }, 60_000);

  it("ends the server when a Content-Length runs past the body to the end of the stream", async () => {
    const server = await corrupted('Content-Length: 5000\r\n\r\n{"jsonrpc":"2.0"}', true);
    expect(await server.exited()).toBe(1);
  }, 60_000);

  it("ends the server on a non-numeric Content-Length, and quotes at most a short piece of the headers", async () => {
    const server = await corrupted(`Content-Length: x\r\nX-Junk: ${"y".repeat(100_000)}\r\n\r\n{}`);
    expect(await server.exited()).toBe(1);
    expect(server.stderr()).toContain("the message stream is corrupt");
    expect(server.stderr().length).toBeLessThan(2000);
  }, 60_000);
});

describe("workspace trust", () => {
  /** The trust the server announced last, from its window/logMessage notifications. */
  const trustLogged = (server: RawServer) =>
    server.received
      .filter((message): message is NotificationMessage => Message.isNotification(message))
      .filter((message) => message.method === "window/logMessage")
      .map((message) => (message.params as { message: string }).message)
      .filter((text) => text.startsWith("postfix-lsp: the workspace is"))
      .map((text) => (text.includes("not trusted (restricted mode)") ? "restricted" : "trusted"));

  it("starts trusted for a client that says nothing", async () => {
    const server = startServer();
    server.send({ id: 1, ...INITIALIZE });
    await server.response(1);
    server.send({ id: 2, method: "shutdown" });
    await server.response(2);
    expect(trustLogged(server)).toEqual(["trusted"]);
    server.send({ method: "exit" });
    expect(await server.exited()).toBe(0);
  }, 60_000);

  it("takes the trust from initializationOptions and follows postfix/workspaceTrust", async () => {
    const server = startServer();
    server.send({
      id: 1,
      method: "initialize",
      params: { ...INITIALIZE.params, initializationOptions: { trusted: false } },
    });
    await server.response(1);
    expect(trustLogged(server)).toEqual(["restricted"]);
    server.send({ method: "initialized", params: {} });
    // Malformed notifications change nothing.
    server.send({ method: "postfix/workspaceTrust", params: { trusted: "yes" } });
    server.send({ method: "postfix/workspaceTrust" });
    server.send({ method: "postfix/workspaceTrust", params: { trusted: true } });
    // A request after the notifications: answered only once they have been handled.
    server.send({ id: 2, method: "shutdown" });
    await server.response(2);
    expect(trustLogged(server)).toEqual(["restricted", "trusted"]);
    server.send({ method: "exit" });
    expect(await server.exited()).toBe(0);
  }, 60_000);
});
