// Client activation without VS Code: loads dist/client.js in a fresh process with a
// stand-in for the `vscode` module (a recursive Proxy: every API is a no-op that
// returns another stand-in), then awaits activate(), which forks dist/server.js
// over IPC and resolves once the server has answered `initialize`. Prints JSON.
// What it leaves out: VS Code's own extension-host work (reading the manifest,
// the activation event, real output channels and document sync).
import Module, { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const root = process.argv[2];
const load = createRequire(import.meta.url);

const values = {
  "vscode.version": "1.95.0",
  "vscode.workspace.workspaceFolders": undefined,
  "vscode.workspace.textDocuments": [],
  "vscode.workspace.notebookDocuments": [],
  "vscode.window.visibleTextEditors": [],
  "vscode.window.activeTextEditor": undefined,
  "vscode.env.appName": "bench",
  "vscode.env.language": "en",
  "vscode.env.machineId": "bench",
  "vscode.env.sessionId": "bench",
  "vscode.env.uiKind": 1,
};

function standIn(name) {
  const cache = new Map();
  return new Proxy(function () {}, {
    get(_target, property) {
      if (property === "then" || property === Symbol.iterator) return undefined;
      if (property === Symbol.toPrimitive || property === "toString") return () => name;
      const key = `${name}.${String(property)}`;
      if (key in values) return values[key];
      if (!cache.has(property)) cache.set(property, standIn(key));
      return cache.get(property);
    },
    // The client sets properties (a status bar item's name): keep them.
    set(_target, property, value) {
      cache.set(property, value);
      return true;
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}

const vscode = standIn("vscode");
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : originalLoad.call(this, request, ...rest);
};

const started = performance.now();
const extension = load(join(root, "dist/client.js"));
const loaded = performance.now();
const context = {
  subscriptions: [],
  extensionPath: root,
  asAbsolutePath: (relative) => join(root, relative),
};
const timer = setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: "activate() did not resolve in 20 s" }) + "\n");
  process.exit(1);
}, 20_000);
try {
  await extension.activate(context);
  const activated = performance.now();
  await extension.deactivate();
  clearTimeout(timer);
  process.stdout.write(
    JSON.stringify({ loadMs: loaded - started, activateMs: activated - started }) + "\n",
  );
} catch (error) {
  clearTimeout(timer);
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error) }) + "\n");
}
process.exit(0);
