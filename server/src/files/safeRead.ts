import { isAscii } from "node:buffer";
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { type FileHandle, lstat, open, realpath, stat } from "node:fs/promises";
import { isAbsolute, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The one way the server and the CLI read a file they were not handed by the editor
 * (sibling main.cf/master.cf, files named on the command line; later certificates
 * and lookup tables). Files come from workspaces anyone may have written, so:
 * only regular files are opened (a FIFO would block, a device never ends); a file
 * over the caller's byte cap is refused without being read; a symbolic link is
 * followed only into the directories the caller allows; the opened file is checked
 * to be the one that was inspected. Nothing is ever written.
 *
 * The steps are written once, as a generator of file-system operations, and run
 * by a synchronous driver (the CLI) or an asynchronous, cancellable one (the server).
 */

export interface ReadPolicy {
  /** Bytes at most; a larger file is reported as too large and not read. */
  maxBytes: number;
  /** Absolute directories a symbolic link may resolve into. */
  allowedRoots: readonly string[];
  /** Follow links wherever they lead (a user's explicit choice). */
  followSymlinksOutside: boolean;
}

/** What makes two reads the same file: a change to any of these means re-read. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export type UnreadableReason =
  | "missing"
  | "not-regular"
  | "too-large"
  | "symlink-outside"
  | "symlink-loop"
  | "changed"
  | "denied"
  | "error";

export type ReadOutcome =
  | { ok: true; bytes: Buffer; identity: FileIdentity }
  | {
      ok: false;
      reason: UnreadableReason;
      /** Why, as a clause that follows the path: "is a FIFO (named pipe) ...". */
      detail: string;
      /** The file refused, when it was looked at (not for a missing one). */
      identity?: FileIdentity;
    };

/** Reads `path` under `policy`, blocking. For the CLI. */
export function readFileSafelySync(path: string, policy: ReadPolicy): ReadOutcome {
  return runStepsSync(readSteps(path, policy));
}

/**
 * Reads `path` under `policy` without blocking the event loop. Rejects with an
 * AbortError when `signal` fires (checked between steps; an open file is closed).
 */
export function readFileSafely(
  path: string,
  policy: ReadPolicy,
  signal?: AbortSignal,
): Promise<ReadOutcome> {
  return runAsync(readSteps(path, policy), signal);
}

/**
 * The absolute path of a `file:` URI, or undefined for anything that must not be
 * read from disk: another scheme, a query or a fragment (an editor's view of a
 * file, not the file), a remote host, a relative or malformed URI.
 */
/**
 * Reads an open stream such as stdin to its end, blocking, but at most `maxBytes`:
 * undefined when there is more. A pipe of endless data (`yes |`) cannot fill memory.
 */
export function readStreamCappedSync(fd: number, maxBytes: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
    let count: number;
    try {
      count = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      // A non-blocking pipe with nothing in it yet: wait a little and read again.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (count === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, count));
    total += count;
    if (total > maxBytes) return undefined;
  }
}

/**
 * Whether a path names a regular file, as Postfix would open it (links followed):
 * one stat, nothing opened or read. For document links, in trusted workspaces.
 */
export async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Answers "is this a regular file?" for document links, which VS Code asks for
 * after every edit: a path is stat'ed once, then again in the background when its
 * answer is `maxAgeMs` old, however many requests or settings name it. So a
 * 100k-line file that names 500 paths does not cost 500 stats (each missing file a
 * thrown error) per keystroke, nor every `maxAgeMs` in one request: the request
 * that finds an answer old gets it while the new one is looked up. A file created
 * or removed just now shows in the next request after that.
 */
export class RegularFileCheck {
  private readonly answers = new Map<string, RegularFileAnswer>();

  constructor(
    private readonly maxAgeMs = 2_000,
    private readonly maxEntries = 2_000,
    private readonly now: () => number = () => performance.now(),
    private readonly check: (path: string) => Promise<boolean> = isRegularFile,
  ) {}

  /** Whether each path names a regular file, in the order given. */
  async areRegularFiles(paths: readonly string[]): Promise<boolean[]> {
    const now = this.now();
    if (this.answers.size > this.maxEntries) this.forgetOlderThan(now);
    return Promise.all(paths.map((path) => this.answer(path, now)));
  }

  private answer(path: string, now: number): Promise<boolean> {
    const known = this.answers.get(path);
    if (!known) {
      const isFile = this.check(path);
      this.answers.set(path, { isFile, at: now, refreshing: false });
      return isFile;
    }
    if (now - known.at >= this.maxAgeMs && !known.refreshing) {
      known.refreshing = true;
      const isFile = this.check(path);
      const replace = () => {
        // Unless the answer was forgotten meanwhile (the map was over its bound).
        if (this.answers.get(path) === known) {
          this.answers.set(path, { isFile, at: now, refreshing: false });
        }
      };
      void isFile.then(replace, replace);
    }
    return known.isFile;
  }

  private forgetOlderThan(now: number): void {
    for (const [path, { at }] of this.answers) {
      if (now - at >= this.maxAgeMs) this.answers.delete(path);
    }
    // All fresh and still too many: start over rather than grow without bound.
    if (this.answers.size > this.maxEntries) this.answers.clear();
  }
}

interface RegularFileAnswer {
  isFile: Promise<boolean>;
  /** When the check began. */
  at: number;
  /** A newer check is under way. */
  refreshing: boolean;
}

export function diskPathOfUri(uri: string): string | undefined {
  if (!uri.startsWith("file://") || /[?#]/.test(uri)) return undefined;
  try {
    const path = fileURLToPath(uri);
    return isAbsolute(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Config text from bytes: ASCII is decoded as Latin-1, a plain copy faster than UTF-8. */
export function decodeText(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

export const identityKey = (identity: FileIdentity) =>
  `${identity.dev}:${identity.ino}:${identity.size}:${identity.mtimeNs}`;

export type CachedRead<T> =
  | { ok: true; value: T; identity: FileIdentity; fresh: boolean }
  | (Extract<ReadOutcome, { ok: false }> & { fresh: boolean });

/**
 * Reads by path, remembering what each read gave (content turned into `T`, or the
 * refusal) under the file's identity. A use costs one stat while the file stays
 * the same: a too-large or refused file is not looked at again, and a same-size
 * replacement within the same second is still seen (inode, nanosecond mtime).
 * Two paths to the same file share one `T`. `fresh` is true when this call did
 * the read, so a caller reports a refusal once.
 */
export class SafeFileCache<T> {
  private readonly byPath = new Map<
    string,
    { identity: FileIdentity; policy: string; result: CachedRead<T> }
  >();
  private readonly byIdentity = new Map<string, T>();

  constructor(
    private readonly convert: (bytes: Buffer) => T,
    private readonly maxEntries = 32,
  ) {}

  readSync(path: string, policy: ReadPolicy): CachedRead<T> {
    const cached = this.cachedFor(
      path,
      policy,
      currentIdentity(() => statSync(path, BIGINT)),
    );
    return cached ?? this.remember(path, policy, readFileSafelySync(path, policy));
  }

  async read(path: string, policy: ReadPolicy, signal?: AbortSignal): Promise<CachedRead<T>> {
    const now = await stat(path, BIGINT).then(identityOf, () => undefined);
    signal?.throwIfAborted();
    const cached = this.cachedFor(path, policy, now);
    return cached ?? this.remember(path, policy, await readFileSafely(path, policy, signal));
  }

  delete(path: string): void {
    this.byPath.delete(path);
  }

  private cachedFor(
    path: string,
    policy: ReadPolicy,
    now: FileIdentity | undefined,
  ): CachedRead<T> | undefined {
    const entry = this.byPath.get(path);
    if (!entry) return undefined;
    if (now && sameIdentity(entry.identity, now) && entry.policy === policyKey(policy)) {
      // Most recently used last, so eviction drops the least recently used.
      this.byPath.delete(path);
      this.byPath.set(path, entry);
      return { ...entry.result, fresh: false };
    }
    this.byPath.delete(path);
    return undefined;
  }

  private remember(path: string, policy: ReadPolicy, outcome: ReadOutcome): CachedRead<T> {
    let result: CachedRead<T>;
    if (outcome.ok) {
      const key = identityKey(outcome.identity);
      let value = this.byIdentity.get(key);
      if (value === undefined) {
        value = this.convert(outcome.bytes);
        setBounded(this.byIdentity, key, value, this.maxEntries);
      }
      result = { ok: true, value, identity: outcome.identity, fresh: true };
    } else {
      result = { ...outcome, fresh: true };
    }
    // A refusal without an identity (missing, vanished mid-read) is asked again next time.
    if (outcome.identity && (outcome.ok || outcome.reason !== "changed")) {
      const entry = { identity: outcome.identity, policy: policyKey(policy), result };
      setBounded(this.byPath, path, entry, this.maxEntries);
    }
    return result;
  }
}

// ---------------------------------------------------------------------------------
// The steps.

const BIGINT = { bigint: true } as const;

/** Never wait on a FIFO or a terminal, even if one is swapped in after the checks. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Reads go in pieces: each is a cancellation point, and a length fits the native call. */
const READ_CHUNK_BYTES = 1 << 20;

export type Operation =
  | { op: "lstat" | "stat" | "realpath"; path: string }
  | { op: "open"; path: string; flags: number }
  | { op: "fstat"; file: OpenFile }
  | { op: "read"; file: OpenFile; buffer: Buffer; offset: number; length: number }
  | { op: "close"; file: OpenFile };

/** A descriptor (sync) or a FileHandle (async); the steps only pass it back. */
type OpenFile = number | FileHandle;

export function* readSteps(
  path: string,
  policy: ReadPolicy,
): Generator<Operation, ReadOutcome, unknown> {
  let stats: BigIntStats;
  try {
    stats = (yield { op: "lstat", path }) as BigIntStats;
  } catch (error) {
    return failureFromError(error);
  }
  let openPath = path;
  if (stats.isSymbolicLink()) {
    let target: string;
    try {
      target = (yield { op: "realpath", path }) as string;
    } catch (error) {
      return failureFromError(error);
    }
    try {
      stats = (yield { op: "stat", path: target }) as BigIntStats;
    } catch (error) {
      return failureFromError(error);
    }
    if (!policy.followSymlinksOutside) {
      const roots: string[] = [];
      for (const root of policy.allowedRoots) {
        try {
          roots.push((yield { op: "realpath", path: root }) as string);
        } catch {
          // A root that does not exist allows nothing.
        }
      }
      if (!roots.some((root) => isInside(target, root))) {
        return {
          ok: false,
          reason: "symlink-outside",
          detail: `is a symbolic link to ${target}, outside the configuration directory${policy.allowedRoots.length > 1 ? " and the workspace" : ""}`,
          identity: identityOf(stats),
        };
      }
    }
    openPath = target;
  }
  const refusal = refuseByStats(stats, policy);
  if (refusal) return refusal;

  let file: OpenFile;
  try {
    // openPath is no link now (lstat, or realpath resolved it): O_NOFOLLOW keeps it so.
    file = (yield {
      op: "open",
      path: openPath,
      flags: OPEN_FLAGS | constants.O_NOFOLLOW,
    }) as OpenFile;
  } catch (error) {
    return failureFromError(error);
  }
  try {
    const opened = (yield { op: "fstat", file }) as BigIntStats;
    if (opened.dev !== stats.dev || opened.ino !== stats.ino) {
      return { ok: false, reason: "changed", detail: "was replaced while it was being opened" };
    }
    const openedRefusal = refuseByStats(opened, policy);
    if (openedRefusal) return openedRefusal;
    const identity = identityOf(opened);
    // One byte more than the size, to notice a file that grows while it is read.
    const buffer = Buffer.allocUnsafe(Number(opened.size) + 1);
    let length = 0;
    for (;;) {
      const count = (yield {
        op: "read",
        file,
        buffer,
        offset: length,
        length: Math.min(buffer.length - length, READ_CHUNK_BYTES),
      }) as number;
      if (count === 0) break;
      length += count;
      if (length === buffer.length) break;
    }
    if (length !== Number(opened.size)) {
      return { ok: false, reason: "changed", detail: "changed size while it was being read" };
    }
    return { ok: true, bytes: buffer.subarray(0, length), identity };
  } catch (error) {
    return failureFromError(error);
  } finally {
    yield { op: "close", file };
  }
}

function refuseByStats(stats: BigIntStats, policy: ReadPolicy): ReadOutcome | undefined {
  const identity = identityOf(stats);
  if (!stats.isFile()) {
    return { ok: false, reason: "not-regular", detail: `is ${fileTypeOf(stats)}`, identity };
  }
  if (stats.size > BigInt(policy.maxBytes)) {
    return {
      ok: false,
      reason: "too-large",
      detail: `has ${stats.size.toLocaleString("en")} bytes, over the limit of ${policy.maxBytes.toLocaleString("en")}`,
      identity,
    };
  }
  return undefined;
}

function fileTypeOf(stats: BigIntStats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe), which could block a reader forever";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device, which may never end";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}

function failureFromError(error: unknown): ReadOutcome {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return { ok: false, reason: "missing", detail: "does not exist" };
    case "ELOOP":
      return { ok: false, reason: "symlink-loop", detail: "is a symbolic link that loops" };
    case "EACCES":
    case "EPERM":
      return { ok: false, reason: "denied", detail: `cannot be read (${code}: permission denied)` };
    default:
      return { ok: false, reason: "error", detail: `cannot be read (${code ?? String(error)})` };
  }
}

const identityOf = (stats: BigIntStats): FileIdentity => ({
  dev: stats.dev,
  ino: stats.ino,
  size: stats.size,
  mtimeNs: stats.mtimeNs,
});

const sameIdentity = (a: FileIdentity, b: FileIdentity) =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;

function currentIdentity(statPath: () => BigIntStats): FileIdentity | undefined {
  try {
    return identityOf(statPath());
  } catch {
    return undefined;
  }
}

const policyKey = (policy: ReadPolicy) =>
  JSON.stringify([policy.maxBytes, policy.followSymlinksOutside, policy.allowedRoots]);

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function setBounded<K, V>(map: Map<K, V>, key: K, value: V, maxEntries: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxEntries) map.delete(map.keys().next().value as K);
}

// ---------------------------------------------------------------------------------
// The drivers.

/**
 * Runs the steps blocking. `beforeStep` lets a test act between two steps (replace
 * the file between its inspection and its opening, say).
 */
export function runStepsSync(
  steps: Generator<Operation, ReadOutcome, unknown>,
  beforeStep?: (operation: Operation["op"]) => void,
): ReadOutcome {
  let step = steps.next();
  while (!step.done) {
    beforeStep?.(step.value.op);
    let result: unknown;
    try {
      result = performSync(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(result);
  }
  return step.value;
}

function performSync(operation: Operation): unknown {
  switch (operation.op) {
    case "lstat":
      return lstatSync(operation.path, BIGINT);
    case "stat":
      return statSync(operation.path, BIGINT);
    case "realpath":
      return realpathSync(operation.path);
    case "open":
      return openSync(operation.path, operation.flags);
    case "fstat":
      return fstatSync(operation.file as number, BIGINT);
    case "read":
      return readSync(
        operation.file as number,
        operation.buffer,
        operation.offset,
        operation.length,
        null,
      );
    case "close":
      return closeSync(operation.file as number);
  }
}

async function runAsync(
  steps: Generator<Operation, ReadOutcome, unknown>,
  signal: AbortSignal | undefined,
): Promise<ReadOutcome> {
  let step = steps.next();
  while (!step.done) {
    // Once aborted, every step but closing what was opened gets the AbortError.
    if (signal?.aborted && step.value.op !== "close") {
      step = steps.throw(signal.reason);
      continue;
    }
    let result: unknown;
    try {
      result = await performAsync(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(result);
  }
  signal?.throwIfAborted();
  return step.value;
}

async function performAsync(operation: Operation): Promise<unknown> {
  switch (operation.op) {
    case "lstat":
      return lstat(operation.path, BIGINT);
    case "stat":
      return stat(operation.path, BIGINT);
    case "realpath":
      return realpath(operation.path);
    case "open":
      return open(operation.path, operation.flags);
    case "fstat":
      return (operation.file as FileHandle).stat(BIGINT);
    case "read":
      return (
        await (operation.file as FileHandle).read(
          operation.buffer,
          operation.offset,
          operation.length,
          null,
        )
      ).bytesRead;
    case "close":
      return (operation.file as FileHandle).close();
  }
}
