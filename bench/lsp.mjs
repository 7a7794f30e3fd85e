// A minimal LSP client over stdio for the benchmarks: starts `node dist/server.js
// --stdio` as an editor would, and reads the server's memory from /proc.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import jsonrpc from "vscode-jsonrpc/node";

const { StreamMessageReader, StreamMessageWriter, createMessageConnection } = jsonrpc;

/** Starts a server process and completes the initialize handshake. */
export async function startServer(serverPath) {
  const child = spawn(process.execPath, [serverPath, "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    if (stderr.length < 10_000) stderr += chunk;
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  /** Diagnostics arrival times by uri, then by document version. */
  const published = new Map();
  const waiters = [];
  connection.onNotification("textDocument/publishDiagnostics", (params) => {
    const at = performance.now();
    const byVersion = published.get(params.uri) ?? new Map();
    published.set(params.uri, byVersion);
    byVersion.set(params.version, { at, count: params.diagnostics.length });
    for (const waiter of waiters.splice(0)) waiter();
  });
  connection.onNotification("window/logMessage", () => undefined);
  connection.onRequest("workspace/configuration", (params) => params.items.map(() => null));
  connection.onRequest("client/registerCapability", () => null);
  connection.listen();

  const result = await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: {
        synchronization: { dynamicRegistration: false },
        hover: { contentFormat: ["markdown", "plaintext"] },
        // As VS Code declares it: documentation comes per item, on completionItem/resolve,
        // and a list may give one edit range for all its items.
        completion: {
          completionItem: {
            snippetSupport: true,
            resolveSupport: { properties: ["documentation", "detail", "additionalTextEdits"] },
          },
          completionList: {
            itemDefaults: ["commitCharacters", "editRange", "insertTextFormat", "insertTextMode"],
          },
        },
        publishDiagnostics: { versionSupport: true },
        // vscode-languageclient's own value: VS Code shows at most 5,000 folding ranges.
        foldingRange: { rangeLimit: 5000, lineFoldingOnly: true },
      },
    },
  });
  await connection.sendNotification("initialized", {});

  return {
    pid: child.pid,
    capabilities: result.capabilities,
    connection,
    get stderr() {
      return stderr;
    },
    /** Resolves with the arrival time of the diagnostics for `version` of `uri`. */
    diagnostics(uri, version, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no diagnostics for ${uri} version ${version}`)),
          timeoutMs,
        );
        const check = () => {
          const hit = published.get(uri)?.get(version);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    /** VmRSS and VmHWM (peak) of the server process, in MiB. */
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)[1]);
      return { rssMiB: field("VmRSS") / 1024, peakMiB: field("VmHWM") / 1024 };
    },
    async stop() {
      await connection.sendRequest("shutdown").catch(() => undefined);
      await connection.sendNotification("exit").catch(() => undefined);
      connection.dispose();
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => {
          child.kill();
          resolve();
        }, 2000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
