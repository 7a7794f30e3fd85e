import { type PostfixVersion, effectiveLine } from "../service/data/parameters";

/**
 * The Postfix release in use and where it came from; pure text parsing of what
 * the host says about its Postfix (postconf's mail_version, the dpkg database).
 */

/** Where the release in use came from. */
export type ReleaseOrigin = "setting" | "postconf" | "dpkg" | "newest";

export interface ReleaseInUse {
  /** The covered release line whose data is used, e.g. "3.7". */
  line: PostfixVersion;
  /** The release as found, with its patch level when known, e.g. "3.7.11". */
  release: string;
  origin: ReleaseOrigin;
}

/** A release number as Postfix prints it: X.Y or X.Y.Z, each part at most 3 digits. */
const RELEASE = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?/;

/**
 * The release in `mail_version` as `postconf -h mail_version` prints it: "3.7.11",
 * or for a snapshot "3.10-20240101" (read as 3.10). Undefined for anything else,
 * e.g. a program that prints garbage or several lines.
 */
export function parseMailVersion(output: string): string | undefined {
  const text = output.trim();
  if (text.includes("\n") || !/^\d{1,3}\.\d{1,3}(\.\d{1,3})?(-[\w.-]{1,40})?$/.test(text))
    return undefined;
  return releaseNumber(text);
}

/**
 * The upstream release of the installed `postfix` package in a dpkg status file
 * (/var/lib/dpkg/status): "3.7.11" for `Version: 3.7.11-0+deb12u1`. Undefined when
 * the package is absent, not installed (removed, config files only), or its version
 * is no release number. One pass over the text.
 */
export function parseDpkgStatus(text: string, packageName = "postfix"): string | undefined {
  const header = new RegExp(`^Package: ${packageName}[ \\t]*$`, "gm");
  for (let match = header.exec(text); match; match = header.exec(text)) {
    // A stanza ends at an empty line.
    const end = text.indexOf("\n\n", match.index);
    const stanza = text.slice(match.index, end < 0 ? text.length : end);
    const status = /^Status:[ \t]*(.*)$/m.exec(stanza)?.[1].trim().split(/\s+/);
    if (status?.[2] !== "installed") continue;
    const version = /^Version:[ \t]*(\S+)[ \t]*$/m.exec(stanza)?.[1];
    // [epoch:]upstream[-debian revision]
    const upstream = version?.replace(/^\d+:/, "");
    return upstream === undefined ? undefined : releaseNumber(upstream);
  }
  return undefined;
}

/** "3.7.11..." -> "3.7.11", without leading zeros; undefined if it starts with no release. */
function releaseNumber(text: string): string | undefined {
  const match = RELEASE.exec(text);
  if (!match) return undefined;
  return match
    .slice(1)
    .filter((part) => part !== undefined)
    .map(Number)
    .join(".");
}

/** A found release with the covered line that answers for it: 3.7.11 -> line 3.7. */
export function releaseInUse(release: string, origin: ReleaseOrigin): ReleaseInUse {
  return { line: effectiveLine(release), release, origin };
}

const ORIGIN_TEXT: Record<ReleaseOrigin, string> = {
  setting: "set in postfix.version",
  postconf: "detected on this host",
  dpkg: "detected on this host",
  newest: "the newest known; none detected",
};

/** Where the release came from, in a few words: "postconf on this host". */
export const ORIGIN_DETAIL: Record<ReleaseOrigin, string> = {
  setting: "the postfix.version setting",
  postconf: "postconf on this host",
  dpkg: "the dpkg package database of this host",
  newest: "no Postfix found on this host, so the newest release postfix-lsp knows",
};

/** "3.7.11, detected on this host": the release and where it came from, for a hover. */
export function describeRelease(release: ReleaseInUse): string {
  return `${release.release}, ${ORIGIN_TEXT[release.origin]}`;
}
