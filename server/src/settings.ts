import {
  NEWEST_VERSION,
  OLDEST_VERSION,
  type PostfixVersion,
  effectiveLine,
} from "./service/data/parameters";
import { getRule } from "./service/rules/ruleTable";
import { SEVERITY_SETTINGS, type SeveritySetting, isSeveritySetting } from "./service/validation";

/**
 * The `postfix` settings section, validated. Settings come from JSON that a
 * workspace controls (.vscode/settings.json), so every field is checked against a
 * closed set and a size bound before anything else sees it; what does not pass
 * is reported and replaced by the default.
 */

/** Longer `version` strings are not read at all (a release number is a few characters). */
export const MAX_VERSION_LENGTH = 32;
/** At most this many `rules` entries are read; there are far fewer rules. */
export const MAX_RULE_ENTRIES = 256;
/** A log message quotes at most this much of a value it rejects. */
const MAX_QUOTED_LENGTH = 40;

/** The value of `version` that asks for the release installed on this host. */
export const AUTO_VERSION = "auto";
import { DEFAULT_CONTINUATION_INDENT, type FormatOptions } from "./service/format";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "./service/hostFiles";

export interface ServerSettings {
  /**
   * The covered release line to check against, e.g. "3.7": never "auto" nor a patch
   * release. With `release` "auto" the newest, until the host's release is known.
   */
  version: PostfixVersion;
  /** "auto" (detect the host's release), or the release as set, e.g. "3.7.11". */
  release: string;
  /** Severity overrides of known rule ids, in an object without prototype. */
  rules: Readonly<Record<string, SeveritySetting>>;
  files: {
    /** Follow a sibling link that leaves its directory and the workspace folders. */
    followSymlinksOutside: boolean;
  };
  /**
   * Read the certificates, keys and tables the configuration names (postfix.checkFiles;
   * the server also needs a trusted workspace).
   */
  checkFiles: boolean;
  certificates: {
    /** A certificate that expires within this many days is reported. */
    expiryWarningDays: number;
  };
  inlayHints: {
    /** After a value with `$name` references, what it expands to. */
    expansions: boolean;
    /** After an `-o` setting, the main.cf value or default it replaces. */
    overrides: boolean;
  };
  /** The postfix.format section. */
  format: FormatOptions;
  postconf: {
    /** Check a saved main.cf or master.cf with the host's postconf (trusted workspaces). */
    checkOnSave: boolean;
  };
}

/** Receives one message per problem found; the first sentence says what was wrong. */
export type SettingsProblemSink = (problem: string) => void;

/** Reads the settings section: defaults for what is missing, reports for what is malformed. */
export function readSettings(
  section: unknown,
  report: SettingsProblemSink = () => undefined,
): ServerSettings {
  const raw = isPlainObject(section) ? section : {};
  const files = isPlainObject(raw.files) ? raw.files : {};
  const hints = isPlainObject(raw.inlayHints) ? raw.inlayHints : {};
  const postconf = isPlainObject(raw.postconf) ? raw.postconf : {};
  // Which postconf to run is never read from here: these settings may come from the
  // workspace. Only the user's own settings name it (see server.ts).
  const { version, release } = readVersionSetting(raw.version, report);
  return {
    version,
    release,
    rules: readRules(raw.rules, report),
    // Only `true` turns it on: anything else keeps links from leaving the folder.
    files: { followSymlinksOutside: files.followSymlinksOutside === true },
    // Only `false` turns file checks off.
    checkFiles: raw.checkFiles !== false,
    certificates: { expiryWarningDays: readExpiryWarningDays(raw.certificates) },
    // Only `false` turns a hint off.
    inlayHints: { expansions: hints.expansions !== false, overrides: hints.overrides !== false },
    format: { continuationIndent: readContinuationIndent(raw.format) },
    // Only `true` turns it on.
    postconf: { checkOnSave: postconf.checkOnSave === true },
  };
}

function readVersionSetting(
  value: unknown,
  report: SettingsProblemSink,
): { version: PostfixVersion; release: string } {
  if (value === undefined || value === null)
    return { version: NEWEST_VERSION, release: AUTO_VERSION };
  const problems: string[] = [];
  const reading = readVersion(value, "postfix.version", (problem) => problems.push(problem));
  const consequence = reading.rejected
    ? ` Until then postfix-lsp checks against ${reading.version}.`
    : "";
  for (const problem of problems) report(problem + consequence);
  return { version: reading.version, release: reading.release };
}

export interface VersionReading {
  /** The covered release line to use. */
  version: PostfixVersion;
  /** "auto", or the release as given without blanks and leading zeros ("3.7.11"). */
  release: string;
  /** True when the value is no release number at all (the newest is used instead). */
  rejected: boolean;
}

/**
 * Reads a Postfix release as `postconf mail_version` prints it (X.Y or X.Y.Z), or
 * "auto" (the host's release, found by the caller; until then the newest).
 * A patch release maps to its line, since the data is per line. A line the data
 * does not cover is clamped: newer ones to the newest, older ones to the oldest,
 * a gap to the line before it; that is reported.
 */
export function readVersion(
  value: unknown,
  settingName: string,
  report: SettingsProblemSink,
): VersionReading {
  const range = `${OLDEST_VERSION} to ${NEWEST_VERSION}`;
  // The bound applies before anything else looks at the string.
  const text =
    typeof value === "string" && value.length <= MAX_VERSION_LENGTH ? value.trim() : undefined;
  if (text === AUTO_VERSION)
    return { version: NEWEST_VERSION, release: AUTO_VERSION, rejected: false };
  const match = text === undefined ? null : /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?$/.exec(text);
  if (!match) {
    report(
      `${settingName} ${describe(value)} is not a Postfix release number. ` +
        `Give the release your server runs as X.Y (postconf mail_version), between ${range}, or "${AUTO_VERSION}".`,
    );
    return { version: NEWEST_VERSION, release: NEWEST_VERSION, rejected: true };
  }
  const line = `${Number(match[1])}.${Number(match[2])}`;
  const release = match[3] === undefined ? line : `${line}.${Number(match[3])}`;
  const version = effectiveLine(line);
  if (version !== line) {
    report(
      `${settingName} ${describe(value)} is not a release line postfix-lsp has data for; checking against ${version} instead. ` +
        `The data covers ${range}; for a newer release, update postfix-lsp.`,
    );
  }
  return { version, release, rejected: false };
}

/** One `rules` entry, or undefined (after a report) when it cannot be used. */
export function readRule(
  id: string,
  severity: unknown,
  settingName: string,
  report: SettingsProblemSink,
): SeveritySetting | undefined {
  const rule = getRule(id);
  if (!rule) {
    report(
      `${settingName} names an unknown rule ${quote(id)}. ` +
        `Rule ids are shown with each diagnostic and listed in the README.`,
    );
    return undefined;
  }
  if (!isSeveritySetting(severity)) {
    report(
      `${settingName} sets rule ${quote(id)} to ${describe(severity)}, which is not a severity. ` +
        `Use one of ${SEVERITY_SETTINGS.join(", ")}.`,
    );
    return undefined;
  }
  return severity;
}

function readRules(value: unknown, report: SettingsProblemSink): ServerSettings["rules"] {
  const rules: Record<string, SeveritySetting> = Object.create(null);
  if (value === undefined || value === null) return rules;
  if (!isPlainObject(value)) {
    report(
      `postfix.rules is ${describe(value)}, not an object; no rule severity is changed. ` +
        `Give an object of rule id to severity, e.g. { "duplicate-parameter": "off" }.`,
    );
    return rules;
  }
  const ids = Object.keys(value);
  if (ids.length > MAX_RULE_ENTRIES) {
    report(
      `postfix.rules has ${ids.length} entries; only the first ${MAX_RULE_ENTRIES} are read. ` +
        `There are fewer rules than that, so the others cannot all be rule ids.`,
    );
  }
  const ignore = (problem: string) => report(`${problem} Until then the entry is ignored.`);
  for (const id of ids.slice(0, MAX_RULE_ENTRIES)) {
    const severity = readRule(id, value[id], "postfix.rules", ignore);
    if (severity) rules[id] = severity;
  }
  return Object.freeze(rules);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string quoted as JSON and shortened, so that a log line stays short. */
function quote(text: string): string {
  return JSON.stringify(
    text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text,
  );
}

function describe(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return String(value);
  return Array.isArray(value) ? "an array" : `a value of type ${typeof value}`;
}

/** postfix.format.continuationIndent: an integer from 1 to 16, else the default. */
function readContinuationIndent(format: unknown): number {
  const indent = (format as { continuationIndent?: unknown } | null | undefined)
    ?.continuationIndent;
  return Number.isInteger(indent) && (indent as number) >= 1 && (indent as number) <= 16
    ? (indent as number)
    : DEFAULT_CONTINUATION_INDENT;
}

/** postfix.certificates.expiryWarningDays: an integer from 0 to 365, else the default. */
function readExpiryWarningDays(certificates: unknown): number {
  const days = (certificates as { expiryWarningDays?: unknown } | null | undefined)
    ?.expiryWarningDays;
  return Number.isInteger(days) && (days as number) >= 0 && (days as number) <= 365
    ? (days as number)
    : DEFAULT_EXPIRY_WARNING_DAYS;
}
