import { dirname } from "node:path";
import { readFileSafely } from "../files/safeRead";
import { NEWEST_VERSION } from "../service/data/parameters";
import { postconfRelease } from "./postconf";
import { type ReleaseInUse, parseDpkgStatus, releaseInUse } from "./release";

/**
 * Finds the Postfix release installed on this host, for `postfix.version: auto`:
 * postconf's mail_version when running it is allowed, else the dpkg database
 * (read as a file, no program run), else the newest covered release.
 */

export const DPKG_STATUS_PATH = "/var/lib/dpkg/status";
/** A dpkg status file of a large server is a few MB. */
const DPKG_STATUS_CAP = 64 * 1024 * 1024;

export interface DetectionOptions {
  /** The postconf to ask, or undefined to run no program (an untrusted workspace). */
  postconfPath: string | undefined;
  dpkgStatusPath?: string;
}

export interface Detection {
  release: ReleaseInUse;
  /** Why sources were passed over, one sentence each, for the log. */
  notes: string[];
}

export async function detectRelease(options: DetectionOptions): Promise<Detection> {
  const notes: string[] = [];
  if (options.postconfPath !== undefined) {
    const found = await postconfRelease(options.postconfPath);
    if ("release" in found) return { release: releaseInUse(found.release, "postconf"), notes };
    notes.push(`postconf was not used: ${found.problem}.`);
  }
  const statusPath = options.dpkgStatusPath ?? DPKG_STATUS_PATH;
  const read = await readFileSafely(statusPath, {
    maxBytes: DPKG_STATUS_CAP,
    allowedRoots: [dirname(statusPath)],
    followSymlinksOutside: false,
  });
  if (read.ok) {
    const release = parseDpkgStatus(read.bytes.toString("utf8"));
    if (release) return { release: releaseInUse(release, "dpkg"), notes };
    notes.push(`${statusPath} lists no installed postfix package.`);
  } else if (read.reason !== "missing") {
    notes.push(`${statusPath} was not read: it ${read.detail}.`);
  }
  return { release: releaseInUse(NEWEST_VERSION, "newest"), notes };
}
