import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";
import type { ServerCapabilities } from "vscode-languageserver-protocol";

/** Shared pieces of the end-to-end tests (run by `npm run test:e2e`, not by `npm test`). */

export const ROOT = join(__dirname, "../..");
/** Where scripts/e2e/setup.sh installs code-server and playwright-core. */
export const TOOLS = join(ROOT, ".cache/e2e");
/** Screenshots and logs of the runs (git-ignored). */
export const OUTPUT = join(ROOT, "test/output/e2e");

/** The files both editors open: main.cf holds the `comment-after-value` pitfall on line 3. */
export const MAIN_CF = [
  "# TLS for mail we receive",
  "myhostname = mail.example.com",
  "smtpd_tls_security_level = may # opportunistic",
  "smtpd_tls_cert_file = /etc/ssl/certs/mail.pem",
  "smtpd_tls_key_file = /etc/ssl/private/mail.key",
  "smtpd_banner = $myhostname ESMTP",
  "",
].join("\n");

export const MASTER_CF = [
  "# service type  private unpriv  chroot  wakeup  maxproc command + args",
  "smtp      inet  n       -       y       -       -       smtpd",
  "submission inet n       -       y       -       -       smtpd",
  "  -o smtpd_tls_security_level=encrypt",
  "pickup    unix  n       -       y       60      1       pickup",
  "tlsmgr    unix  -       -       y       1000?   1       tlsmgr",
  "",
].join("\n");

export const EXPECTED_HOVER_TEXT = "Decides whether the SMTP server offers STARTTLS";

export function outputDir(): string {
  mkdirSync(OUTPUT, { recursive: true });
  return OUTPUT;
}

/** What `node dist/server.js --stdio` advertises, asked the way an editor asks. */
export async function serverCapabilities(): Promise<ServerCapabilities> {
  const server = spawn(process.execPath, [join(ROOT, "dist/server.js"), "--stdio"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = createMessageConnection(
    new StreamMessageReader(server.stdout!),
    new StreamMessageWriter(server.stdin!),
  );
  connection.listen();
  try {
    const result = (await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    })) as { capabilities: ServerCapabilities };
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    return result.capabilities;
  } finally {
    connection.dispose();
    await stopProcess(server, 2_000);
  }
}

/** A TCP port on 127.0.0.1 that nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process we started, by its pid: SIGTERM, then SIGKILL after `graceMs`.
 * With `group`, the signal goes to its process group (the child was spawned with
 * `detached: true`, so the group is the child and everything it started).
 */
export async function stopPid(pid: number, group: boolean, graceMs = 5_000): Promise<void> {
  const target = group ? -pid : pid;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(target, name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (group ? groupAlive(pid) : isAlive(pid))) await sleep(100);
  signal("SIGKILL");
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  await stopPid(child.pid, false, graceMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}
