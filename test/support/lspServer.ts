import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import {
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";

export const ROOT = join(__dirname, "../..");

/**
 * A `node dist/server.js --stdio` process and a connection to it (not listening
 * yet). `fsSpyLog` preloads test/support/fsSpy.mjs, which records every path the
 * server passes to the file system in that file.
 */
export function spawnServer(options: { fsSpyLog?: string } = {}): {
  child: ChildProcess;
  connection: MessageConnection;
} {
  const spy = options.fsSpyLog ? ["--import", join(ROOT, "test/support/fsSpy.mjs")] : [];
  const child = spawn("node", [...spy, join(ROOT, "dist/server.js"), "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: options.fsSpyLog ? { ...process.env, POSTFIX_FS_SPY_LOG: options.fsSpyLog } : process.env,
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  return { child, connection };
}

/** `promise`, or a rejection naming `what` when it has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms),
    ),
  ]);
}

/**
 * Starts listening on a spawned server's connection, initializes it (`initialize`
 * is merged into the usual parameters), opens one document and resolves with the
 * first diagnostics published for it. Every wait is bounded.
 */
export async function openDocument(
  connection: MessageConnection,
  document: { uri: string; languageId: string; text: string },
  options: { initialize?: object; initializeMs?: number; diagnosticsMs?: number } = {},
): Promise<PublishDiagnosticsParams> {
  const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) =>
    connection.onNotification(
      "textDocument/publishDiagnostics",
      (params: PublishDiagnosticsParams) => {
        if (params.uri === document.uri) resolve(params);
      },
    ),
  );
  connection.listen();
  await within(
    connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      ...options.initialize,
    }),
    options.initializeMs ?? 5_000,
    "initialize",
  );
  await connection.sendNotification("initialized", {});
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { ...document, version: 1 },
  });
  return within(diagnostics, options.diagnosticsMs ?? 20_000, "diagnostics");
}
