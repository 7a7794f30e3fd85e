import { type Stats, opendirSync, statSync } from "node:fs";
import { opendir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import {
  CA_HASH_NAME,
  type DirectoryListing,
  type HostFile,
  type HostFileRequest,
  type HostFileStatus,
} from "../service/hostFiles";
import { type CachedRead, type ReadPolicy, SafeFileCache } from "./safeRead";

/**
 * Reads the host files that rules asked for (certificates, keys, lookup tables):
 * one stat for the metadata (mode, owner, mtime) and one for its directory's, and
 * for the files whose contents are needed a read through the safe reader (regular
 * files only, non-blocking open, a byte cap, cached by device, inode, size and
 * mtime). Nothing is written.
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
  /** Entries counted at most in a directory listing (default 10,000; a CApath holds a few hundred). */
  maxListedEntries?: number;
}

/** A reader with its own cache; the server keeps one, the CLI makes one per run. */
export class HostFileReader {
  private readonly cache: SafeFileCache<Buffer>;
  private readonly policy: ReadPolicy;
  private readonly maxListedEntries: number;

  constructor(options: HostFileReaderOptions) {
    this.cache = new SafeFileCache((bytes) => Buffer.from(bytes), options.maxEntries ?? 64);
    this.policy = { maxBytes: options.maxBytes, allowedRoots: [], followSymlinksOutside: true };
    this.maxListedEntries = options.maxListedEntries ?? 10_000;
  }

  /** Reads the requests without blocking; rejects with an AbortError when `signal` fires. */
  async read(requests: readonly HostFileRequest[], signal?: AbortSignal): Promise<HostFile[]> {
    const files: HostFile[] = [];
    for (const request of requests) {
      const metadata = await stat(request.path).then(
        (stats) => metadataOf(request.path, stats),
        errorFile(request.path),
      );
      if (hasOwners(metadata))
        metadata.directory = await stat(dirname(request.path)).then(ownersOf, () => undefined);
      if (request.listing && isDirectory(metadata))
        metadata.listing = await listingOf(request.path, this.maxListedEntries).catch(
          () => undefined,
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
      if (hasOwners(metadata)) {
        try {
          metadata.directory = ownersOf(statSync(dirname(request.path)));
        } catch {
          // A directory that cannot be stat'ed: the rules that look at it stay silent.
        }
      }
      if (request.listing && isDirectory(metadata)) {
        try {
          metadata.listing = listingOfSync(request.path, this.maxListedEntries);
        } catch {
          // A directory that cannot be listed: the rules that count its entries stay silent.
        }
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

/** Whether the file was found with POSIX owners (not on Windows), so that its directory counts. */
const hasOwners = (file: HostFile) => file.status === "ok" && file.uid !== undefined;

/**
 * Mode, owner and group of the directory a file is in: a key readable by a group
 * is private to that group only when the directory keeps others out.
 */
const ownersOf = (stats: Stats) => ({ mode: stats.mode, uid: stats.uid, gid: stats.gid });

const isDirectory = (file: HostFile) =>
  file.status === "ok" && file.mode !== undefined && (file.mode & 0o170000) === 0o040000;

/**
 * Counts a directory's entries by name (a CApath's hash names). Nothing is
 * opened or followed, so links out of it and special files cost nothing.
 */
async function listingOf(path: string, bound: number): Promise<DirectoryListing> {
  const directory = await opendir(path);
  const listing: DirectoryListing = { entries: 0, hashNamed: 0, complete: false };
  try {
    for (let entry = await directory.read(); entry; entry = await directory.read())
      if (!count(listing, entry.name, bound)) return listing;
  } finally {
    await directory.close();
  }
  return { ...listing, complete: true };
}

function listingOfSync(path: string, bound: number): DirectoryListing {
  const directory = opendirSync(path);
  const listing: DirectoryListing = { entries: 0, hashNamed: 0, complete: false };
  try {
    for (let entry = directory.readSync(); entry; entry = directory.readSync())
      if (!count(listing, entry.name, bound)) return listing;
  } finally {
    directory.closeSync();
  }
  return { ...listing, complete: true };
}

/** Counts one entry; false once the bound is reached. */
function count(listing: DirectoryListing, name: string, bound: number): boolean {
  if (listing.entries >= bound) return false;
  listing.entries++;
  if (CA_HASH_NAME.test(name)) listing.hashNamed++;
  return true;
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
