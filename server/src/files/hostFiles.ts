import { type Stats, statSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { HostFile, HostFileRequest, HostFileStatus } from "../service/hostFiles";
import { type CachedRead, type ReadPolicy, SafeFileCache } from "./safeRead";

/**
 * Reads the host files that rules asked for (certificates, keys, lookup tables):
 * one stat for the metadata (mode, owner, mtime), and for the files whose contents
 * are needed a read through the safe reader (regular files only, non-blocking
 * open, a byte cap, cached by device, inode, size and mtime). Nothing is written.
 *
 * Symbolic links are followed wherever they lead. These paths are not files that
 * happen to lie in a workspace: the administrator's configuration names them, and
 * Postfix follows the same links (Let's Encrypt's live/ names are links into
 * archive/). The caller reads them only in a trusted workspace (server) or on the
 * user's command (CLI).
 */

/** Certificates and keys are a few kilobytes; a CA bundle a few hundred. */
export const CERTIFICATE_MAX_BYTES = 1 << 20;

export interface HostFileReaderOptions {
  /** Bytes at most per file whose contents are read. */
  maxBytes: number;
  /** Files kept in the cache (their contents). */
  maxEntries?: number;
}

/** A reader with its own cache; the server keeps one, the CLI makes one per run. */
export class HostFileReader {
  private readonly cache: SafeFileCache<Buffer>;
  private readonly policy: ReadPolicy;

  constructor(options: HostFileReaderOptions) {
    this.cache = new SafeFileCache((bytes) => Buffer.from(bytes), options.maxEntries ?? 64);
    this.policy = { maxBytes: options.maxBytes, allowedRoots: [], followSymlinksOutside: true };
  }

  /** Reads the requests without blocking; rejects with an AbortError when `signal` fires. */
  async read(requests: readonly HostFileRequest[], signal?: AbortSignal): Promise<HostFile[]> {
    const files: HostFile[] = [];
    for (const request of requests) {
      const metadata = await stat(request.path).then(
        (stats) => metadataOf(request.path, stats),
        errorFile(request.path),
      );
      signal?.throwIfAborted();
      files.push(
        request.contents && metadata.status === "ok"
          ? withContents(metadata, await this.cache.read(request.path, this.policy, signal))
          : metadata,
      );
    }
    return files;
  }

  /** Reads the requests, blocking (for the CLI). */
  readSync(requests: readonly HostFileRequest[]): HostFile[] {
    return requests.map((request) => {
      let metadata: HostFile;
      try {
        metadata = metadataOf(request.path, statSync(request.path));
      } catch (error) {
        metadata = errorFile(request.path)(error);
      }
      return request.contents && metadata.status === "ok"
        ? withContents(metadata, this.cache.readSync(request.path, this.policy))
        : metadata;
    });
  }
}

/**
 * What stat says (links followed, as Postfix opens the path). The status is "ok"
 * for anything that exists: a CApath is a directory, and `mode` gives the type.
 */
function metadataOf(path: string, stats: Stats): HostFile {
  const file: HostFile = { path, status: "ok", size: stats.size, mtimeMs: stats.mtimeMs };
  // Windows has no POSIX permissions or owners: only the file type is given there.
  if (process.platform === "win32") return { ...file, mode: stats.mode & 0o170000 };
  return { ...file, mode: stats.mode, uid: stats.uid, gid: stats.gid };
}

const errorFile =
  (path: string) =>
  (error: unknown): HostFile => {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === "ENOENT" || code === "ENOTDIR")
      return { path, status: "missing", detail: "does not exist" };
    if (code === "ELOOP")
      return { path, status: "unreadable", detail: "is a symbolic link that loops" };
    if (code === "EACCES" || code === "EPERM")
      return { path, status: "unreadable", detail: `cannot be read (${code}: permission denied)` };
    return { path, status: "unreadable", detail: `cannot be read (${code ?? String(error)})` };
  };

/** The metadata with the read's outcome: the bytes, or why they were not read. */
function withContents(metadata: HostFile, read: CachedRead<Buffer>): HostFile {
  if (read.ok) return { ...metadata, contents: read.value };
  const status: HostFileStatus =
    read.reason === "missing" || read.reason === "not-regular" || read.reason === "too-large"
      ? read.reason
      : read.reason === "symlink-outside"
        ? "link-skipped"
        : "unreadable";
  return { ...metadata, status, detail: read.detail };
}
