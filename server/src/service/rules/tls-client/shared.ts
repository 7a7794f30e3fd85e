import { isKnownParameter } from "../../data/parameters";
import { TLS_CLIENT_LEVELS } from "../../data/valueSets";
import type { Span } from "../../parser/logicalLines";
import type { ParameterSetting } from "../../parser/mainCf";
import type { MasterOption } from "../../parser/masterCf";
import type { RuleContext, ServiceView, SettingSource } from "../context";
import { fileText, newlineOf } from "../edits";
import type { Fix, FixEdit } from "../findings";
import { type RuleFinding, perContext } from "../rule";

/**
 * The TLS client family: pitfalls of the smtp(8) and lmtp(8) delivery agents (each
 * master.cf service that runs smtp or lmtp, with its own `-o` overrides; main.cf
 * alone when master.cf is unknown) and the client role of tlsproxy(8).
 *
 * What the files cannot tell: the contents of lookup tables (smtp_tls_policy_maps,
 * transport_maps, the sender-dependent maps, SASL password maps), the certificate
 * and CA files themselves, the OpenSSL configuration, the resolver, and what the
 * remote servers require. Rules whose answer depends on one of those stay silent
 * when the table or file is configured.
 */

export type Prefix = "smtp" | "lmtp";

/** Both client prefixes, for rules that look at each. */
export const PREFIXES = ["smtp", "lmtp"] as const;

/** A client whose effective settings rules evaluate: a master.cf service, or main.cf alone. */
export interface Scope {
  prefix: Prefix;
  service?: ServiceView;
}

/** The global (non-table) TLS level a client uses, and where it comes from. */
export interface Level {
  value: string;
  /** The setting that decides it; absent when it is a default. */
  source?: SettingSource;
}

// ---------------------------------------------------------------------------
// Levels

export const KNOWN_LEVELS = new Set(TLS_CLIENT_LEVELS.map((level) => level.value));
/** Levels at which the *_mandatory_* settings are read (dane: when TLSA records exist). */
export const MANDATORY_LEVELS = new Set([
  "encrypt",
  "dane",
  "dane-only",
  "fingerprint",
  "verify",
  "secure",
]);
/** Levels at which the opportunistic protocol and cipher settings are read (dane: without TLSA). */
export const OPPORTUNISTIC_LEVELS = new Set(["may", "dane"]);
/** Levels that always authenticate the server. */
export const VERIFYING_LEVELS = new Set(["dane-only", "fingerprint", "verify", "secure"]);

/** What a client level means, in the words completion shows (for rule documentation). */
export function levelMeaning(level: string): string {
  const detail = TLS_CLIENT_LEVELS.find((choice) => choice.value === level)?.detail ?? "";
  return `\`${level}\` (${detail.replace(/\.$/, "")})`;
}

/** How much a level guarantees for every destination: dane counts as may (its fallback). */
export function strength(level: string): number {
  switch (level) {
    case "none":
      return 0;
    case "may":
    case "dane":
      return 1;
    case "encrypt":
      return 2;
    default:
      return 3;
  }
}

/** What `where` (a describe() phrase) does at a level, as a clause. */
export function levelEffect(where: string, level: string): string {
  const [first, rest] = ((): [string, string] => {
    switch (level) {
      case "none":
        return ["does", "not use TLS"];
      case "may":
        return [
          "uses",
          `TLS only when the server offers it, and otherwise ${verb(where, "sends")} in plaintext`,
        ];
      case "dane":
        return ["uses", "DANE where TLSA records exist, and otherwise only opportunistic TLS"];
      case "encrypt":
        return ["requires", `TLS but ${verb(where, "accepts")} any server certificate`];
      case "fingerprint":
        return ["requires", "a server certificate with a listed fingerprint"];
      case "dane-only":
        return ["requires", "DANE-authenticated TLS"];
      default:
        return ["requires", "a verified server certificate"];
    }
  })();
  return `${where} ${verb(where, first)} ${rest}`;
}

export const norm = (value: string) => value.trim().toLowerCase();
export const isYes = (value: string) => norm(value) === "yes";
export const words = (value: string) => value.split(/[\s,]+/).filter(Boolean);

// ---------------------------------------------------------------------------
// The clients of a configuration

/** The effective configuration of every client, with the helpers rules share. */
export class Clients {
  readonly scopes: Scope[];

  constructor(readonly context: RuleContext) {
    this.scopes = context.master
      ? context.services
          .filter((service) => service.command === "smtp" || service.command === "lmtp")
          .map((service) => ({ prefix: service.command as Prefix, service }))
      : [{ prefix: "smtp" }, { prefix: "lmtp" }];
  }

  known(name: string): boolean {
    return isKnownParameter(name, this.context.version);
  }

  value(scope: Scope, name: string): string {
    return this.context.valueOf(name, scope.service);
  }

  source(scope: Scope, name: string): SettingSource | undefined {
    return this.context.sourceOf(name, scope.service);
  }

  /** The level Postfix computes when no policy table entry applies (global_tls_level()). */
  level(scope: Scope): Level {
    const p = scope.prefix;
    const name = `${p}_tls_security_level`;
    const value = norm(this.value(scope, name));
    if (value) return { value, source: this.source(scope, name) };
    if (isYes(this.value(scope, `${p}_enforce_tls`))) {
      return {
        value: isYes(this.value(scope, `${p}_tls_enforce_peername`)) ? "verify" : "encrypt",
        source: this.source(scope, `${p}_enforce_tls`),
      };
    }
    const useTls = this.source(scope, `${p}_use_tls`);
    if (isYes(this.value(scope, `${p}_use_tls`))) return { value: "may", source: useTls };
    return { value: "none", source: useTls ?? this.source(scope, name) };
  }

  /** A per-destination policy table is configured, whose levels the files do not show. */
  hasPolicyTable(scope: Scope): boolean {
    const p = scope.prefix;
    return [`${p}_tls_policy_maps`, `${p}_tls_per_site`].some(
      (name) => this.known(name) && this.value(scope, name).trim() !== "",
    );
  }

  /**
   * The explicit settings of `<prefix>_<suffix>`: the main.cf one and each client
   * service's `-o`, with the clients each of them is in effect for.
   */
  placements(prefix: Prefix, suffix: string): { source: SettingSource; scopes: Scope[] }[] {
    const name = `${prefix}_${suffix}`;
    if (!this.known(name)) return [];
    const result: { source: SettingSource; scopes: Scope[] }[] = [];
    const own = this.scopes.filter((scope) => scope.prefix === prefix);
    const global = this.context.mainSettings.get(name);
    if (global) {
      result.push({
        source: { setting: global, file: "main" },
        scopes: own.filter((scope) => this.source(scope, name)?.setting === global),
      });
    }
    for (const scope of own) {
      const local = scope.service?.settings.get(name);
      if (local) result.push({ source: { setting: local, file: "master" }, scopes: [scope] });
    }
    return result.filter((placement) => placement.scopes.length > 0);
  }

  /** The client a transport name (the part before ':' in default_transport etc.) refers to. */
  scopeForTransport(transport: string): Scope | undefined {
    if (!this.context.master) {
      return transport === "smtp" || transport === "lmtp" ? { prefix: transport } : undefined;
    }
    return this.scopes.find((scope) => scope.service?.name === transport);
  }

  /**
   * The client that delivers straight to the Internet: default_transport without a
   * next hop, no relayhost, and no tables that could route the mail elsewhere.
   */
  internetScope(): Scope | undefined {
    const context = this.context;
    if (context.valueOf("relayhost").trim()) return undefined;
    for (const table of [
      "transport_maps",
      "sender_dependent_relayhost_maps",
      "sender_dependent_default_transport_maps",
    ]) {
      if (context.valueOf(table).trim()) return undefined;
    }
    const { transport, nexthop } = splitTransport(context.valueOf("default_transport"));
    if (nexthop) return undefined;
    const scope = this.scopeForTransport(transport);
    return scope?.prefix === "smtp" ? scope : undefined;
  }

  /** Next hops of the main.cf *_transport settings, by transport name. */
  transportDestinations(): Map<string, string[]> {
    const destinations = new Map<string, string[]>();
    for (const name of TRANSPORT_PARAMETERS) {
      const value = this.context.valueOf(name).trim();
      if (!value) continue;
      const { transport, nexthop } = splitTransport(value);
      const list = destinations.get(transport) ?? [];
      list.push(nexthop);
      destinations.set(transport, list);
    }
    return destinations;
  }

  /** The UNIX-domain next hops of an LMTP client, when it delivers to nothing else. */
  unixOnlyDestinations(scope: Scope): string[] | undefined {
    if (scope.prefix !== "lmtp" || this.context.valueOf("transport_maps").trim()) return undefined;
    const name = scope.service?.name ?? "lmtp";
    const nexthops = this.transportDestinations().get(name) ?? [];
    if (nexthops.length === 0 || !nexthops.every((hop) => /^unix:/i.test(hop))) return undefined;
    return nexthops;
  }
}

/** The clients of a configuration, found once and shared by the family's rules. */
export const clientsOf = perContext((context) => new Clients(context));

/** The clients that turn on `<prefix>_<suffix>` (a yes/no switch) with a setting of their own. */
export function* clientsWithSwitch(
  clients: Clients,
  suffix: string,
): Generator<{ scope: Scope; name: string; source: SettingSource }> {
  for (const scope of clients.scopes) {
    const name = `${scope.prefix}_${suffix}`;
    const source = clients.source(scope, name);
    if (source && clients.known(name) && isYes(source.setting.value.text))
      yield { scope, name, source };
  }
}

/**
 * The clients whose level is one of `levels` because a setting says so (not by
 * default), each with that setting.
 */
export function* clientsAtLevel(
  clients: Clients,
  levels: readonly string[],
): Generator<{ scope: Scope; level: string; source: SettingSource }> {
  for (const scope of clients.scopes) {
    const { value, source } = clients.level(scope);
    if (levels.includes(value) && source) yield { scope, level: value, source };
  }
}

const TRANSPORT_PARAMETERS = [
  "default_transport",
  "relay_transport",
  "local_transport",
  "virtual_transport",
  "mailbox_transport",
  "fallback_transport",
  "content_filter",
];

export function splitTransport(value: string): { transport: string; nexthop: string } {
  const text = value.trim();
  const colon = text.indexOf(":");
  return colon < 0
    ? { transport: text, nexthop: "" }
    : { transport: text.slice(0, colon), nexthop: text.slice(colon + 1) };
}

// ---------------------------------------------------------------------------
// Protocol lists

const PROTOCOLS = ["sslv2", "sslv3", "tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"];
export const PROTOCOL_NAMES = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
export const TLSV1 = PROTOCOLS.indexOf("tlsv1");
export const TLSV1_3 = PROTOCOLS.indexOf("tlsv1.3");

/**
 * The protocol versions a protocol list leaves enabled (indexes into PROTOCOLS), or
 * undefined when the list cannot be read (other rules report that). Like OpenSSL,
 * the result is the contiguous range from the lowest enabled version up to the
 * first disabled one; `gap` tells that the list enables versions above that.
 */
export function enabledProtocols(value: string): { enabled: number[]; gap: boolean } | undefined {
  let min = 0;
  let max = PROTOCOLS.length - 1;
  const included = new Set<number>();
  const excluded = new Set<number>();
  for (const token of value
    .toLowerCase()
    .split(/[\s,:]+/)
    .filter(Boolean)) {
    const bound = /^(>=|<=|!)?(.*)$/.exec(token)!;
    const index = PROTOCOLS.indexOf(bound[2]);
    if (index < 0) return undefined;
    if (bound[1] === ">=") min = index;
    else if (bound[1] === "<=") max = index;
    else if (bound[1] === "!") excluded.add(index);
    else included.add(index);
  }
  const on = (i: number) =>
    i >= min && i <= max && !excluded.has(i) && (included.size === 0 || included.has(i));
  const first = PROTOCOLS.findIndex((_, i) => on(i));
  if (first < 0) return { enabled: [], gap: false };
  let last = first;
  while (last + 1 < PROTOCOLS.length && on(last + 1)) last++;
  const enabled = PROTOCOLS.map((_, i) => i).filter((i) => i >= first && i <= last);
  return { enabled, gap: PROTOCOLS.some((_, i) => i > last && on(i)) };
}

// ---------------------------------------------------------------------------
// Reporting: one finding per causing setting, naming every client it affects.

/** A message, given the phrase that names the affected clients ("the smtp transport"). */
type Message = (where: string) => string;

interface Pending {
  finding: RuleFinding;
  scopes: Scope[];
  message: Message;
}

/**
 * One rule's findings. A setting in effect for several clients is reported once,
 * and its message names all of them (the message is written when they are known).
 */
export class Report {
  private readonly pending = new Map<string, Pending>();

  /** A finding on the whole setting (`name = value`, or the `-o` option's setting). */
  onSetting(source: SettingSource, scopes: Scope[], message: Message, fix?: Fix): void {
    this.add(source, settingSpan(source.setting), scopes, message, fix);
  }

  /** A finding on the setting's value only. */
  onValue(source: SettingSource, scopes: Scope[], message: Message, fix?: Fix): void {
    this.add(source, source.setting.value, scopes, message, fix);
  }

  private add(
    source: SettingSource,
    span: Span,
    scopes: Scope[],
    message: Message,
    fix?: Fix,
  ): void {
    const key = `${source.file}:${span.start}`;
    const existing = this.pending.get(key);
    if (existing) {
      for (const scope of scopes) if (!existing.scopes.includes(scope)) existing.scopes.push(scope);
      return;
    }
    const finding: RuleFinding = {
      file: source.file,
      start: span.start,
      end: span.end,
      message: "",
    };
    if (fix) finding.fix = fix;
    this.pending.set(key, { finding, scopes: [...scopes], message });
  }

  findings(): RuleFinding[] {
    return [...this.pending.values()].map(({ finding, scopes, message }) => ({
      ...finding,
      message: message(describe(scopes)),
    }));
  }
}

/** "the smtp transport", "the smtp and relay transports", or "the SMTP client" without master.cf. */
function describe(scopes: Scope[]): string {
  const names = [...new Set(scopes.map((scope) => scope.service?.name).filter(Boolean))];
  if (names.length === 0) {
    const prefixes = [...new Set(scopes.map((scope) => scope.prefix.toUpperCase()))];
    return `the ${joinWords(prefixes)} client`;
  }
  return `the ${joinWords(names as string[])} transport${names.length > 1 ? "s" : ""}`;
}

/** The verb form that agrees with a describe() phrase: "uses" or "use". */
export function verb(where: string, singular: string): string {
  if (!where.endsWith("transports")) return singular;
  return singular === "does" ? "do" : singular.replace(/s$/, "");
}

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export const settingSpan = (setting: ParameterSetting): Span => ({
  start: setting.name.start,
  end: setting.value.end,
});

/** `name = value` as written in main.cf, `-o name=value` in master.cf. */
export function written(source: SettingSource): string {
  const { name, value } = source.setting;
  return source.file === "main" ? `${name.text} = ${value.text}` : `-o ${name.text}=${value.text}`;
}

export function origin(source: SettingSource | undefined): string {
  if (!source) return "by default";
  return source.file === "main" ? "in main.cf" : "with -o in master.cf";
}

// ---------------------------------------------------------------------------
// Quick-fix edits

function optionOf(context: RuleContext, setting: ParameterSetting): MasterOption | undefined {
  return context.optionHolding(setting)?.option;
}

/** A new main.cf line after the entry of `after`, or a new `-o` after the option of `after`. */
export function insertAfter(
  context: RuleContext,
  after: SettingSource,
  name: string,
  value: string,
): FixEdit | undefined {
  const text = fileText(context, after.file);
  const newline = newlineOf(text);
  if (after.file === "main") {
    const entry = context.mainEntryOf(after.setting);
    if (!entry) return undefined;
    const lineEnd = text.indexOf("\n", entry.end);
    return lineEnd < 0
      ? { start: text.length, end: text.length, newText: `${newline}${name} = ${value}` }
      : { start: lineEnd + 1, end: lineEnd + 1, newText: `${name} = ${value}${newline}` };
  }
  const option = optionOf(context, after.setting);
  if (!option?.value) return undefined;
  const at = option.value.end;
  return { start: at, end: at, newText: `${newline}  -o ${name}=${value}` };
}

/** Deletes a main.cf entry (with its line break) or a master.cf `-o` option. */
export function removeSetting(context: RuleContext, source: SettingSource): FixEdit | undefined {
  const text = fileText(context, source.file);
  if (source.file === "main") {
    const entry = context.mainEntryOf(source.setting);
    if (!entry) return undefined;
    const lineEnd = text.indexOf("\n", entry.end);
    return { start: entry.start, end: lineEnd < 0 ? text.length : lineEnd + 1, newText: "" };
  }
  const option = optionOf(context, source.setting);
  if (!option?.value) return undefined;
  let start = option.flag.start;
  let end = option.value.end;
  // `-vo name=x`: only the `o` and its value go; otherwise the blanks before `-o` go too.
  if (text[start] === "-")
    while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = text.indexOf("\n", end);
  if (lineEnd < 0) lineEnd = text.length;
  // An option alone on a continuation line: remove the whole line.
  if (start === lineStart && text.slice(end, lineEnd).trim() === "") {
    end = Math.min(lineEnd + 1, text.length);
  }
  return { start, end, newText: "" };
}

/**
 * Makes `name` have `value` for the clients `anchor` is in effect for: changes the
 * setting in the same place when there is one, or adds one right after `anchor`.
 * No fix when the only place to change is in the other file.
 */
export function setValueFix(
  clients: Clients,
  anchor: SettingSource,
  scope: Scope,
  name: string,
  value: string,
): Fix | undefined {
  const existing = clients.source(scope, name);
  const title = anchor.file === "main" ? `Set ${name} = ${value}` : `Set -o ${name}=${value}`;
  if (existing && existing.file === anchor.file) {
    return { title, edits: [{ ...existing.setting.value, newText: value }] };
  }
  if (existing && existing.file === "master") return undefined;
  const edit = insertAfter(clients.context, anchor, name, value);
  return edit ? { title, edits: [edit] } : undefined;
}
