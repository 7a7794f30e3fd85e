import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import {
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";

export const ROOT = join(__dirname, "../..");

/** A `node dist/server.js --stdio` process and a connection to it (not listening yet). */
export function spawnServer(): { child: ChildProcess; connection: MessageConnection } {
  const child = spawn("node", [join(ROOT, "dist/server.js"), "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  return { child, connection };
}
