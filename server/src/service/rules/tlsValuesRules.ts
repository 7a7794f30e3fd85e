import {
  compareVersions,
  defaultValue,
  isKnownParameter,
  knownParameterSet,
} from "../data/parameters";
import { TLS_CLIENT_LEVELS, TLS_SERVER_LEVELS } from "../data/valueSets";
import type { ConfigKind } from "../parser/document";
import { parseCompatibilityLevel } from "../parser/expansion";
import { type LogicalLine, type Span, logicalSpan } from "../parser/logicalLines";
import type { ParameterSetting } from "../parser/mainCf";
import type { MasterOption } from "../parser/masterCf";
import { isSpace } from "../text/chars";
import type { RuleContext, ServiceView } from "./context";
import type { Finding, Fix, FixEdit } from "./findings";
import type { RuleDefinition } from "./ruleDefinition";
import { excerpt } from "../text/excerpt";

/**
 * Value-level checks of TLS parameters: words Postfix does not know (P06), the
 * protocol-list traps (P07, P08, P22), cipher settings (P09, P18, P19, P20), the
 * session cache timeout (P39), fingerprints and their digests (P49, P50), DANE
 * digests (P58), log levels (P59) and the OpenSSL configuration (P60).
 *
 * Every finding sits on the setting that causes it, the main.cf line or the
 * master.cf `-o`, once per setting. Values with `$` expansions or a `#` word (see
 * comment-after-value) are left alone.
 */

/** Rule definitions of this module; ruleTable.ts collects them. */
export const tlsValuesRuleDefinitions = [
  {
    id: "tls-server-cache-database",
    severity: "info",
    description:
      "A server-side TLS session cache (any non-empty value), which session tickets make unnecessary.",
    pitfalls: ["P37"],
  },
  {
    id: "tls-server-cache-dbm",
    severity: "warning",
    description: "A dbm: table as the server's TLS session cache; it cannot hold session objects.",
    pitfalls: ["P37"],
  },
  {
    id: "tls-level-invalid",
    severity: "error",
    description: "A TLS security level that is no level at all; the service stops at start-up.",
    pitfalls: ["P06"],
  },
  {
    id: "tls-cipher-grade-invalid",
    severity: "error",
    description:
      "A cipher grade other than high, medium, null, low or export; TLS handshakes fail.",
    pitfalls: ["P06"],
  },
  {
    id: "tls-protocols-invalid",
    severity: "error",
    description:
      "A TLS protocol list with a word Postfix does not accept in the configured release; TLS is turned off.",
    pitfalls: ["P06"],
  },
  {
    id: "tls-protocol-bound-spaced",
    severity: "error",
    description:
      "A '>=' or '<=' separated from its protocol name; the name after it becomes the only protocol allowed.",
    pitfalls: ["P07"],
  },
  {
    id: "tls-protocols-gap",
    severity: "error",
    description:
      "A protocol list that leaves out a version between two allowed ones; only the versions below the gap stay usable.",
    pitfalls: ["P08"],
  },
  {
    id: "tls-protocols-allow-ssl",
    severity: "warning",
    description: "A protocol list that still allows SSLv3 or SSLv2.",
    pitfalls: ["P22"],
  },
  {
    id: "tls-exclude-cipher-prefix",
    severity: "error",
    description:
      "A cipher exclusion item starting with '!', '+', '-' or '@'; every TLS handshake that uses the list fails.",
    pitfalls: ["P09"],
  },
  {
    id: "tls-cipher-grade-null",
    severity: "warning",
    description: "The null cipher grade: TLS without encryption.",
    pitfalls: ["P18"],
  },
  {
    id: "tls-cipher-grade-obsolete",
    severity: "warning",
    description: "The export or low cipher grade.",
    pitfalls: ["P19"],
  },
  {
    id: "tls-cipherlist-changed",
    severity: "warning",
    description:
      "tls_high_cipherlist, tls_medium_cipherlist or tls_null_cipherlist changed from the built-in value.",
    pitfalls: ["P20"],
  },
  {
    id: "tls-session-cache-timeout-too-long",
    severity: "error",
    description: "A TLS session cache timeout above 100 days; tlsmgr refuses to start.",
    pitfalls: ["P39"],
  },
  {
    id: "tls-session-cache-timeout-ineffective",
    severity: "info",
    description:
      "A TLS session cache timeout of 0 (caching off) or below 2 minutes (raised to 2 minutes).",
    pitfalls: ["P39"],
  },
  {
    id: "tls-fingerprint-length",
    severity: "error",
    description:
      "A certificate fingerprint whose length or format does not fit the digest in effect; it can never match.",
    pitfalls: ["P49"],
  },
  {
    id: "tls-fingerprint-digest-weak",
    severity: "warning",
    description: "A fingerprint digest set to md5 or sha1.",
    pitfalls: ["P50"],
  },
  {
    id: "tls-fingerprint-digest-implicit-md5",
    severity: "info",
    description:
      "A compatibility_level below 3.6 that keeps md5 as the default digest of fingerprints in use.",
    pitfalls: ["P50"],
  },
  {
    id: "tls-dane-digests-no-sha256",
    severity: "warning",
    description: "tls_dane_digests without sha256.",
    pitfalls: ["P58"],
  },
  {
    id: "tls-loglevel-verbose",
    severity: "info",
    description: "A TLS log level of 2: a log entry for every handshake step.",
    pitfalls: ["P59"],
  },
  {
    id: "tls-loglevel-high",
    severity: "warning",
    description: "A TLS log level of 3 or more: packet dumps in the mail log.",
    pitfalls: ["P59"],
  },
  {
    id: "tls-loglevel-trace",
    severity: "warning",
    description:
      "The 'trace' TLS log keyword: one trace file per TLS session that nothing removes.",
    pitfalls: ["P59"],
  },
  {
    id: "tls-config-file-custom",
    severity: "warning",
    description:
      "tls_config_file names an OpenSSL configuration file; a problem in it turns TLS off.",
    pitfalls: ["P60"],
  },
  {
    id: "tls-config-file-invalid",
    severity: "error",
    description:
      "tls_config_file is neither default, none nor an absolute path; Postfix turns TLS off.",
    pitfalls: ["P60"],
  },
  {
    id: "tls-groups-missing-recommended",
    severity: "warning",
    description: "tls_eecdh_auto_curves set without X25519 or prime256v1 (P-256).",
    pitfalls: ["P60"],
  },
] as const satisfies readonly RuleDefinition[];

// ---------------------------------------------------------------------------
// Settings with their place in the document

interface Placed {
  setting: ParameterSetting;
  name: string;
  /** The value as Postfix stores it. */
  value: string;
  file: ConfigKind;
  /** The logical line (main.cf entry or master.cf service) that holds the setting. */
  line: LogicalLine;
  /** The whole document text of `file`. */
  text: string;
  service?: ServiceView;
  option?: MasterOption;
}

/**
 * The settings in effect whose names the release knows: main.cf's last assignment
 * of each name, and each service's `-o`. (Rules here are about known parameters only.)
 */
function placedSettings(context: RuleContext): Placed[] {
  const placed: Placed[] = [];
  const known = knownParameterSet(context.version);
  const mainText = context.main?.text ?? "";
  const mainKnown = context.parameterSettings
    .filter((record) => record.file === "main" && known.has(record.setting.name.text))
    .map((record) => record.setting)
    .sort((a, b) => a.name.start - b.name.start); // document order
  for (const setting of mainKnown) {
    placed.push({
      setting,
      name: setting.name.text,
      value: setting.value.text,
      file: "main",
      line: context.mainEntryOf(setting)!,
      text: mainText,
    });
  }
  const masterText = context.master?.text ?? "";
  for (const service of context.services) {
    for (const option of service.entry.options) {
      const setting = option.setting;
      if (!setting || !known.has(setting.name.text)) continue;
      if (service.settings.get(setting.name.text) !== setting) continue;
      placed.push({
        setting,
        name: setting.name.text,
        value: setting.value.text,
        file: "master",
        line: service.entry,
        text: masterText,
        service,
        option,
      });
    }
  }
  return placed;
}

/** Index in the logical text of a document offset inside one of the line's segments. */
function toLogical(line: LogicalLine, offset: number): number {
  for (let s = line.segments.length - 1; s >= 0; s--) {
    const segment = line.segments[s];
    if (offset >= segment.start)
      return line.segmentTextStarts[s] + Math.min(offset, segment.end) - segment.start;
  }
  return 0;
}

/** Document span of [from, to) of the value text. */
function valueSpan(p: Placed, from: number, to: number): Span {
  const base = toLogical(p.line, p.setting.value.start);
  return logicalSpan(p.line, base + from, base + to);
}

/** Document offset of index `at` of the value text (at may equal the value length). */
function valueOffset(p: Placed, at: number): number {
  if (at >= p.value.length) return p.setting.value.end;
  return valueSpan(p, at, at + 1).start;
}

/** A `-o name=value` without braces cannot hold whitespace: lists are joined with commas. */
function compact(p: Placed): boolean {
  return p.file === "master" && !p.option?.braces;
}

function listJoiner(p: Placed): string {
  return compact(p) ? "," : ", ";
}

interface Word {
  text: string;
  start: number;
  end: number;
}

/** The words of a value between separator characters, with their positions in the value. */
function words(value: string, separators: RegExp): Word[] {
  const result: Word[] = [];
  let start = -1;
  for (let i = 0; i <= value.length; i++) {
    const separator = i === value.length || separators.test(value[i]);
    if (separator && start >= 0) {
      result.push({ text: value.slice(start, i), start, end: i });
      start = -1;
    } else if (!separator && start < 0) start = i;
  }
  return result;
}

/** Postfix's CHARS_COMMA_SP, plus ':' where a list also accepts it. */
const COMMA_SPACE = /[\s,]/;
const COMMA_SPACE_COLON = /[\s,:]/;

function finding(
  rule: Finding["rule"],
  p: Placed,
  span: Span,
  message: string,
  fix?: Fix,
): Finding {
  const result: Finding = { rule, file: p.file, start: span.start, end: span.end, message };
  if (fix) result.fix = fix;
  return result;
}

/** A fix replacing the whole value. */
function replaceValue(p: Placed, newValue: string, title?: string): Fix {
  return {
    title: title ?? `Change to ${newValue}`,
    edits: [{ start: p.setting.value.start, end: p.setting.value.end, newText: newValue }],
  };
}

/** A fix deleting the setting: the main.cf line, or the `-o` and its value. */
function removeSetting(p: Placed, title: string): Fix | undefined {
  if (p.file === "main") {
    let end = p.line.end;
    if (p.text[end] === "\n") end++;
    return { title, edits: [{ start: p.line.start, end, newText: "" }] };
  }
  const option = p.option;
  if (!option?.value || p.text.slice(option.flag.start, option.flag.start + 2) !== "-o")
    return undefined;
  let start = option.flag.start;
  while (start > p.line.start && isSpace(p.text.charCodeAt(start - 1))) start--;
  return { title, edits: [{ start, end: option.value.end, newText: "" }] };
}

function atLeast(version: string, release: string): boolean {
  return compareVersions(version, release) >= 0;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The one candidate within two edits of `word` (case-insensitive), if exactly one is closest. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  let tie = false;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}

/** "a", "a and b", "a, b and c" (or with "or"). */
function enumerate(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

const quoted = (items: readonly string[]) => enumerate(items.map((item) => `"${excerpt(item)}"`));

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Who reads a parameter, for messages. */
function programOf(name: string): string {
  if (name.startsWith("smtpd_")) return "smtpd";
  if (name.startsWith("smtp_")) return "the SMTP client";
  if (name.startsWith("lmtp_")) return "the LMTP client";
  if (name.startsWith("postscreen_")) return "postscreen";
  if (name.startsWith("tlsproxy_")) return "tlsproxy";
  return "Postfix";
}

// ---------------------------------------------------------------------------
// Entry point

export function checkTlsValues(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const placed = placedSettings(context);
  let lmtpUnix: boolean | undefined;
  const lmtpExempt = () => (lmtpUnix ??= lmtpMayUseUnixSockets(context));
  for (const p of placed) {
    const name = p.name;
    // Any non-empty value is advice-worthy, "btree:${data_directory}/..." included.
    if (name === "smtpd_tls_session_cache_database") findings.push(...checkServerCache(p));
    if (p.value.includes("$") || /(^|\s)#/.test(p.value)) continue;
    if (LEVEL_PARAMETER.test(name)) findings.push(...checkLevel(context, p));
    else if (GRADE_PARAMETER.test(name)) findings.push(...checkGrade(context, p, lmtpExempt));
    else if (PROTOCOL_PARAMETER.test(name)) findings.push(...checkProtocols(context, p));
    else if (EXCLUDE_PARAMETER.test(name)) findings.push(...checkExclusions(p));
    else if (CIPHERLIST_PARAMETER.test(name)) findings.push(...checkCipherlist(context, p));
    else if (TIMEOUT_PARAMETER.test(name)) findings.push(...checkTimeout(context, p));
    else if (CERT_MATCH_PARAMETER.test(name)) findings.push(...checkCertMatch(context, p));
    else if (name === "relay_clientcerts") findings.push(...checkRelayClientcerts(context, p));
    else if (DIGEST_PARAMETER.test(name)) findings.push(...checkDigest(context, p));
    else if (name === "tls_dane_digests") findings.push(...checkDaneDigests(p));
    else if (LOGLEVEL_PARAMETER.test(name)) findings.push(...checkLoglevel(context, p));
    else if (name === "tls_config_file") findings.push(...checkConfigFile(p));
    else if (name === "tls_eecdh_auto_curves") findings.push(...checkGroups(context, p));
  }
  findings.push(...implicitMd5(context));
  return findings;
}

// ---------------------------------------------------------------------------
// P06: security levels

const LEVEL_PARAMETER =
  /^(?:(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_security_level|tlsproxy_client_(?:security_)?level)$/;
const CLIENT_LEVELS = TLS_CLIENT_LEVELS.map((level) => level.value);
const SERVER_LEVELS = TLS_SERVER_LEVELS.map((level) => level.value);
/** Levels added after the security_level parameters themselves. */
const LEVEL_SINCE: Record<string, string> = Object.fromEntries(
  [...TLS_CLIENT_LEVELS, ...TLS_SERVER_LEVELS].flatMap((level) =>
    level.since ? [[level.value, level.since]] : [],
  ),
);

function checkLevel(context: RuleContext, p: Placed): Finding[] {
  const word = p.value.trim().toLowerCase();
  if (word === "") return [];
  const server = /^(smtpd|postscreen|tlsproxy_tls)_/.test(p.name);
  const program = programOf(p.name);
  const since = LEVEL_SINCE[word];
  if (CLIENT_LEVELS.includes(word)) {
    // Client levels on the server side are pitfall P32, checked elsewhere.
    if (server || !since || atLeast(context.version, since)) return [];
    return [
      finding(
        "tls-level-invalid",
        p,
        p.setting.value,
        `The "${excerpt(word)}" level needs Postfix ${since} or later; Postfix ${context.version} does not know it, and ${program} stops with "Invalid TLS level".`,
      ),
    ];
  }
  const valid = (server ? SERVER_LEVELS : CLIENT_LEVELS).filter(
    (level) => !LEVEL_SINCE[level] || atLeast(context.version, LEVEL_SINCE[level]),
  );
  const why =
    word === "halfdane"
      ? `"halfdane" appears in Postfix logs, but it cannot be configured`
      : `"${excerpt(p.value)}" is not a TLS security level`;
  const suggestion = closest(word, valid);
  return [
    finding(
      "tls-level-invalid",
      p,
      p.setting.value,
      `${why}: ${program} stops with "Invalid TLS level" instead of handling mail. Use ${enumerate(valid, "or")}.`,
      suggestion ? replaceValue(p, suggestion) : undefined,
    ),
  ];
}

// ---------------------------------------------------------------------------
// P06, P18, P19: cipher grades

const GRADE_PARAMETER = /^(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_(?:mandatory_)?ciphers$/;
const GRADES = ["high", "medium", "null", "low", "export"];

function checkGrade(context: RuleContext, p: Placed, lmtpExempt: () => boolean): Finding[] {
  const grade = p.value.trim().toLowerCase();
  const program = programOf(p.name);
  if (!GRADES.includes(grade)) {
    const suggestion = grade ? closest(grade, ["high", "medium", "null"]) : undefined;
    const what = grade
      ? `"${excerpt(p.value)}" is not a cipher grade`
      : "An empty value is not a cipher grade";
    return [
      finding(
        "tls-cipher-grade-invalid",
        p,
        p.setting.value,
        `${what}: every TLS handshake of ${program} that uses ${p.name} fails ("invalid cipher grade"). Use high, medium or null; medium is the usual choice.`,
        suggestion ? replaceValue(p, suggestion) : undefined,
      ),
    ];
  }
  if (grade === "null") {
    if (p.name.startsWith("lmtp_") && lmtpExempt()) return [];
    return [
      finding(
        "tls-cipher-grade-null",
        p,
        p.setting.value,
        `The null grade allows only cipher suites without encryption. Mail in these TLS sessions of ${program} is readable by anyone on the path, and most peers do not offer such suites, so their handshakes fail. Use medium.`,
        replaceValue(p, "medium"),
      ),
    ];
  }
  if (grade === "low" || grade === "export") {
    const effect = atLeast(context.version, "3.8")
      ? `Postfix ${context.version} treats it as medium, so the setting does not do what it says`
      : `it lets ${program} negotiate cipher suites that are long broken`;
    return [
      finding(
        "tls-cipher-grade-obsolete",
        p,
        p.setting.value,
        `"${excerpt(p.value)}" is an obsolete cipher grade: ${effect}. Use medium.`,
        replaceValue(p, "medium"),
      ),
    ];
  }
  return [];
}

/**
 * Whether LMTP may deliver over UNIX-domain sockets, where the null grade makes
 * sense: a visible `lmtp:unix:` destination, or a transport table we cannot read.
 */
function lmtpMayUseUnixSockets(context: RuleContext): boolean {
  if (context.valueOf("transport_maps").trim() !== "") return true;
  const transports = new Set(["lmtp"]);
  for (const service of context.services)
    if (service.command === "lmtp") transports.add(service.name);
  return context.settings.some(({ setting }) => {
    const value = setting.value.text;
    return (
      value.includes(":unix:") &&
      [...value.matchAll(/(?:^|[\s,{=])([\w.-]+):unix:/g)].some((m) => transports.has(m[1]))
    );
  });
}

// ---------------------------------------------------------------------------
// P06, P07, P08, P22: protocol lists

const PROTOCOL_PARAMETER = /^(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_(?:mandatory_)?protocols$/;

interface Protocol {
  name: string;
  /** The wire version, as in `>=0303`. */
  code: number;
  since: string;
  tls: boolean;
}

const PROTOCOLS: Protocol[] = [
  { name: "SSLv2", code: 0x0002, since: "2.0", tls: false },
  { name: "SSLv3", code: 0x0300, since: "2.0", tls: false },
  { name: "TLSv1", code: 0x0301, since: "2.0", tls: true },
  { name: "TLSv1.1", code: 0x0302, since: "2.10", tls: true },
  { name: "TLSv1.2", code: 0x0303, since: "2.10", tls: true },
  { name: "TLSv1.3", code: 0x0304, since: "3.0", tls: true },
];

/** `>=` and `<=` take these names (SSLv2 is not among them) or a hex number. */
const BOUND_NAMES: Record<string, number> = {
  none: 0,
  sslv3: 0x0300,
  tlsv1: 0x0301,
  "tlsv1.1": 0x0302,
  "tlsv1.2": 0x0303,
  "tlsv1.3": 0x0304,
};

type ProtocolWord = Word &
  (
    | { kind: "include" | "exclude"; protocol: Protocol }
    | { kind: "floor" | "ceiling"; bound: number; lone: boolean }
    | { kind: "invalid"; tooOld?: boolean }
  );

function knownProtocols(version: string): Protocol[] {
  return PROTOCOLS.filter((protocol) => atLeast(version, protocol.since));
}

function parseProtocolWords(
  value: string,
  version: string,
  bounds = atLeast(version, "3.6"),
): ProtocolWord[] {
  const known = knownProtocols(version);
  const byName = (name: string) =>
    known.find((protocol) => protocol.name.toLowerCase() === name.toLowerCase());
  return words(value, COMMA_SPACE_COLON).map((word): ProtocolWord => {
    const text = word.text;
    if (text.startsWith(">=") || text.startsWith("<=")) {
      if (!bounds) return { ...word, kind: "invalid", tooOld: true };
      const bound = parseBound(text.slice(2));
      if (bound === undefined) return { ...word, kind: "invalid" };
      return {
        ...word,
        kind: text[0] === ">" ? "floor" : "ceiling",
        bound,
        lone: text.length === 2,
      };
    }
    const negated = text.startsWith("!");
    const protocol = byName(negated ? text.slice(1) : text);
    if (!protocol) return { ...word, kind: "invalid" };
    return { ...word, kind: negated ? "exclude" : "include", protocol };
  });
}

/** parse_tls_version(): a name of the version table or a hex number (empty: 0). */
function parseBound(text: string): number | undefined {
  const named = BOUND_NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  if (text === "") return 0;
  if (!/^(0x)?[0-9a-f]+$/i.test(text)) return undefined;
  const number = parseInt(text, 16);
  return number <= 0x7fffffff ? number : undefined;
}

/** The protocols a valid list allows, as tls_proto_mask_lims() computes them. */
function allowedProtocols(list: ProtocolWord[], version: string): Protocol[] {
  let floor = 0;
  let ceiling = 0;
  const include = new Set<Protocol>();
  const exclude = new Set<Protocol>();
  for (const word of list) {
    if (word.kind === "floor") floor = word.bound;
    else if (word.kind === "ceiling") ceiling = word.bound;
    else if (word.kind === "include") include.add(word.protocol);
    else if (word.kind === "exclude") exclude.add(word.protocol);
  }
  return knownProtocols(version).filter(
    (protocol) =>
      (floor === 0 || protocol.code >= floor) &&
      (ceiling === 0 || protocol.code <= ceiling) &&
      !exclude.has(protocol) &&
      (include.size === 0 || include.has(protocol)),
  );
}

function protocolFailure(name: string): string {
  return /^(smtp|lmtp)_/.test(name)
    ? `${programOf(name)} rejects the whole list and gives up every TLS handshake before it starts`
    : `${programOf(name)} rejects the whole list and turns TLS off (no STARTTLS)`;
}

function checkProtocols(context: RuleContext, p: Placed): Finding[] {
  const version = context.version;
  const list = parseProtocolWords(p.value, version);
  const findings: Finding[] = [];

  // P07: a lone ">=" or "<=" (only since 3.6; before that any bound is invalid).
  const lone = list.filter(
    (word) => (word.kind === "floor" || word.kind === "ceiling") && word.lone,
  );
  const joinable = (index: number) => {
    const next = list[index + 1];
    return next && parseBound(next.text) !== undefined && !/^[!<>]/.test(next.text);
  };
  const invalid = list.filter(
    (word, index) =>
      word.kind === "invalid" &&
      !(index > 0 && lone.includes(list[index - 1]) && joinable(index - 1)),
  );

  if (lone.length > 0) {
    const valid = list.every((word) => word.kind !== "invalid");
    findings.push(spacedBound(p, list, lone, valid, version));
  }
  if (invalid.length > 0) {
    findings.push(invalidProtocols(context, p, invalid));
    return findings;
  }
  if (lone.length > 0) return findings;

  const allowed = allowedProtocols(list, version);
  const gap = protocolGap(p, list, allowed, version);
  if (gap) findings.push(gap);
  const ssl = sslAllowed(p, list, allowed, version);
  if (ssl) findings.push(ssl);
  return findings;
}

function spacedBound(
  p: Placed,
  list: ProtocolWord[],
  lone: ProtocolWord[],
  valid: boolean,
  version: string,
): Finding {
  const first = lone[0];
  const next = list[list.indexOf(first) + 1];
  let effect: string;
  if (!valid) effect = `; ${protocolFailure(p.name)}`;
  else {
    const allowed = allowedProtocols(list, version);
    // What the list would allow with each lone bound joined to the word after it.
    const joined = list
      .map((word, index) =>
        index > 0 && lone.includes(list[index - 1]) ? list[index - 1].text + word.text : word.text,
      )
      .filter((text) => text !== ">=" && text !== "<=");
    const intended = parseProtocolWords(joined.join(" "), version);
    const lost = intended.some((word) => word.kind === "invalid")
      ? []
      : allowedProtocols(intended, version)
          .filter((protocol) => protocol.tls && !allowed.includes(protocol))
          .map((protocol) => protocol.name);
    const includes = list.filter((word) => word.kind === "include").map((word) => word.text);
    effect =
      includes.length > 0
        ? `, and ${quoted(includes)} after it ${includes.length > 1 ? "become the only protocols" : "becomes the only protocol"} allowed` +
          (lost.length > 0 ? `, so ${enumerate(lost)} ${lost.length > 1 ? "are" : "is"} off` : "")
        : "";
  }
  const target = next
    ? `"${excerpt(first.text + next.text)}"`
    : `"${excerpt(first.text)}" directly followed by a protocol name`;
  const message = `"${excerpt(first.text)}" is separated from the protocol after it, so Postfix reads it as a bound without a version. That sets no limit${effect}. Write ${target} without a space.`;
  const edits: FixEdit[] = [];
  for (const word of lone) {
    const index = list.indexOf(word);
    const following = list[index + 1];
    if (!following || parseBound(following.text) === undefined || /^[!<>]/.test(following.text))
      continue;
    edits.push({
      start: valueSpan(p, word.start, word.end).end,
      end: valueOffset(p, following.start),
      newText: "",
    });
  }
  const fix =
    edits.length > 0
      ? {
          title:
            lone.length === 1 && next
              ? `Join "${excerpt(first.text)}" and "${excerpt(next.text)}"`
              : "Join the bounds with their protocols",
          edits,
        }
      : undefined;
  return finding(
    "tls-protocol-bound-spaced",
    p,
    valueSpan(p, first.start, next && edits.length > 0 ? next.end : first.end),
    message,
    fix,
  );
}

function invalidProtocols(context: RuleContext, p: Placed, invalid: ProtocolWord[]): Finding {
  const version = context.version;
  const known = knownProtocols(version).map((protocol) => protocol.name);
  const tooOld = invalid.filter((word) => word.kind === "invalid" && word.tooOld);
  const unknown = invalid.filter((word) => !tooOld.includes(word));
  const parts: string[] = [];
  if (unknown.length > 0)
    parts.push(
      `${quoted(unknown.map((word) => word.text))} ${unknown.length > 1 ? "are not protocol names" : "is not a protocol name"} that Postfix ${version} knows`,
    );
  if (tooOld.length > 0)
    parts.push(`the ">=" and "<=" forms need Postfix 3.6 or later, and this is Postfix ${version}`);
  const allowedForms = atLeast(version, "3.6")
    ? `${known.join(", ")}, each also with "!" in front, or ">=name" and "<=name"`
    : `${known.join(", ")}, each also with "!" in front`;
  const message = `Invalid protocol list: ${protocolFailure(p.name)}. ${capitalize(parts.join("; "))}. Valid words: ${allowedForms}.`;
  const span =
    invalid.length === 1 ? valueSpan(p, invalid[0].start, invalid[0].end) : p.setting.value;
  return finding(
    "tls-protocols-invalid",
    p,
    span,
    message,
    invalidProtocolsFix(p, invalid, version),
  );
}

/** Corrects misspelt names, or turns bounds into an exclusion list for releases before 3.6. */
function invalidProtocolsFix(p: Placed, invalid: ProtocolWord[], version: string): Fix | undefined {
  const known = knownProtocols(version);
  if (invalid.every((word) => word.kind === "invalid" && word.tooOld)) {
    // Evaluate the bounds as 3.6 would and spell the result as exclusions.
    const modern = parseProtocolWords(p.value, version, true);
    if (modern.some((word) => word.kind === "invalid" || ("lone" in word && word.lone)))
      return undefined;
    const allowed = allowedProtocols(modern, version);
    if (allowed.length === 0 || !contiguous(allowed, known)) return undefined;
    const excluded = known.filter((protocol) => !allowed.includes(protocol));
    if (excluded.length === 0) return undefined;
    const newValue = excluded.map((protocol) => `!${protocol.name}`).join(listJoiner(p));
    return replaceValue(p, newValue, `Replace with ${newValue}`);
  }
  const names = known.map((protocol) => protocol.name);
  const edits: FixEdit[] = [];
  for (const word of invalid) {
    if (word.kind === "invalid" && word.tooOld) return undefined;
    const prefix = /^(!|>=|<=)/.exec(word.text)?.[0] ?? "";
    const rest = word.text.slice(prefix.length);
    const candidates =
      prefix === ">=" || prefix === "<=" ? names.filter((n) => n !== "SSLv2") : names;
    const replacement = /^tlsv1\.0$/i.test(rest) ? "TLSv1" : closest(rest, candidates);
    if (!replacement) return undefined;
    edits.push({ ...valueSpan(p, word.start, word.end), newText: prefix + replacement });
  }
  const title = edits.length === 1 ? `Change to ${edits[0].newText}` : "Correct the protocol names";
  return { title, edits };
}

/** Whether the TLS versions among `allowed` form one run without holes. */
function contiguous(allowed: Protocol[], known: Protocol[]): boolean {
  const flags = known
    .filter((protocol) => protocol.tls)
    .map((protocol) => allowed.includes(protocol));
  const first = flags.indexOf(true);
  if (first < 0) return true;
  const last = flags.lastIndexOf(true);
  return flags.slice(first, last + 1).every(Boolean);
}

/** P08: OpenSSL cannot skip a version; it keeps only the versions below the first gap. */
function protocolGap(
  p: Placed,
  list: ProtocolWord[],
  allowed: Protocol[],
  version: string,
): Finding | undefined {
  const tls = knownProtocols(version).filter((protocol) => protocol.tls);
  const flags = tls.map((protocol) => allowed.includes(protocol));
  const first = flags.indexOf(true);
  if (first < 0) return undefined;
  let runEnd = first;
  while (runEnd + 1 < flags.length && flags[runEnd + 1]) runEnd++;
  const cut = tls.slice(runEnd + 1).filter((protocol) => allowed.includes(protocol));
  if (cut.length === 0) return undefined;
  const holes = tls
    .slice(first, tls.indexOf(cut[cut.length - 1]))
    .filter((protocol) => !allowed.includes(protocol));
  const kept = tls.slice(first, runEnd + 1).map((protocol) => protocol.name);
  const message =
    `This list turns ${enumerate(holes.map((protocol) => protocol.name))} off but leaves ` +
    `${enumerate([...kept, ...cut.map((protocol) => protocol.name)])} on. ` +
    `OpenSSL cannot skip a version: it uses only the versions below the gap, so ` +
    `${enumerate(kept)} ${kept.length > 1 ? "remain" : "remains"} and ${enumerate(cut.map((protocol) => protocol.name))} ${cut.length > 1 ? "are" : "is"} off. ` +
    (atLeast(version, "3.6")
      ? `Set a lower bound instead, e.g. ">=TLSv1.2".`
      : "Exclude every version below the lowest one you want.");
  return finding(
    "tls-protocols-gap",
    p,
    p.setting.value,
    message,
    gapFix(p, list, allowed, version),
  );
}

/**
 * For a pure "!" list: the lower bound just above the highest excluded version,
 * offered only when that drops fewer of the versions the list allows than a
 * ceiling below the gap would; otherwise the intent is not clear.
 */
function gapFix(
  p: Placed,
  list: ProtocolWord[],
  allowed: Protocol[],
  version: string,
): Fix | undefined {
  if (!list.every((word) => word.kind === "exclude")) return undefined;
  const known = knownProtocols(version);
  const tls = known.filter((protocol) => protocol.tls);
  let highest = -1;
  for (const word of list)
    if (word.kind === "exclude") highest = Math.max(highest, tls.indexOf(word.protocol));
  if (highest < 0 || highest + 1 >= tls.length) return undefined;
  const below = tls.slice(0, highest).filter((protocol) => allowed.includes(protocol)).length;
  const above = tls.slice(highest + 1).filter((protocol) => allowed.includes(protocol)).length;
  if (below >= above) return undefined;
  const floor = tls[highest + 1];
  const newValue = atLeast(version, "3.6")
    ? `>=${floor.name}`
    : known
        .filter((protocol) => protocol.code < floor.code)
        .map((protocol) => `!${protocol.name}`)
        .join(listJoiner(p));
  return replaceValue(p, newValue, `Replace with ${newValue}`);
}

/** P22: SSLv3 or SSLv2 still allowed by an explicit list. */
function sslAllowed(
  p: Placed,
  list: ProtocolWord[],
  allowed: Protocol[],
  version: string,
): Finding | undefined {
  if (list.length === 0) return undefined;
  const ssl = allowed.filter((protocol) => !protocol.tls).map((protocol) => protocol.name);
  if (ssl.length === 0) return undefined;
  const hasFloor = list.some((word) => word.kind === "floor" && word.bound > 0);
  const why =
    hasFloor || list.some((word) => word.kind === "include") ? "" : " (it sets no lower limit)";
  const message =
    `This list still allows ${enumerate(ssl)}${why}. SSL protocols are broken, and any handshake that ends up on them is not protected. ` +
    (atLeast(version, "3.6") ? `Use ">=TLSv1" or higher.` : `Exclude them with "!SSLv2, !SSLv3".`);
  return finding(
    "tls-protocols-allow-ssl",
    p,
    p.setting.value,
    message,
    sslFix(p, list, allowed, version),
  );
}

function sslFix(
  p: Placed,
  list: ProtocolWord[],
  allowed: Protocol[],
  version: string,
): Fix | undefined {
  const known = knownProtocols(version);
  const tls = allowed.filter((protocol) => protocol.tls);
  if (tls.length === 0 || !contiguous(tls, known)) return undefined;
  let newValue: string;
  if (atLeast(version, "3.6")) {
    const top = known.filter((protocol) => protocol.tls).pop()!;
    const highest = tls[tls.length - 1];
    newValue = `>=${tls[0].name}` + (highest === top ? "" : `${listJoiner(p)}<=${highest.name}`);
  } else {
    if (!list.every((word) => word.kind === "exclude")) return undefined;
    newValue = known
      .filter((protocol) => !protocol.tls || !allowed.includes(protocol))
      .map((protocol) => `!${protocol.name}`)
      .join(listJoiner(p));
  }
  return replaceValue(p, newValue, `Replace with ${newValue}`);
}

// ---------------------------------------------------------------------------
// P09: cipher exclusion lists

const EXCLUDE_PARAMETER =
  /^(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_(?:mandatory_)?exclude_ciphers$/;

function checkExclusions(p: Placed): Finding[] {
  const items = words(p.value, COMMA_SPACE_COLON);
  const bad = items.filter((item) => "!+-@".includes(item.text[0]));
  if (bad.length === 0) return [];
  const span = bad.length === 1 ? valueSpan(p, bad[0].start, bad[0].end) : p.setting.value;
  const message =
    `${quoted(bad.map((item) => item.text))} ${bad.length > 1 ? "start" : "starts"} with "!", "+", "-" or "@". ` +
    `${p.name} lists the ciphers or properties to leave out, each as a plain name; it is not an OpenSSL cipher string. ` +
    `With this value every TLS handshake that uses the list fails ("invalid unary '!+-@' in cipher exclusion").`;
  return [finding("tls-exclude-cipher-prefix", p, span, message, exclusionFix(p, items, bad))];
}

function exclusionFix(p: Placed, items: Word[], bad: Word[]): Fix {
  const stripped = (item: Word) => item.text.replace(/^[!+\-@]+/, "");
  const dropped = (item: Word) => /^[!+-]*@/.test(item.text) || stripped(item) === "";
  if (!bad.some(dropped)) {
    return {
      title: 'Remove the "!", "+", "-" prefixes',
      edits: bad.map((item) => ({
        ...valueSpan(p, item.start, item.end),
        newText: stripped(item),
      })),
    };
  }
  const kept = items
    .filter((item) => !dropped(item))
    .map((item) => (bad.includes(item) ? stripped(item) : item.text));
  const joiner = p.value.includes(",") || compact(p) ? listJoiner(p) : " ";
  return replaceValue(p, kept.join(joiner), 'Remove the "!+-@" prefixes and the "@" items');
}

// ---------------------------------------------------------------------------
// P20: base cipher lists

const CIPHERLIST_PARAMETER = /^tls_(high|medium|null)_cipherlist$/;

function checkCipherlist(context: RuleContext, p: Placed): Finding[] {
  const builtIn = defaultValue(p.name, context.version);
  if (builtIn === undefined) return [];
  const normal = (value: string) =>
    value
      .split(/[\s,:]+/)
      .filter(Boolean)
      .join(":");
  if (normal(p.value) === normal(builtIn)) return [];
  const grade = CIPHERLIST_PARAMETER.exec(p.name)![1];
  const message =
    `${p.name} differs from its built-in value. It defines the "${excerpt(grade)}" grade for every service that uses that grade, ` +
    `and a hand-made list does not follow the improvements of later Postfix releases. ` +
    `Remove it, and leave out unwanted ciphers with the *_exclude_ciphers parameters instead.`;
  return [
    finding(
      "tls-cipherlist-changed",
      p,
      p.setting.name,
      message,
      removeSetting(p, `Remove ${p.name} (use the built-in list)`),
    ),
  ];
}

// ---------------------------------------------------------------------------
// P39: session cache timeouts (read by tlsmgr; -o overrides have no effect, see P38)

const TIMEOUT_PARAMETER = /^(?:smtp|lmtp|smtpd)_tls_session_cache_timeout$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const MAX_CACHE_TIMEOUT = 100 * 86400;
const MIN_CACHE_TIMEOUT = 120;

function checkTimeout(context: RuleContext, p: Placed): Finding[] {
  if (p.file !== "main") return [];
  const match = /^(\d+)([smhdw]?)$/.exec(p.value.trim());
  if (!match) return []; // not a time value at all: invalid-time
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || "s"];
  if (seconds > 0x7fffffff) return [];
  if (seconds > MAX_CACHE_TIMEOUT && atLeast(context.version, "2.11")) {
    return [
      finding(
        "tls-session-cache-timeout-too-long",
        p,
        p.setting.value,
        `${p.value} is more than the 100-day maximum, so tlsmgr stops at start-up. It logs "invalid ${p.name}", and with it stop the TLS session caches and the random-number seeding of all TLS services. Use at most 100d; 3600s is the default.`,
        replaceValue(p, "3600s", "Change to 3600s (the default)"),
      ),
    ];
  }
  if (seconds === 0) {
    const tickets = p.name.startsWith("smtpd_")
      ? ", and smtpd also stops issuing session tickets"
      : "";
    return [
      finding(
        "tls-session-cache-timeout-ineffective",
        p,
        p.setting.value,
        `A timeout of 0 turns TLS session resumption off for ${programOf(p.name)}${tickets}. Every connection pays for a full handshake. If that is not intended, use a value such as 3600s.`,
        replaceValue(p, "3600s", "Change to 3600s (the default)"),
      ),
    ];
  }
  if (seconds < MIN_CACHE_TIMEOUT) {
    return [
      finding(
        "tls-session-cache-timeout-ineffective",
        p,
        p.setting.value,
        `tlsmgr raises session cache timeouts below 2 minutes to 2 minutes, so ${p.value} does not take effect. Write 120s or more.`,
        replaceValue(p, "120s"),
      ),
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------
// P49: fingerprints; P50: fingerprint digests

const CERT_MATCH_PARAMETER = /^(smtp|lmtp)_tls_fingerprint_cert_match$/;
const DIGEST_PARAMETER =
  /^(?:(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls|tlsproxy_client)_fingerprint_digest$/;
const DIGEST_HEX_DIGITS: Record<string, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

interface Fingerprint {
  text: string;
  start: number;
  end: number;
}

/** What is wrong with the fingerprints, or undefined when nothing is. */
function fingerprintProblems(
  prints: Fingerprint[],
  digest: string,
  colonsRequired: boolean,
): { bad: Fingerprint[]; reason: string } | undefined {
  const expected = DIGEST_HEX_DIGITS[digest];
  const malformed: Fingerprint[] = [];
  const noColons: Fingerprint[] = [];
  const wrongLength: Fingerprint[] = [];
  for (const print of prints) {
    const hex = print.text.replace(/:/g, "");
    if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) malformed.push(print);
    else if (expected !== undefined && hex.length !== expected) wrongLength.push(print);
    else if (colonsRequired && !print.text.includes(":") && hex.length > 2) noColons.push(print);
  }
  if (wrongLength.length > 0) {
    const lengths = [...new Set(wrongLength.map((print) => print.text.replace(/:/g, "").length))];
    const guesses = Object.entries(DIGEST_HEX_DIGITS)
      .filter(([, digits]) => lengths.length === 1 && digits === lengths[0])
      .map(([name]) => name);
    return {
      bad: wrongLength,
      reason:
        `${wrongLength.length > 1 ? `${wrongLength.length} fingerprints have` : "The fingerprint has"} ${enumerate(lengths.map(String))} hex digits, ` +
        `but ${digest} fingerprints have ${expected}` +
        (guesses.length > 0 ? ` (${enumerate(lengths.map(String))} fits ${guesses[0]})` : ""),
    };
  }
  if (malformed.length > 0) {
    return {
      bad: malformed,
      reason: `${malformed.length > 1 ? `${malformed.length} entries are` : "An entry is"} not a hex fingerprint (pairs of hex digits, optionally separated by ':')`,
    };
  }
  if (noColons.length > 0) {
    return {
      bad: noColons,
      reason: `${noColons.length > 1 ? `${noColons.length} fingerprints are` : "A fingerprint is"} written without ':' between the byte pairs, but Postfix compares the colon-separated form`,
    };
  }
  return undefined;
}

function digestSource(context: RuleContext, digestName: string, service?: ServiceView): string {
  const source = context.sourceOf(digestName, service);
  if (source) return source.file === "master" ? "set on this service" : "set in main.cf";
  return "the default of this configuration";
}

function checkCertMatch(context: RuleContext, p: Placed): Finding[] {
  const digestName = p.name.replace(/_fingerprint_cert_match$/, "_fingerprint_digest");
  const digest = context.valueOf(digestName, p.service).trim().toLowerCase();
  const prints = words(p.value, COMMA_SPACE);
  const problem = fingerprintProblems(prints, digest, !atLeast(context.version, "3.6"));
  if (!problem) return [];
  const span =
    problem.bad.length === 1
      ? valueSpan(p, problem.bad[0].start, problem.bad[0].end)
      : p.setting.value;
  return [
    finding(
      "tls-fingerprint-length",
      p,
      span,
      `${problem.reason}. ${digestName} is ${digest} (${digestSource(context, digestName, p.service)}). Such an entry can never match, so the fingerprint security level fails for these servers. Recompute the fingerprints with ${digest}, or set ${digestName} to the digest they were made with.`,
    ),
  ];
}

/** relay_clientcerts: only `inline:{...}` tables can be read here; their keys are fingerprints. */
function checkRelayClientcerts(context: RuleContext, p: Placed): Finding[] {
  const digest = context.valueOf("smtpd_tls_fingerprint_digest", p.service).trim().toLowerCase();
  const keys = inlineKeys(p.value).filter(
    (key) => /^[0-9a-f:]+$/i.test(key.text) && key.text.length >= 8,
  );
  // smtpd looks up the colon-separated form, in every release.
  const problem = fingerprintProblems(keys, digest, true);
  if (!problem) return [];
  const span =
    problem.bad.length === 1
      ? valueSpan(p, problem.bad[0].start, problem.bad[0].end)
      : p.setting.value;
  return [
    finding(
      "tls-fingerprint-length",
      p,
      span,
      `${problem.reason}. smtpd_tls_fingerprint_digest is ${digest} (${digestSource(context, "smtpd_tls_fingerprint_digest", p.service)}). Such a key is never found, so permit_tls_clientcerts does not let that client relay. Recompute the fingerprints with ${digest} in the XX:XX:... form.`,
    ),
  ];
}

/** The keys of the `inline:{ key=value, { key = value } }` tables in a table list. */
function inlineKeys(value: string): Fingerprint[] {
  const keys: Fingerprint[] = [];
  for (const match of value.matchAll(/inline:\{/g)) {
    const open = match.index! + match[0].length - 1;
    const close = matchingBrace(value, open);
    let i = open + 1;
    while (i < close) {
      while (i < close && /[\s,]/.test(value[i])) i++;
      if (i >= close) break;
      let itemStart = i;
      let itemEnd: number;
      if (value[i] === "{") {
        const end = matchingBrace(value, i);
        itemStart = i + 1;
        itemEnd = Math.min(end, close);
        i = itemEnd + 1;
      } else {
        while (i < close && !/[\s,]/.test(value[i])) i++;
        itemEnd = i;
      }
      while (itemStart < itemEnd && /\s/.test(value[itemStart])) itemStart++;
      const equals = value.indexOf("=", itemStart);
      if (equals < 0 || equals >= itemEnd) continue;
      let keyEnd = equals;
      while (keyEnd > itemStart && /\s/.test(value[keyEnd - 1])) keyEnd--;
      keys.push({ text: value.slice(itemStart, keyEnd), start: itemStart, end: keyEnd });
    }
  }
  return keys;
}

function matchingBrace(text: string, open: number): number {
  let level = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") level++;
    else if (text[i] === "}" && --level === 0) return i;
  }
  return text.length;
}

function checkDigest(context: RuleContext, p: Placed): Finding[] {
  const findings: Finding[] = [];
  const digest = p.value.trim().toLowerCase();
  if (digest === "md5" || digest === "sha1") {
    findings.push(
      finding(
        "tls-fingerprint-digest-weak",
        p,
        p.setting.value,
        `${digest} is no longer a safe digest for certificate fingerprints: collisions can be forged. Use sha256, and recompute the fingerprints that go with ${p.name}.`,
        replaceValue(p, "sha256", "Change to sha256 (then recompute the fingerprints)"),
      ),
    );
  }
  // An -o digest with the fingerprints inherited from main.cf (P49 caused by this setting).
  const family = /^(smtp|lmtp)_tls_fingerprint_digest$/.exec(p.name)?.[1];
  if (family && p.service) {
    const matchName = `${family}_tls_fingerprint_cert_match`;
    const main = context.mainSettings.get(matchName)?.value.text;
    if (main !== undefined && !p.service.settings.has(matchName) && !main.includes("$")) {
      const problem = fingerprintProblems(
        words(main, COMMA_SPACE),
        digest,
        !atLeast(context.version, "3.6"),
      );
      if (problem && DIGEST_HEX_DIGITS[digest] !== undefined) {
        findings.push(
          finding(
            "tls-fingerprint-length",
            p,
            p.setting.value,
            `The fingerprints of ${matchName} in main.cf do not fit ${p.name}=${digest} on this service. ${problem.reason}. They can never match here. Give this service its own ${matchName}, or keep the digest of main.cf.`,
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * P50, implicit: compatibility_level below 3.6 keeps md5 as the fingerprint digest
 * default. Reported only for digests a fingerprint is used with: the fingerprint
 * level (main.cf or an -o), or smtpd's client-certificate checks. A policy table
 * that might name the fingerprint level cannot be read here.
 */
function implicitMd5(context: RuleContext): Finding[] {
  if (!atLeast(context.version, "3.6")) return [];
  const setting = context.mainSettings.get("compatibility_level");
  if (!setting) return [];
  const level = parseCompatibilityLevel(context.valueOf("compatibility_level"));
  if (level === undefined || level >= parseCompatibilityLevel("3.6")!) return [];
  const uses = fingerprintUses(context);
  const names = [...uses.keys()].filter(
    (name) =>
      !context.mainSettings.has(name) && context.valueOf(name).trim().toLowerCase() === "md5",
  );
  if (names.length === 0) return [];
  const users = [...new Set(names.map((name) => uses.get(name)!))];
  return [
    {
      rule: "tls-fingerprint-digest-implicit-md5",
      file: "main",
      start: setting.value.start,
      end: setting.value.end,
      message: `With compatibility_level ${setting.value.text}, ${enumerate(names)} ${names.length > 1 ? "default" : "defaults"} to md5, which is no longer safe for fingerprints. ${enumerate(users)} ${users.length > 1 ? "use" : "uses"} certificate fingerprints, and md5 ones can be forged. Set ${names.length > 1 ? "them" : "it"} to sha256 explicitly (and recompute the fingerprints), or raise compatibility_level to 3.6 or later once the other changed defaults are reviewed.`,
    },
  ];
}

const CLIENT_CERT_CHECKS = /(^|[\s,])(check_ccert_access|permit_tls_clientcerts)($|[\s,])/i;

/** The fingerprint digests a fingerprint is used with, each with the setting that uses it. */
function fingerprintUses(context: RuleContext): Map<string, string> {
  const uses = new Map<string, string>();
  for (const record of context.settings) {
    const name = record.setting.name.text;
    const value = record.setting.value.text;
    const client = /^(smtp|lmtp)_tls_security_level$/.exec(name)?.[1];
    if (client && value.trim().toLowerCase() === "fingerprint")
      uses.set(`${client}_tls_fingerprint_digest`, `${name} = fingerprint`);
    else if (name === "relay_clientcerts" && value.trim())
      uses.set("smtpd_tls_fingerprint_digest", "relay_clientcerts");
    else if (CLIENT_CERT_CHECKS.test(value))
      uses.set("smtpd_tls_fingerprint_digest", CLIENT_CERT_CHECKS.exec(value)![2].toLowerCase());
  }
  return uses;
}

// ---------------------------------------------------------------------------
// P58: DANE digests

function checkDaneDigests(p: Placed): Finding[] {
  const items = words(p.value, COMMA_SPACE);
  if (items.length === 0) return [];
  if (items.some((item) => item.text.split("=")[0].toLowerCase() === "sha256")) return [];
  const joiner = compact(p) ? "," : " ";
  return [
    finding(
      "tls-dane-digests-no-sha256",
      p,
      p.setting.value,
      `tls_dane_digests leaves out sha256. Nearly all TLSA records carry sha256 digests, and every DANE implementation must support it; without it Postfix cannot use those records, and DANE authentication fails for the servers that publish them. Add sha256.`,
      replaceValue(p, `${p.value}${joiner}sha256`, "Add sha256"),
    ),
  ];
}

// ---------------------------------------------------------------------------
// P37: the server's session cache database

function checkServerCache(p: Placed): Finding[] {
  if (!p.value.trim()) return [];
  if (/^dbm:/i.test(p.value)) {
    return [
      finding(
        "tls-server-cache-dbm",
        p,
        p.setting.value,
        "A dbm: table cannot hold TLS session objects (they are too large). Use btree: or lmdb: under $data_directory, or leave smtpd_tls_session_cache_database empty: session tickets make the cache unnecessary.",
      ),
    ];
  }
  return [
    finding(
      "tls-server-cache-database",
      p,
      p.setting.value,
      "smtpd_tls_session_cache_database is usually best left empty: session tickets make a server-side cache unnecessary. Since Postfix 2.11, tickets let clients resume sessions without it. If you keep it, put it under $data_directory (Postfix moves other locations there with a warning).",
    ),
  ];
}

// ---------------------------------------------------------------------------
// P59: TLS log levels

const LOGLEVEL_PARAMETER =
  /^(?:(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls|tlsproxy_client)_loglevel$/;
/** tls_log_table keywords by the numeric level they amount to. */
const LOG_KEYWORD_LEVEL: Record<string, number> = {
  none: 0,
  routine: 1,
  summary: 1,
  untrusted: 1,
  peercert: 1,
  certmatch: 1,
  dane: 1,
  debug: 2,
  verbose: 2,
  cache: 2,
  "ssl-debug": 2,
  "ssl-expert": 3,
  "ssl-handshake-packet-dump": 3,
  "ssl-developer": 4,
  "ssl-session-packet-dump": 4,
};

function checkLoglevel(context: RuleContext, p: Placed): Finding[] {
  const items = words(p.value.toLowerCase(), /[\s,|]/);
  let level = 0;
  for (const item of items) {
    const number = /^[0-9]$/.test(item.text)
      ? Math.min(Number(item.text), 4)
      : LOG_KEYWORD_LEVEL[item.text];
    if (number !== undefined) level = Math.max(level, number);
  }
  const findings: Finding[] = [];
  const mapsName = p.name.replace(/_loglevel$/, "_loglevel_maps");
  const maps = isKnownParameter(mapsName, context.version)
    ? ` To debug one peer, use ${mapsName} instead.`
    : "";
  if (level >= 3) {
    const what = level >= 4 ? "a hex dump of all TLS traffic" : "a hex dump of every TLS handshake";
    findings.push(
      finding(
        "tls-loglevel-high",
        p,
        p.setting.value,
        `TLS log level ${level} writes ${what} to the mail log: huge logs, and the dumps hold session data. Use 1 (or 0) outside a short debugging session.${maps}`,
        replaceValue(p, "1"),
      ),
    );
  } else if (level === 2) {
    findings.push(
      finding(
        "tls-loglevel-verbose",
        p,
        p.setting.value,
        `TLS log level 2 logs every step of each TLS handshake; that is for tracking down a problem, not for daily use. Use 1.${maps}`,
        replaceValue(p, "1"),
      ),
    );
  }
  const trace = items.find((item) => item.text === "trace");
  if (trace && atLeast(context.version, "3.12")) {
    const rest = items
      .filter((item) => item !== trace)
      .map((item) => p.value.slice(item.start, item.end));
    const newValue = rest.length > 0 ? rest.join(listJoiner(p)) : "1";
    findings.push(
      finding(
        "tls-loglevel-trace",
        p,
        valueSpan(p, trace.start, trace.end),
        `"trace" writes a trace file for every TLS session of ${programOf(p.name)}, and nothing removes those files. They pile up under $queue_directory/tlstrace. Remove it once the problem is found.${maps}`,
        replaceValue(p, newValue, "Remove trace"),
      ),
    );
  }
  return findings;
}

// ---------------------------------------------------------------------------
// P60: OpenSSL configuration file and key exchange groups

function checkConfigFile(p: Placed): Finding[] {
  const value = p.value.trim();
  if (value === "default" || value === "none") return [];
  if (value.startsWith("/")) {
    return [
      finding(
        "tls-config-file-custom",
        p,
        p.setting.value,
        `Any error in ${value}, or a missing section for tls_config_name, turns TLS off for every service. Postfix loads the file strictly, and its settings also apply to opportunistic TLS, where stricter means more mail in plaintext. Prefer none and tune TLS with Postfix's own parameters.`,
        replaceValue(p, "none"),
      ),
    ];
  }
  const lower = value.toLowerCase();
  const replacement = lower === "default" || lower === "none" ? lower : "default";
  return [
    finding(
      "tls-config-file-invalid",
      p,
      p.setting.value,
      `tls_config_file takes default, none (both lower case) or an absolute path; with "${excerpt(value)}" Postfix turns TLS off for every service.`,
      replaceValue(p, replacement),
    ),
  ];
}

const P256_NAMES = ["prime256v1", "p-256", "secp256r1"];

function checkGroups(context: RuleContext, p: Placed): Finding[] {
  const ffdhe = context.valueOf("tls_ffdhe_auto_groups", p.service);
  const groups = words(`${p.value} ${ffdhe}`, /[\s,:/]/)
    .map((word) => word.text.toLowerCase())
    .filter((word) => !word.startsWith("-"))
    .map((word) => word.replace(/^[?*]+/, ""));
  // Both lists empty: OpenSSL's own defaults, which include both.
  if (groups.length === 0 || groups.includes("default")) return [];
  const missing: string[] = [];
  if (!groups.includes("x25519")) missing.push("X25519");
  if (!groups.some((group) => P256_NAMES.includes(group))) missing.push("prime256v1");
  if (missing.length === 0) return [];
  const joiner = compact(p) ? "," : " ";
  const newValue = [...missing, ...(p.value.trim() ? [p.value] : [])].join(joiner);
  return [
    finding(
      "tls-groups-missing-recommended",
      p,
      p.setting.value,
      `The key exchange groups lack ${enumerate(missing)}. Almost every TLS peer offers X25519 and P-256 (prime256v1); without them handshakes need an extra round trip or fail for lack of a common group. Add ${missing.length > 1 ? "them" : "it"}, or remove the setting to get the built-in list.`,
      replaceValue(p, newValue, `Add ${enumerate(missing)}`),
    ),
  ];
}
