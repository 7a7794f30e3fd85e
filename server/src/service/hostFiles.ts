/**
 * Files on the host that rules look at: certificates, keys, lookup tables. The
 * pure service never reads them. Rules say which files they need
 * (`Rule.hostFiles`), the caller reads them through the safe reader (server: in
 * trusted workspaces only; CLI: unless --no-check-files) and passes what it found
 * back in `ValidationSettings.host`. Without it, rules that need files stay silent.
 */

/** A file a rule needs: its contents, or only its metadata (stat). */
export interface HostFileRequest {
  /** An absolute path, as the configuration names it after `$` expansion. */
  path: string;
  contents: boolean;
  /** For a directory (a CApath): count its entries by name; no entry is opened. */
  listing?: boolean;
}

/**
 * The names OpenSSL looks CA certificates up by in a CApath: the subject's hash
 * and a number (`openssl rehash` or c_rehash makes them); CRLs have an "r" before it.
 */
export const CA_HASH_NAME = /^[0-9a-f]{8}\.\d+$/;

/** What a directory listing found, without opening any entry. */
export interface DirectoryListing {
  entries: number;
  /** Entries named as CA certificates are looked up (CA_HASH_NAME). */
  hashNamed: number;
  /** False when the listing stopped at its bound; the counts are then a lower bound. */
  complete: boolean;
}

export type HostFileStatus =
  "ok" | "missing" | "not-regular" | "too-large" | "link-skipped" | "unreadable";

/** What the reader found at a path. */
export interface HostFile {
  path: string;
  status: HostFileStatus;
  /** The reader's reason, as a clause after the path ("is a FIFO (named pipe)"), when not ok. */
  detail?: string;
  size?: number;
  mtimeMs?: number;
  /** st_mode's permission bits and file type, st_uid and st_gid. */
  mode?: number;
  uid?: number;
  gid?: number;
  /**
   * The directory the path is in (its parent as written, links followed): its
   * mode, owner and group, for an ok file on POSIX systems.
   */
  directory?: { mode: number; uid: number; gid: number };
  /** The bytes, when they were asked for and the file is ok. */
  contents?: Uint8Array;
  /** For a directory whose listing was asked for. */
  listing?: DirectoryListing;
}

/** The default of postfix.certificates.expiryWarningDays (and postfix-lint --expiry-warning-days). */
export const DEFAULT_EXPIRY_WARNING_DAYS = 21;

export interface HostFiles {
  /** The file at a requested path; undefined for a path nobody asked for. */
  get(path: string): HostFile | undefined;
  /** The time of the check (ms since the epoch), for expiry and "changed lately". */
  now: number;
  /** A certificate that expires within this many days is reported (default 21). */
  expiryWarningDays?: number;
}

/** A HostFiles over a list of results (as a caller builds it). */
export function hostFilesOf(
  files: Iterable<HostFile>,
  now: number,
  expiryWarningDays?: number,
): HostFiles {
  const byPath = new Map<string, HostFile>();
  for (const file of files) byPath.set(file.path, file);
  return { get: (path) => byPath.get(path), now, expiryWarningDays };
}

/**
 * A host file in a rule's documented example. The examples are tests, and the
 * tests make these files when they run (keys are generated then; none is
 * committed). A lookup table example gives its text, or nothing for an indexed file. `about` describes the file on the rule's page.
 */
export interface ExampleHostFile {
  about: string;
  /** The PEM objects in order (DER when `der` is set); none for a missing file. */
  objects?: ExamplePemObject[];
  /** Write the first object as binary DER instead of PEM. */
  der?: boolean;
  missing?: boolean;
  /** Permission bits (default 0o600 for a file with a key, else 0o644), owner and group (default root). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** The directory it is in: permission bits and group (default 0o755, owned by root). */
  directory?: { mode: number; gid?: number };
  /** Makes it a directory with entries of these names (a CApath). */
  entries?: string[];
  /** When it last changed (default: 30 days ago). */
  changedHoursAgo?: number;
  /** Plain text contents (a lookup table source, say) instead of PEM objects. */
  text?: string;
}

/**
 * A key is named: the same name is the same key across an example's files. A
 * name starting with "rsa" and a number (rsa1024) is an RSA key of that size,
 * "rsa" alone RSA 2048, any other name an EC P-256 key.
 */
export type ExamplePemObject =
  | { key: string; encrypted?: boolean }
  | {
      /** The certificate of this key; its subject CN is names[0], else the key's name. */
      cert: string;
      /** The issuer's key name (its CN is that name); default: self-signed. */
      issuer?: string;
      names?: string[];
      /** Valid from/until, in days from now (default: 30 days ago to 60 days ahead). */
      days?: [number, number];
      hash?: "sha256" | "sha1" | "md5";
      ca?: boolean;
    }
  | { csr: string };
