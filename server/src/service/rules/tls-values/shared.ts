import {
  NEWEST_VERSION,
  compareVersions,
  isKnownParameter,
  knownParameterSet,
} from "../../data/parameters";
import { type ValueChoice, type ValueKind, valuesOfKind } from "../../data/valueSets";
import type { ConfigKind } from "../../parser/document";
import { type LogicalLine, type Span, logicalSpan } from "../../parser/logicalLines";
import type { ParameterSetting } from "../../parser/mainCf";
import type { MasterOption } from "../../parser/masterCf";
import { isSpace } from "../../text/chars";
import { excerpt } from "../../text/excerpt";
import type { RuleContext, ServiceView } from "../context";
import type { Fix } from "../findings";
import { type RuleFinding, perContext } from "../rule";

/**
 * The tls-values family: value-level checks of TLS parameters. Words Postfix does
 * not know (P06), the protocol-list traps (P07, P08, P22), cipher settings (P09,
 * P18, P19, P20), the session cache (P37, P39), fingerprints and their digests
 * (P49, P50), DANE digests (P58), log levels (P59) and the OpenSSL configuration
 * (P60).
 *
 * Every finding sits on the setting that causes it, the main.cf line or the
 * master.cf `-o`, once per setting. Values with `$` expansions or a `#` word (see
 * comment-after-value) are left alone.
 */

// ---------------------------------------------------------------------------
// Settings with their place in the document

export interface Placed {
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
 * of each name, in document order, then each service's `-o`. (The rules of this
 * family are about known parameters only.)
 */
export const placedSettings = perContext((context: RuleContext): Placed[] => {
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
});

/** The placed settings whose names match, without `$` expansions or a `#` word in the value. */
export function literalSettings(context: RuleContext, names: RegExp): Placed[] {
  return literalPlaced(context).filter((p) => names.test(p.name));
}

const literalPlaced = perContext((context: RuleContext) =>
  placedSettings(context).filter((p) => !p.value.includes("$") && !/(^|\s)#/.test(p.value)),
);

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
export function valueSpan(p: Placed, from: number, to: number): Span {
  const base = toLogical(p.line, p.setting.value.start);
  return logicalSpan(p.line, base + from, base + to);
}

/** Document offset of index `at` of the value text (at may equal the value length). */
export function valueOffset(p: Placed, at: number): number {
  if (at >= p.value.length) return p.setting.value.end;
  return valueSpan(p, at, at + 1).start;
}

/** A `-o name=value` without braces cannot hold whitespace: lists are joined with commas. */
export function compact(p: Placed): boolean {
  return p.file === "master" && !p.option?.braces;
}

export function listJoiner(p: Placed): string {
  return compact(p) ? "," : ", ";
}

export interface Word {
  text: string;
  start: number;
  end: number;
}

/** The words of a value between separator characters, with their positions in the value. */
export function words(value: string, separators: RegExp): Word[] {
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
export const COMMA_SPACE = /[\s,]/;
export const COMMA_SPACE_COLON = /[\s,:]/;

// ---------------------------------------------------------------------------
// Findings and fixes

export function finding(p: Placed, span: Span, message: string, fix?: Fix): RuleFinding {
  const result: RuleFinding = { file: p.file, start: span.start, end: span.end, message };
  if (fix) result.fix = fix;
  return result;
}

/** A fix replacing the whole value. */
export function replaceValue(p: Placed, newValue: string, title?: string): Fix {
  return {
    title: title ?? `Change to ${newValue}`,
    edits: [{ start: p.setting.value.start, end: p.setting.value.end, newText: newValue }],
  };
}

/** A fix deleting the setting: the main.cf line, or the `-o` and its value. */
export function removeSetting(p: Placed, title: string): Fix | undefined {
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

// ---------------------------------------------------------------------------
// Words and messages

export function atLeast(version: string, release: string): boolean {
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
export function closest(word: string, candidates: readonly string[]): string | undefined {
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
export function enumerate(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

export const quoted = (items: readonly string[]) =>
  enumerate(items.map((item) => `"${excerpt(item)}"`));

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Who reads a parameter, for messages. */
export function programOf(name: string): string {
  if (name.startsWith("smtpd_")) return "smtpd";
  if (name.startsWith("smtp_")) return "the SMTP client";
  if (name.startsWith("lmtp_")) return "the LMTP client";
  if (name.startsWith("postscreen_")) return "postscreen";
  if (name.startsWith("tlsproxy_")) return "tlsproxy";
  return "Postfix";
}

// ---------------------------------------------------------------------------
// Cipher grades (P06, P18, P19)

export const GRADE_PARAMETER =
  /^(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_(?:mandatory_)?ciphers$/;

/** The grade a setting names, lower case ("" when empty). */
export const gradeOf = (p: Placed) => p.value.trim().toLowerCase();

/** Every cipher grade (completion offers the same set). */
export function gradeNames(version: string): string[] {
  return valuesOfKind("cipher-grade", version).map((grade) => grade.value);
}

// ---------------------------------------------------------------------------
// Protocol lists (P06, P07, P08, P22)

const PROTOCOL_PARAMETER = /^(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_(?:mandatory_)?protocols$/;

export interface Protocol {
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

export type ProtocolWord = Word &
  (
    | { kind: "include" | "exclude"; protocol: Protocol }
    | { kind: "floor" | "ceiling"; bound: number; lone: boolean }
    | { kind: "invalid"; tooOld?: boolean }
  );

export function knownProtocols(version: string): Protocol[] {
  return PROTOCOLS.filter((protocol) => atLeast(version, protocol.since));
}

export function parseProtocolWords(
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
export function allowedProtocols(list: ProtocolWord[], version: string): Protocol[] {
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

/** Whether the TLS versions among `allowed` form one run without holes. */
export function contiguous(allowed: Protocol[], known: Protocol[]): boolean {
  const flags = known
    .filter((protocol) => protocol.tls)
    .map((protocol) => allowed.includes(protocol));
  const first = flags.indexOf(true);
  if (first < 0) return true;
  const last = flags.lastIndexOf(true);
  return flags.slice(first, last + 1).every(Boolean);
}

export function protocolFailure(name: string): string {
  return /^(smtp|lmtp)_/.test(name)
    ? `${programOf(name)} rejects the whole list and gives up every TLS handshake before it starts`
    : `${programOf(name)} rejects the whole list and turns TLS off (no STARTTLS)`;
}

/** Whether a word after a lone bound is the version it was meant to take (a name or hex number). */
export function completesBound(word: ProtocolWord | undefined): word is ProtocolWord {
  return word !== undefined && parseBound(word.text) !== undefined && !/^[!<>]/.test(word.text);
}

/** A protocol list setting, read the way the four protocol rules share. */
export interface ProtocolList {
  p: Placed;
  list: ProtocolWord[];
  /** Bounds separated from their protocol name (P07). */
  lone: ProtocolWord[];
  /** Words Postfix rejects, except a word that a lone bound before it was meant to take. */
  invalid: ProtocolWord[];
}

/** Every literal protocol list in effect, parsed once for the protocol rules. */
export const protocolLists = perContext((context: RuleContext): ProtocolList[] =>
  literalSettings(context, PROTOCOL_PARAMETER).map((p) => {
    const list = parseProtocolWords(p.value, context.version);
    // A lone ">=" or "<=" (only since 3.6; before that any bound is invalid).
    const lone = list.filter(
      (word) => (word.kind === "floor" || word.kind === "ceiling") && word.lone,
    );
    const invalid = list.filter(
      (word, index) =>
        word.kind === "invalid" &&
        !(index > 0 && lone.includes(list[index - 1]) && completesBound(word)),
    );
    return { p, list, lone, invalid };
  }),
);

/** The valid lists without lone bounds, with the protocols they allow (for P08 and P22). */
export function validProtocolLists(
  context: RuleContext,
): (ProtocolList & { allowed: Protocol[] })[] {
  return protocolLists(context)
    .filter(({ lone, invalid }) => lone.length === 0 && invalid.length === 0)
    .map((list) => ({ ...list, allowed: allowedProtocols(list.list, context.version) }));
}

// ---------------------------------------------------------------------------
// Session cache (P37, P39)

export const SERVER_CACHE = "smtpd_tls_session_cache_database";

/** The server cache setting when it is not empty (any value, "$data_directory" included). */
export function serverCacheSettings(context: RuleContext): Placed[] {
  return placedSettings(context).filter((p) => p.name === SERVER_CACHE && p.value.trim());
}

const TIMEOUT_PARAMETER = /^(?:smtp|lmtp|smtpd)_tls_session_cache_timeout$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * The session cache timeouts of main.cf (tlsmgr reads them; -o overrides have no
 * effect, see P38), in seconds; values that are no time are left to invalid-time.
 */
export function cacheTimeouts(context: RuleContext): { p: Placed; seconds: number }[] {
  return literalSettings(context, TIMEOUT_PARAMETER).flatMap((p) => {
    if (p.file !== "main") return [];
    const match = /^(\d+)([smhdw]?)$/.exec(p.value.trim());
    if (!match) return [];
    const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || "s"];
    return seconds > 0x7fffffff ? [] : [{ p, seconds }];
  });
}

/** The timeout fix both timeout rules offer where no better value is known. */
export const defaultTimeoutFix = (p: Placed) =>
  replaceValue(p, "3600s", "Change to 3600s (the default)");

// ---------------------------------------------------------------------------
// Fingerprint digests (P49, P50)

export const DIGEST_PARAMETER =
  /^(?:(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls|tlsproxy_client)_fingerprint_digest$/;

// ---------------------------------------------------------------------------
// TLS log levels (P59)

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

export interface LogLevelSetting {
  p: Placed;
  /** The value's words, lower case. */
  items: Word[];
  /** The numeric level the words amount to (the highest, at most 4). */
  level: number;
  /** A hint at the per-peer *_loglevel_maps, where the release has it ("" otherwise). */
  mapsHint: string;
}

export const logLevels = perContext((context: RuleContext): LogLevelSetting[] =>
  literalSettings(context, LOGLEVEL_PARAMETER).map((p) => {
    const items = words(p.value.toLowerCase(), /[\s,|]/);
    let level = 0;
    for (const item of items) {
      const number = /^[0-9]$/.test(item.text)
        ? Math.min(Number(item.text), 4)
        : LOG_KEYWORD_LEVEL[item.text];
      if (number !== undefined) level = Math.max(level, number);
    }
    const mapsName = p.name.replace(/_loglevel$/, "_loglevel_maps");
    const mapsHint = isKnownParameter(mapsName, context.version)
      ? ` To debug one peer, use ${mapsName} instead.`
      : "";
    return { p, items, level, mapsHint };
  }),
);

// ---------------------------------------------------------------------------
// The OpenSSL configuration file (P60)

/** tls_config_file settings other than default and none, with the trimmed value. */
export function configFiles(context: RuleContext): { p: Placed; value: string }[] {
  return literalSettings(context, /^tls_config_file$/).flatMap((p) => {
    const value = p.value.trim();
    return value === "default" || value === "none" ? [] : [{ p, value }];
  });
}

// ---------------------------------------------------------------------------
// Value meanings in the docs

/**
 * A Markdown list of the choices of a value set: the same words and meanings
 * that completion offers (security levels, cipher grades, log levels).
 */
export function choiceList(choices: readonly ValueChoice[]): string {
  return choices
    .map(
      (choice) =>
        `- \`${choice.value}\`${choice.since ? ` (${choice.since}+)` : ""}: ${choice.detail}`,
    )
    .join("\n");
}

/** The choices of a value kind in the newest release, as choiceList() shows them. */
export const newestChoices = (kind: ValueKind) => choiceList(valuesOfKind(kind, NEWEST_VERSION));
