import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
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
