import {
  compareVersions,
  getParameter,
  isKnownParameter,
  warnsAsDeprecated,
} from "../data/parameters";
import { TLS_CLIENT_LEVELS } from "../data/valueSets";
import type { Span } from "../parser/logicalLines";
import type { ParameterSetting } from "../parser/mainCf";
import type { MasterOption } from "../parser/masterCf";
import type { RuleContext, ServiceView, SettingSource } from "./context";
import type { Finding, Fix, FixEdit } from "./findings";
import type { RuleDefinition } from "./ruleDefinition";
import { fileText, newlineOf, removeAnull } from "./edits";
import type { RuleId } from "./ruleTable";
import { excerpt } from "../text/excerpt";

/**
 * TLS pitfalls of the client side: the smtp(8) and lmtp(8) delivery agents (each
 * master.cf service that runs smtp or lmtp, with its own `-o` overrides; main.cf
 * alone when master.cf is unknown) and the client role of tlsproxy(8).
 *
 * What the files cannot tell: the contents of lookup tables (smtp_tls_policy_maps,
 * transport_maps, the sender-dependent maps, SASL password maps), the certificate
 * and CA files themselves, the OpenSSL configuration, the resolver, and what the
 * remote servers require. Rules whose answer depends on one of those stay silent
 * when the table or file is configured.
 */

/** Rule definitions of this module; ruleTable.ts collects them. */
export const tlsClientRuleDefinitions = [
  {
    id: "tls-client-legacy-overridden",
    severity: "error",
    description:
      "A legacy smtp/lmtp use_tls or enforce_tls switch asking for more than the *_tls_security_level that overrides it.",
    pitfalls: ["P11"],
  },
  {
    id: "tls-client-compat-level-override",
    severity: "error",
    description:
      "compatibility_level 3.11 or later makes smtp_tls_security_level default to may, which overrides smtp_enforce_tls = yes or smtp_use_tls = no.",
    pitfalls: ["P12"],
  },
  {
    id: "tls-ignored-parameter",
    severity: "info",
    description:
      "A DH-512, EECDH or low/export cipher-list parameter that the configured release no longer reads.",
    pitfalls: ["P15"],
  },
  {
    id: "tls-client-mandatory-unused",
    severity: "info",
    description:
      "A client `*_tls_mandatory_*` setting while every transport that reads it uses opportunistic or no TLS.",
    pitfalls: ["P16"],
  },
  {
    id: "tls-client-opportunistic-too-strict",
    severity: "warning",
    description:
      "Protocol or cipher restrictions that narrow opportunistic TLS, so Postfix falls back to plaintext with servers that do not meet them.",
    pitfalls: ["P17"],
  },
  {
    id: "tls-client-anull-excluded",
    severity: "info",
    description:
      "aNULL excluded by hand where the client verifies certificates, which already rules out anonymous ciphers.",
    pitfalls: ["P21"],
  },
  {
    id: "tls-client-dane-tlsv1-excluded",
    severity: "info",
    description: "smtp_tls_mandatory_protocols excludes TLSv1 while DANE is the default level.",
    pitfalls: ["P23"],
  },
  {
    id: "tls-client-ca-unused",
    severity: "info",
    description:
      "A client CAfile/CApath where no transport verifies certificates: it only changes logging, and a bad path turns TLS off.",
    pitfalls: ["P44"],
  },
  {
    id: "tls-client-verify-without-ca",
    severity: "error",
    description:
      "The verify or secure level without any CAfile, CApath or trust-anchor file: every certificate fails verification.",
    pitfalls: ["P45"],
  },
  {
    id: "tls-client-mandatory-internet-default",
    severity: "warning",
    description:
      "A mandatory TLS level as the default for direct delivery to the Internet (no relayhost).",
    pitfalls: ["P46"],
  },
  {
    id: "tls-client-dane-without-dnssec",
    severity: "error",
    description:
      "The dane or dane-only level without DNSSEC lookups (or over a UNIX-domain LMTP socket).",
    pitfalls: ["P47"],
  },
  {
    id: "tls-client-fingerprint-without-match",
    severity: "error",
    description: "The fingerprint level with an empty *_tls_fingerprint_cert_match.",
    pitfalls: ["P48"],
  },
  {
    id: "tls-client-rpk-fingerprint",
    severity: "warning",
    description: "Raw public keys enabled together with the fingerprint level.",
    pitfalls: ["P51"],
  },
  {
    id: "tls-client-wrappermode-level",
    severity: "error",
    description: "Client wrapper mode (SMTPS) with a level below encrypt: every server is skipped.",
    pitfalls: ["P52"],
  },
  {
    id: "tls-client-smtps-without-wrappermode",
    severity: "warning",
    description: "A next hop on port 465 (smtps/submissions) without client wrapper mode.",
    pitfalls: ["P52"],
  },
  {
    id: "tls-client-sasl-optional-tls",
    severity: "warning",
    description:
      "SMTP client authentication that allows plaintext mechanisms while TLS is optional or off.",
    pitfalls: ["P53"],
  },
  {
    id: "tls-lmtp-unix-opportunistic",
    severity: "info",
    description:
      "lmtp_tls_security_level = may for an LMTP transport that only delivers to UNIX-domain sockets.",
    pitfalls: ["P54"],
  },
  {
    id: "tls-client-cert-unneeded",
    severity: "info",
    description:
      "A client certificate on a host that delivers directly to the Internet, where servers do not ask for one.",
    pitfalls: ["P56"],
  },
  {
    id: "tls-dsa-certificate",
    severity: "info",
    description: "A DSA certificate (*_dcert_file); DSA is obsolete.",
    pitfalls: ["P56"],
  },
  {
    id: "tls-client-servername-literal",
    severity: "warning",
    description:
      "A fixed SNI name in smtp_tls_servername on a host that delivers directly to the Internet.",
    pitfalls: ["P57"],
  },
] as const satisfies readonly RuleDefinition[];

type Prefix = "smtp" | "lmtp";

/** A client whose effective settings rules evaluate: a master.cf service, or main.cf alone. */
interface Scope {
  prefix: Prefix;
  service?: ServiceView;
}

/** The global (non-table) TLS level a client uses, and where it comes from. */
interface Level {
  value: string;
  /** The setting that decides it; absent when it is a default. */
  source?: SettingSource;
}

export function checkTlsClient(context: RuleContext): Finding[] {
  const report = new Report();
  const clients = new Clients(context);
  legacyOverridden(clients, report);
  compatLevelOverride(clients, report);
  ignoredParameters(context, report);
  mandatoryUnused(clients, report);
  opportunisticTooStrict(clients, report);
  anullExcluded(clients, report);
  daneProtocolFloor(clients, report);
  caUnused(clients, report);
  verifyWithoutCa(clients, report);
  mandatoryInternetDefault(clients, report);
  daneWithoutDnssec(clients, report);
  fingerprintWithoutMatch(clients, report);
  rpkWithFingerprint(clients, report);
  wrappermodeLevel(clients, report);
  smtpsWithoutWrappermode(clients, report);
  saslOverOptionalTls(clients, report);
  lmtpUnixOpportunistic(clients, report);
  clientCertUnneeded(clients, report);
  dsaCertificates(context, report);
  servernameLiteral(clients, report);
  return report.findings();
}

// ---------------------------------------------------------------------------
// Levels

const KNOWN_LEVELS = new Set(TLS_CLIENT_LEVELS.map((level) => level.value));
/** Levels at which the *_mandatory_* settings are read (dane: when TLSA records exist). */
const MANDATORY_LEVELS = new Set([
  "encrypt",
  "dane",
  "dane-only",
  "fingerprint",
  "verify",
  "secure",
]);
/** Levels at which the opportunistic protocol and cipher settings are read (dane: without TLSA). */
const OPPORTUNISTIC_LEVELS = new Set(["may", "dane"]);
/** Levels that always authenticate the server. */
const VERIFYING_LEVELS = new Set(["dane-only", "fingerprint", "verify", "secure"]);

/** How much a level guarantees for every destination: dane counts as may (its fallback). */
function strength(level: string): number {
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
function levelEffect(where: string, level: string): string {
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

const norm = (value: string) => value.trim().toLowerCase();
const isYes = (value: string) => norm(value) === "yes";
const words = (value: string) => value.split(/[\s,]+/).filter(Boolean);

/** The effective configuration of every client, with the helpers rules share. */
class Clients {
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

const TRANSPORT_PARAMETERS = [
  "default_transport",
  "relay_transport",
  "local_transport",
  "virtual_transport",
  "mailbox_transport",
  "fallback_transport",
  "content_filter",
];

function splitTransport(value: string): { transport: string; nexthop: string } {
  const text = value.trim();
  const colon = text.indexOf(":");
  return colon < 0
    ? { transport: text, nexthop: "" }
    : { transport: text.slice(0, colon), nexthop: text.slice(colon + 1) };
}

// ---------------------------------------------------------------------------
// Reporting: one finding per causing setting, naming every client it affects.

interface Pending {
  finding: Finding;
  scopes: Scope[];
  message: (where: string) => string;
}

class Report {
  private readonly pending = new Map<string, Pending>();

  add(
    rule: RuleId,
    source: SettingSource,
    span: Span,
    scopes: Scope[],
    message: (where: string) => string,
    fix?: Fix,
  ): void {
    const key = `${rule}:${source.file}:${span.start}`;
    const existing = this.pending.get(key);
    if (existing) {
      for (const scope of scopes) if (!existing.scopes.includes(scope)) existing.scopes.push(scope);
      return;
    }
    const finding: Finding = {
      rule,
      file: source.file,
      start: span.start,
      end: span.end,
      message: "",
    };
    if (fix) finding.fix = fix;
    this.pending.set(key, { finding, scopes: [...scopes], message });
  }

  findings(): Finding[] {
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
function verb(where: string, singular: string): string {
  if (!where.endsWith("transports")) return singular;
  return singular === "does" ? "do" : singular.replace(/s$/, "");
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const settingSpan = (setting: ParameterSetting): Span => ({
  start: setting.name.start,
  end: setting.value.end,
});

/** `name = value` as written in main.cf, `-o name=value` in master.cf. */
function written(source: SettingSource): string {
  const { name, value } = source.setting;
  return source.file === "main" ? `${name.text} = ${value.text}` : `-o ${name.text}=${value.text}`;
}

function origin(source: SettingSource | undefined): string {
  if (!source) return "by default";
  return source.file === "main" ? "in main.cf" : "with -o in master.cf";
}

// ---------------------------------------------------------------------------
// Quick-fix edits

function optionOf(context: RuleContext, setting: ParameterSetting): MasterOption | undefined {
  return context.optionHolding(setting)?.option;
}

/** A new main.cf line after the entry of `after`, or a new `-o` after the option of `after`. */
function insertAfter(
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
function removeSetting(context: RuleContext, source: SettingSource): FixEdit | undefined {
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
function setValueFix(
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

// ---------------------------------------------------------------------------
// P11: a legacy switch that a non-empty level overrides

function legacyOverridden(clients: Clients, report: Report): void {
  const context = clients.context;
  const checks: { scope: Scope; prefix: string }[] = clients.scopes.map((scope) => ({
    scope,
    prefix: scope.prefix,
  }));
  // tlsproxy's client role has its own copies (3.7 and later under these names).
  if (clients.known("tlsproxy_client_security_level")) {
    const tlsproxies: Scope[] = context.master
      ? context.services
          .filter((service) => service.command === "tlsproxy")
          .map((service) => ({ prefix: "smtp", service }))
      : [{ prefix: "smtp" }];
    for (const scope of tlsproxies) checks.push({ scope, prefix: "tlsproxy_client" });
  }
  for (const { scope, prefix } of checks) {
    const tlsproxy = prefix === "tlsproxy_client";
    const levelName = tlsproxy ? "tlsproxy_client_security_level" : `${prefix}_tls_security_level`;
    const level = norm(clients.value(scope, levelName));
    if (!KNOWN_LEVELS.has(level)) continue;
    const levelSource = clients.source(scope, levelName);
    // smtp's level from the compatibility_level default is P12's case.
    if (!levelSource && !tlsproxy) continue;
    const enforce = clients.source(scope, `${prefix}_enforce_tls`);
    const useTls = clients.source(scope, `${prefix}_use_tls`);
    let cause: SettingSource;
    let intended: string;
    if (enforce && isYes(enforce.setting.value.text)) {
      cause = enforce;
      intended =
        !tlsproxy && isYes(clients.value(scope, `${prefix}_tls_enforce_peername`))
          ? "verify"
          : "encrypt";
    } else if (useTls) {
      cause = useTls;
      intended = isYes(useTls.setting.value.text) ? "may" : "none";
    } else continue;
    if (intended === level) continue;
    // A level set for one service on purpose overrides a global legacy switch.
    if (cause.file === "main" && levelSource?.file === "master") continue;
    // Only a requirement that the level drops is lost; a switch asking for less loses nothing.
    if (strength(intended) <= strength(level)) continue;
    let fix: Fix | undefined;
    if (cause.file === "master" && levelSource?.file !== "master") {
      const newText = `${levelName}=${intended}`;
      fix = {
        title: `Replace with -o ${newText}`,
        edits: [{ ...settingSpan(cause.setting), newText }],
      };
    }
    const levelOrigin = levelSource
      ? `set ${origin(levelSource)}`
      : tlsproxy
        ? "taken from smtp_tls_security_level"
        : "the default";
    const instead =
      cause.file === "master"
        ? `-o ${levelName}=${intended} on this service`
        : `${levelName} = ${intended}`;
    // global_tls_level(): enforce_tls with enforce_peername (default yes) means verify.
    const peername =
      intended === "verify"
        ? ` With ${cause.setting.name.text} = yes, ${prefix}_tls_enforce_peername = yes (its default) also asked for a verified server name, which level ${level} does not check.`
        : "";
    report.add(
      "tls-client-legacy-overridden",
      cause,
      settingSpan(cause.setting),
      [scope],
      (where) =>
        `${written(cause)} asks for level ${intended}, which ${levelName} = ${level} overrides. ` +
        `That level is ${levelOrigin}. ` +
        `A non-empty level always wins over ${cause.setting.name.text}, so ` +
        (tlsproxy
          ? `tlsproxy prepares its client side for level ${level}`
          : levelEffect(where, level)) +
        `.${peername} If you need ${intended}, set ${instead}${intended === "verify" ? ` (it needs trusted CAs, e.g. ${prefix}_tls_CAfile)` : ""}; otherwise remove ${cause.setting.name.text}.`,
      fix,
    );
  }
}

// ---------------------------------------------------------------------------
// P12: compatibility_level >= 3.11 turns the default level into "may"

function compatLevelOverride(clients: Clients, report: Report): void {
  const levelName = "smtp_tls_security_level";
  for (const scope of clients.scopes) {
    if (scope.prefix !== "smtp" || clients.source(scope, levelName)) continue;
    const level = norm(clients.value(scope, levelName));
    if (!level) continue;
    const enforce = clients.source(scope, "smtp_enforce_tls");
    const useTls = clients.source(scope, "smtp_use_tls");
    let cause: SettingSource;
    let intended: string;
    if (enforce && isYes(enforce.setting.value.text)) {
      cause = enforce;
      intended = isYes(clients.value(scope, "smtp_tls_enforce_peername")) ? "verify" : "encrypt";
    } else if (useTls && norm(useTls.setting.value.text) === "no") {
      cause = useTls;
      intended = "none";
    } else continue;
    if (intended === level) continue;
    const compat = clients.value(scope, "compatibility_level").trim();
    const edit = insertAfter(clients.context, cause, levelName, intended);
    const fix: Fix | undefined = edit
      ? {
          title:
            cause.file === "main"
              ? `Add ${levelName} = ${intended}`
              : `Add -o ${levelName}=${intended}`,
          edits: [edit],
        }
      : undefined;
    report.add(
      "tls-client-compat-level-override",
      cause,
      settingSpan(cause.setting),
      [scope],
      (where) =>
        `${written(cause)} is overridden by the ${levelName} default of compatibility_level ${compat}. ` +
        `That default is "${excerpt(level)}" instead of empty, and a non-empty level wins over ${cause.setting.name.text}. ` +
        `So ${levelEffect(where, level)}. Set ${levelName} = ${intended} explicitly.`,
      fix,
    );
  }
}

// ---------------------------------------------------------------------------
// P15: parameters the release ignores

const IGNORED: { names: string[]; since: string; why: string }[] = [
  {
    names: [
      "smtpd_tls_dh512_param_file",
      "tlsproxy_tls_dh512_param_file",
      "postscreen_tls_dh512_param_file",
    ],
    since: "3.6",
    why: "512-bit (export-grade) DH key exchange is gone, so the file is never read",
  },
  {
    names: [
      "smtpd_tls_eecdh_grade",
      "tlsproxy_tls_eecdh_grade",
      "postscreen_tls_eecdh_grade",
      "tls_eecdh_strong_curve",
      "tls_eecdh_ultra_curve",
    ],
    since: "3.6",
    why: "ECDHE always uses the curves in tls_eecdh_auto_curves",
  },
  {
    names: ["tls_low_cipherlist", "tls_export_cipherlist"],
    since: "3.8",
    why: 'the "low" and "export" cipher grades are treated as "medium"',
  },
];

function ignoredParameters(context: RuleContext, report: Report): void {
  const version = context.version;
  for (const source of context.settingsNamed(IGNORED.flatMap((group) => group.names))) {
    const name = source.setting.name.text;
    const group = IGNORED.find((candidate) => candidate.names.includes(name));
    if (!group || compareVersions(version, group.since) < 0) continue;
    // deprecated-parameter and removed-parameter already report these.
    if (!isKnownParameter(name, version) || warnsAsDeprecated(name, version)) continue;
    if (getParameter(name)?.status === "removed") continue;
    const edit = removeSetting(context, source);
    report.add(
      "tls-ignored-parameter",
      source,
      settingSpan(source.setting),
      [],
      () => `${name} has no effect since Postfix ${group.since}: ${group.why}. Remove the setting.`,
      edit ? { title: `Remove ${name}`, edits: [edit] } : undefined,
    );
  }
}

// ---------------------------------------------------------------------------
// P16: mandatory settings that no client reads

function mandatoryUnused(clients: Clients, report: Report): void {
  for (const prefix of ["smtp", "lmtp"] as const) {
    for (const suffix of [
      "tls_mandatory_protocols",
      "tls_mandatory_ciphers",
      "tls_mandatory_exclude_ciphers",
    ]) {
      for (const { source, scopes } of clients.placements(prefix, suffix)) {
        if (scopes.some((scope) => clients.hasPolicyTable(scope))) continue;
        const levels = scopes.map((scope) => clients.level(scope).value);
        if (!levels.every((level) => level === "none" || level === "may")) continue;
        // Wrapper mode enforces TLS regardless of the level.
        if (scopes.some((scope) => isYes(clients.value(scope, `${prefix}_tls_wrappermode`))))
          continue;
        const name = source.setting.name.text;
        const opportunistic = name.replace("_mandatory", "");
        report.add(
          "tls-client-mandatory-unused",
          source,
          settingSpan(source.setting),
          scopes,
          (where) =>
            `${name} is never used, because no client here makes TLS mandatory. ` +
            `It only applies at level encrypt or stricter, or for a dane destination with TLSA records, but ${where} ${verb(where, "uses")} ` +
            `${joinWords([...new Set(levels)])} and no ${prefix}_tls_policy_maps. Opportunistic TLS reads ` +
            `${opportunistic} instead. Remove the setting, or keep it for destinations you make mandatory.`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------
// P17: restrictions that opportunistic TLS answers with plaintext

const PROTOCOLS = ["sslv2", "sslv3", "tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"];
const PROTOCOL_NAMES = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/**
 * The protocol versions a protocol list leaves enabled (indexes into PROTOCOLS), or
 * undefined when the list cannot be read (other rules report that). Like OpenSSL,
 * the result is the contiguous range from the lowest enabled version up to the
 * first disabled one; `gap` tells that the list enables versions above that.
 */
function enabledProtocols(value: string): { enabled: number[]; gap: boolean } | undefined {
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

const TLSV1 = PROTOCOLS.indexOf("tlsv1");
const TLSV1_3 = PROTOCOLS.indexOf("tlsv1.3");

function opportunisticTooStrict(clients: Clients, report: Report): void {
  for (const prefix of ["smtp", "lmtp"] as const) {
    for (const suffix of ["tls_protocols", "tls_ciphers", "tls_exclude_ciphers"]) {
      for (const { source, scopes } of clients.placements(prefix, suffix)) {
        const affected = scopes.filter((scope) =>
          OPPORTUNISTIC_LEVELS.has(clients.level(scope).value),
        );
        if (affected.length === 0) continue;
        const name = source.setting.name.text;
        const value = source.setting.value.text;
        let fallback = "a server that cannot negotiate any of them";
        const advice = `Keep the default for opportunistic TLS, and ask for more per destination in ${prefix}_tls_policy_maps at level encrypt or stricter.`;
        let what: string;
        let fix: Fix | undefined;
        if (suffix === "tls_protocols") {
          if (value.includes("$")) continue;
          const parsed = enabledProtocols(value);
          // Unreadable lists and gaps are reported by the value rules (P06, P08).
          if (!parsed || parsed.gap || parsed.enabled.length === 0) continue;
          const enabled = parsed.enabled;
          if (enabled[0] <= TLSV1 && enabled[enabled.length - 1] >= TLSV1_3) continue;
          const tls = enabled.filter((i) => i >= TLSV1).map((i) => PROTOCOL_NAMES[i]);
          what = `${name} = ${value} leaves only ${joinWords(tls)}`;
        } else if (suffix === "tls_ciphers") {
          if (norm(value) !== "high") continue;
          what = `${name} = high refuses medium-grade ciphers`;
          fallback = "a server without a high-grade cipher";
          fix = {
            title: "Change to medium",
            edits: [{ ...source.setting.value, newText: "medium" }],
          };
        } else {
          const removed = new Set<string>();
          const narrowed = affected.filter((scope) => {
            const items = exclusionsThatNarrow(clients, scope, value);
            for (const item of items) removed.add(item);
            return items.length > 0;
          });
          if (narrowed.length === 0) continue;
          affected.splice(0, affected.length, ...narrowed);
          what = `${name} removes ciphers (${[...removed].join(", ")})`;
          fallback = "a server that only offers those ciphers";
        }
        report.add(
          "tls-client-opportunistic-too-strict",
          source,
          source.setting.value,
          affected,
          (where) =>
            `${what} for opportunistic TLS. On ${where}, ${fallback} gets no TLS at all, because ` +
            `Postfix then delivers to it in plaintext. ${advice}`,
          fix,
        );
      }
    }
  }
}

/** OpenSSL's strength classes: no cipher is in two of them, and eNULL ciphers are in none. */
const STRENGTH_CLASSES = new Set(["HIGH", "MEDIUM", "LOW", "EXPORT"]);
const CIPHER_ALIASES: Record<string, string> = { EXP: "EXPORT", NULL: "eNULL" };
const canonicalCipher = (word: string) => CIPHER_ALIASES[word] ?? word;

/**
 * Whether an OpenSSL cipher list already leaves out every cipher `item` names: it
 * excludes it with `!`, or everything it selects is in other strength classes
 * (`ALL` never selects eNULL). Unknown words count as removing something.
 */
function alreadyExcluded(cipherlist: string, item: string): boolean {
  const target = canonicalCipher(item);
  const tokens = cipherlist.split(/[\s:,]+/).filter(Boolean);
  let selected: string[] = [];
  for (const token of tokens) {
    const operator = token[0];
    const word = canonicalCipher(/^[!+\-@]/.test(token) ? token.slice(1) : token);
    if (operator === "!" && word === target) return true;
    if (operator === "!" || operator === "-") selected = selected.filter((s) => s !== word);
    else if (!/^[+@]/.test(token)) selected.push(word);
  }
  const disjoint = (word: string) =>
    (word === "ALL" && target === "eNULL") ||
    (STRENGTH_CLASSES.has(word) &&
      (target === "eNULL" || (STRENGTH_CLASSES.has(target) && word !== target)));
  return selected.length > 0 && selected.every(disjoint);
}

/**
 * The items of a cipher exclusion list that remove something from the cipher grade a
 * client uses with opportunistic TLS (the grade's list as the configured release
 * defines it); none when the grade is not one Postfix knows (tls-cipher-grade-invalid).
 */
function exclusionsThatNarrow(clients: Clients, scope: Scope, exclusions: string): string[] {
  let grade = norm(clients.value(scope, `${scope.prefix}_tls_ciphers`));
  // Since 3.8 the low and export grades are the medium grade.
  if (
    (grade === "low" || grade === "export") &&
    compareVersions(clients.context.version, "3.8") >= 0
  )
    grade = "medium";
  if (!["high", "medium", "null", "low", "export"].includes(grade)) return [];
  const cipherlist = clients.value(scope, `tls_${grade}_cipherlist`);
  // tls_set_ciphers() splits the exclusions at commas, whitespace and colons.
  return exclusions.split(/[\s,:]+/).filter((item) => item && !alreadyExcluded(cipherlist, item));
}

// ---------------------------------------------------------------------------
// P21: aNULL excluded where the level excludes it already

function anullExcluded(clients: Clients, report: Report): void {
  for (const prefix of ["smtp", "lmtp"] as const) {
    for (const suffix of ["tls_exclude_ciphers", "tls_mandatory_exclude_ciphers"]) {
      const mandatory = suffix.includes("mandatory");
      for (const { source, scopes } of clients.placements(prefix, suffix)) {
        const value = source.setting.value.text;
        if (!value.split(/[\s,:]+/).some((token) => token.toLowerCase() === "anull")) continue;
        if (scopes.some((scope) => clients.hasPolicyTable(scope))) continue;
        const levels = scopes.map((scope) => clients.level(scope).value);
        const using = levels.filter((level) =>
          mandatory ? MANDATORY_LEVELS.has(level) : level !== "none",
        );
        const verifying = (level: string) =>
          VERIFYING_LEVELS.has(level) || (mandatory && level === "dane");
        if (using.length === 0 || !using.every(verifying)) continue;
        const name = source.setting.name.text;
        const edit = removeAnull(clients.context, source);
        report.add(
          "tls-client-anull-excluded",
          source,
          source.setting.value,
          scopes,
          (where) =>
            `aNULL in ${name} adds nothing: the level already leaves out anonymous ciphers. ` +
            `${capitalize(where)} ${verb(where, "authenticates")} the server ` +
            `(level ${joinWords([...new Set(using)])}), and anonymous ciphers cannot do that. Remove it.`,
          edit ? { title: "Remove aNULL", edits: [edit] } : undefined,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------
// P23: TLSv1 excluded for all mandatory TLS while DANE is the default

function daneProtocolFloor(clients: Clients, report: Report): void {
  for (const prefix of ["smtp", "lmtp"] as const) {
    for (const { source, scopes } of clients.placements(prefix, "tls_mandatory_protocols")) {
      const dane = scopes.filter((scope) =>
        ["dane", "dane-only"].includes(clients.level(scope).value),
      );
      if (dane.length === 0) continue;
      const value = source.setting.value.text;
      if (value.includes("$")) continue;
      const parsed = enabledProtocols(value);
      if (!parsed || parsed.gap || parsed.enabled.length === 0 || parsed.enabled[0] <= TLSV1)
        continue;
      const name = source.setting.name.text;
      report.add(
        "tls-client-dane-tlsv1-excluded",
        source,
        source.setting.value,
        dane,
        (where) =>
          `${name} = ${value} rules out TLSv1 for every DANE destination of ${where}. A few DANE-protected ` +
          `servers still only speak TLSv1, and mail to them will be deferred. Keep TLSv1 here and raise the ` +
          `minimum per destination in ${prefix}_tls_policy_maps (protocols=...).`,
      );
    }
  }
}

// ---------------------------------------------------------------------------
// P44: CA data at levels that do not verify

function caUnused(clients: Clients, report: Report): void {
  for (const prefix of ["smtp", "lmtp"] as const) {
    for (const suffix of ["tls_CAfile", "tls_CApath"]) {
      for (const { source, scopes } of clients.placements(prefix, suffix)) {
        if (!source.setting.value.text.trim()) continue;
        if (scopes.some((scope) => clients.hasPolicyTable(scope))) continue;
        const levels = scopes.map((scope) => clients.level(scope).value);
        if (!levels.every((level) => ["none", "may", "encrypt"].includes(level))) continue;
        if (!levels.some((level) => level !== "none")) continue;
        const name = source.setting.name.text;
        report.add(
          "tls-client-ca-unused",
          source,
          settingSpan(source.setting),
          scopes,
          (where) =>
            `${name} does not change how ${where} ${verb(where, "delivers")}. At level ` +
            `${joinWords([...new Set(levels)])} mail goes out whether or not the server certificate is trusted, ` +
            `and the CA data only decides whether the log says "Trusted" or "Untrusted". If the path cannot be ` +
            `loaded, though, the client turns TLS off. Remove it unless you want that log detail, and make sure ` +
            `the path exists if you keep it.`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------
// P45: verify/secure without trust anchors

function verifyWithoutCa(clients: Clients, report: Report): void {
  for (const scope of clients.scopes) {
    const level = clients.level(scope);
    if (!["verify", "secure"].includes(level.value) || !level.source) continue;
    if (clients.hasPolicyTable(scope)) continue;
    const p = scope.prefix;
    const anchors = [`${p}_tls_CAfile`, `${p}_tls_CApath`, `${p}_tls_trust_anchor_file`];
    if (anchors.some((name) => clients.value(scope, name).trim())) continue;
    const source = level.source;
    report.add(
      "tls-client-verify-without-ca",
      source,
      settingSpan(source.setting),
      [scope],
      (where) =>
        `Level ${level.value} needs trusted CAs, but ${joinWords(anchors)} are all empty for ${where}. ` +
        `Postfix then trusts no CA at all (the system CAs are only added to a configured CAfile or CApath), ` +
        `so every server certificate fails verification and all mail is deferred. Set ${p}_tls_CAfile to ` +
        `your system's CA bundle.`,
    );
  }
}

// ---------------------------------------------------------------------------
// P46: mandatory TLS for all Internet mail

function mandatoryInternetDefault(clients: Clients, report: Report): void {
  const scope = clients.internetScope();
  if (!scope) return;
  const level = clients.level(scope);
  if (!["encrypt", "verify", "secure", "fingerprint", "dane-only"].includes(level.value)) return;
  if (!level.source) return;
  const source = level.source;
  const unreachable: Record<string, string> = {
    encrypt: "servers without STARTTLS",
    verify: "servers without STARTTLS or without a certificate your CAs trust",
    secure: "servers without STARTTLS or without a certificate your CAs trust",
    fingerprint: "every server whose fingerprint is not listed",
    "dane-only": "servers without DNSSEC-signed TLSA records",
  };
  report.add(
    "tls-client-mandatory-internet-default",
    source,
    settingSpan(source.setting),
    [scope],
    (where) =>
      `${written(source)} makes ${level.value} the level for all Internet mail. There is no relayhost, and ` +
      `${where} ${verb(where, "delivers")} directly. Mail to ${unreachable[level.value]} is deferred and ` +
      `eventually returned to the sender. Use may (or dane, with DNSSEC) as the default, and require ` +
      `stronger TLS for specific destinations in smtp_tls_policy_maps.`,
  );
}

// ---------------------------------------------------------------------------
// P47: DANE without DNSSEC

function daneWithoutDnssec(clients: Clients, report: Report): void {
  const context = clients.context;
  for (const scope of clients.scopes) {
    const level = clients.level(scope);
    if (!["dane", "dane-only"].includes(level.value) || !level.source) continue;
    const p = scope.prefix;
    const source = level.source;
    const unix = clients.unixOnlyDestinations(scope);
    if (unix) {
      report.add(
        "tls-client-dane-without-dnssec",
        source,
        settingSpan(source.setting),
        [scope],
        (where) =>
          `Level ${level.value} cannot work for ${where}, which ${verb(where, "delivers")} only over UNIX-domain sockets. ` +
          `Its destinations are ` +
          `${joinWords(unix)}: DANE is invalid for UNIX-domain sockets, and every delivery is deferred. Use none or encrypt for this transport.`,
      );
      continue;
    }
    const reasons: string[] = [];
    const dnsName = `${p}_dns_support_level`;
    const dns = norm(clients.value(scope, dnsName));
    const dnsWrong = dns !== "dnssec";
    if (dnsWrong)
      reasons.push(`${dnsName} is ${dns ? `"${excerpt(dns)}"` : "empty"} instead of dnssec`);
    const hostLookup = `${p}_host_lookup`;
    const lookupWrong =
      clients.known(hostLookup) && !words(norm(clients.value(scope, hostLookup))).includes("dns");
    if (lookupWrong) reasons.push(`${hostLookup} does not include dns`);
    const ignoreMx =
      p === "smtp" && isYes(context.valueOf("ignore_mx_lookup_error", scope.service));
    if (ignoreMx) reasons.push("ignore_mx_lookup_error = yes");
    if (reasons.length === 0) continue;
    const outcome =
      level.value === "dane"
        ? "Postfix logs a warning and falls back to opportunistic TLS (may), so TLSA records are never checked"
        : "every delivery is deferred";
    let fix: Fix | undefined;
    if (dnsWrong && !lookupWrong && !ignoreMx && clients.known(dnsName)) {
      fix = setValueFix(clients, source, scope, dnsName, "dnssec");
    }
    report.add(
      "tls-client-dane-without-dnssec",
      source,
      settingSpan(source.setting),
      [scope],
      (where) =>
        `Level ${level.value} needs DNSSEC-validated lookups, which ${where} ${verb(where, "does")} not make. ` +
        `For ${where} ${joinWords(reasons)}: ${outcome}. Set ${dnsName} = dnssec (and use a local DNSSEC-validating resolver).`,
      fix,
    );
  }
}

// ---------------------------------------------------------------------------
// P48 and P51: the fingerprint level

function fingerprintWithoutMatch(clients: Clients, report: Report): void {
  for (const scope of clients.scopes) {
    const level = clients.level(scope);
    if (level.value !== "fingerprint" || !level.source) continue;
    if (clients.hasPolicyTable(scope)) continue;
    const matchName = `${scope.prefix}_tls_fingerprint_cert_match`;
    if (clients.value(scope, matchName).trim()) continue;
    const source = level.source;
    report.add(
      "tls-client-fingerprint-without-match",
      source,
      settingSpan(source.setting),
      [scope],
      (where) =>
        `Level fingerprint has no fingerprints to compare with: ${matchName} is empty for ${where}. ` +
        `Postfix logs that there are no fingerprints to match and defers every delivery. List the ` +
        `expected fingerprints in ${matchName}.`,
    );
  }
}

function rpkWithFingerprint(clients: Clients, report: Report): void {
  for (const scope of clients.scopes) {
    const name = `${scope.prefix}_tls_enable_rpk`;
    const source = clients.source(scope, name);
    if (!source || !clients.known(name) || !isYes(source.setting.value.text)) continue;
    if (clients.level(scope).value !== "fingerprint") continue;
    const matchName = `${scope.prefix}_tls_fingerprint_cert_match`;
    report.add(
      "tls-client-rpk-fingerprint",
      source,
      settingSpan(source.setting),
      [scope],
      (where) =>
        `${name} = yes with level fingerprint: a server that sends a bare public key fails the certificate fingerprints. ` +
        `It lets a server answer ${where} with a public key instead of a certificate; once a server does that, certificate fingerprints in ${matchName} no longer ` +
        `match and delivery fails. List public-key fingerprints there, or set ${name} = no.`,
    );
  }
}

// ---------------------------------------------------------------------------
// P52: SMTPS (port 465) on the client side

function wrappermodeLevel(clients: Clients, report: Report): void {
  for (const scope of clients.scopes) {
    const name = `${scope.prefix}_tls_wrappermode`;
    const source = clients.source(scope, name);
    if (!source || !clients.known(name) || !isYes(source.setting.value.text)) continue;
    if (clients.hasPolicyTable(scope)) continue;
    const level = clients.level(scope).value;
    if (level !== "none" && level !== "may") continue;
    const levelName = `${scope.prefix}_tls_security_level`;
    report.add(
      "tls-client-wrappermode-level",
      source,
      settingSpan(source.setting),
      [scope],
      (where) =>
        `${name} = yes needs mandatory TLS, but ${where} ${verb(where, "uses")} level ${level}. ` +
        `Postfix skips every server with a warning that wrapper mode requires encrypt, and the mail is ` +
        `deferred. Set ${levelName} = encrypt (or stricter) for the same transport.`,
      setValueFix(clients, source, scope, levelName, "encrypt"),
    );
  }
}

const SMTPS_PORTS = new Set(["465", "smtps", "submissions"]);

/** The port of a next hop such as `[host]:465` or `host:smtps`, lowercased; "" when none. */
function portOf(nexthop: string): string {
  const hop = nexthop.trim().replace(/^inet:/i, "");
  if (hop.startsWith("[")) {
    const close = hop.indexOf("]");
    return close >= 0 && hop[close + 1] === ":" ? hop.slice(close + 2).toLowerCase() : "";
  }
  const colon = hop.lastIndexOf(":");
  return colon >= 0 ? hop.slice(colon + 1).toLowerCase() : "";
}

function smtpsWithoutWrappermode(clients: Clients, report: Report): void {
  const context = clients.context;
  const candidates: { source: SettingSource; nexthop: string; transport: string }[] = [];
  const relayhost = context.mainSettings.get("relayhost");
  const defaultRoute = splitTransport(context.valueOf("default_transport"));
  // A next hop in default_transport takes precedence over relayhost.
  if (relayhost && !defaultRoute.nexthop) {
    const { transport } = defaultRoute;
    for (const hop of words(context.valueOf("relayhost"))) {
      candidates.push({ source: { setting: relayhost, file: "main" }, nexthop: hop, transport });
    }
  }
  for (const name of ["default_transport", "relay_transport"]) {
    const setting = context.mainSettings.get(name);
    if (!setting) continue;
    const { transport, nexthop } = splitTransport(context.valueOf(name));
    if (nexthop) candidates.push({ source: { setting, file: "main" }, nexthop, transport });
  }
  for (const { source, nexthop, transport } of candidates) {
    if (!SMTPS_PORTS.has(portOf(nexthop))) continue;
    const scope = clients.scopeForTransport(transport);
    if (!scope) continue;
    const wrapper = `${scope.prefix}_tls_wrappermode`;
    if (!clients.known(wrapper) || isYes(clients.value(scope, wrapper))) continue;
    report.add(
      "tls-client-smtps-without-wrappermode",
      source,
      source.setting.value,
      [scope],
      (where) =>
        `${nexthop} is an SMTPS port, but ${where} ${verb(where, "does")} not set ${wrapper} = yes. ` +
        `The server expects TLS from the first byte, while the client waits for a greeting the server never sends, and delivery times ` +
        `out. Set ${wrapper} = yes and ${scope.prefix}_tls_security_level = encrypt for that transport ` +
        `(usually a dedicated master.cf entry), or use port 587 with STARTTLS.`,
    );
  }
}

// ---------------------------------------------------------------------------
// P53: client SASL password over optional TLS

function saslOverOptionalTls(clients: Clients, report: Report): void {
  for (const scope of clients.scopes) {
    const p = scope.prefix;
    if (!isYes(clients.value(scope, `${p}_sasl_auth_enable`))) continue;
    const optionsName = `${p}_sasl_security_options`;
    const source = clients.source(scope, optionsName);
    if (!source) continue;
    if (words(norm(clients.value(scope, optionsName))).includes("noplaintext")) continue;
    if (clients.hasPolicyTable(scope)) continue;
    const level = clients.level(scope).value;
    if (!["none", "may", "dane"].includes(level)) continue;
    const exposure =
      level === "none"
        ? "TLS is off, so a PLAIN or LOGIN password always goes over the wire unencrypted"
        : `TLS is optional (level ${level}), so when the server offers no STARTTLS, or an attacker removes it, a PLAIN or LOGIN password goes over the wire unencrypted`;
    report.add(
      "tls-client-sasl-optional-tls",
      source,
      source.setting.value,
      [scope],
      (where) =>
        `The SMTP client may send a password unencrypted: ${optionsName} lacks noplaintext, and TLS is not required. ` +
        `${capitalize(where)} ${verb(where, "authenticates")} with ${p}_sasl_auth_enable = yes while ${exposure}. ` +
        `Require TLS toward the server that gets the password (${p}_tls_security_level = encrypt, or an ` +
        `encrypt entry for it in ${p}_tls_policy_maps).`,
    );
  }
}

// ---------------------------------------------------------------------------
// P54: opportunistic TLS over UNIX-domain LMTP

function lmtpUnixOpportunistic(clients: Clients, report: Report): void {
  for (const { source, scopes } of clients.placements("lmtp", "tls_security_level")) {
    if (norm(source.setting.value.text) !== "may") continue;
    // Only when every LMTP transport that reads this setting delivers to sockets alone.
    const sockets = scopes.map((scope) => clients.unixOnlyDestinations(scope));
    if (!sockets.every((list) => list !== undefined)) continue;
    const unix = [...new Set(sockets.flat() as string[])];
    report.add(
      "tls-lmtp-unix-opportunistic",
      source,
      settingSpan(source.setting),
      scopes,
      (where) =>
        `${written(source)} does nothing for ${where}, which ${verb(where, "delivers")} only over UNIX-domain sockets. ` +
        `Its destinations are ${joinWords(unix)}: on ${unix.length > 1 ? "UNIX-domain sockets" : "a UNIX-domain socket"}, Postfix turns opportunistic TLS off and logs a warning for each ` +
        `delivery. Set the level to none (what happens now), or to encrypt if the LMTP server must present ` +
        `a certificate.`,
      { title: "Change to none", edits: [{ ...source.setting.value, newText: "none" }] },
    );
  }
}

// ---------------------------------------------------------------------------
// P56: client certificates nobody asks for, and DSA certificates

function clientCertUnneeded(clients: Clients, report: Report): void {
  const scope = clients.internetScope();
  if (!scope || clients.hasPolicyTable(scope)) return;
  for (const suffix of ["tls_cert_file", "tls_eccert_file", "tls_chain_files"]) {
    const name = `${scope.prefix}_${suffix}`;
    const source = clients.source(scope, name);
    if (!source || !clients.known(name) || !source.setting.value.text.trim()) continue;
    report.add(
      "tls-client-cert-unneeded",
      source,
      settingSpan(source.setting),
      [scope],
      (where) =>
        `${name} gives ${where} a client certificate that Internet servers practically never ask for. ` +
        `This host delivers directly to the Internet (no relayhost, no transport or policy tables), and ` +
        `offering one can cause handshake problems with some servers. Remove it unless a destination requires ` +
        `client-certificate authentication.`,
    );
  }
}

const DSA_CERTIFICATES = [
  "smtp_tls_dcert_file",
  "lmtp_tls_dcert_file",
  "smtpd_tls_dcert_file",
  "tlsproxy_tls_dcert_file",
  "tlsproxy_client_dcert_file",
  "postscreen_tls_dcert_file",
];

function dsaCertificates(context: RuleContext, report: Report): void {
  const newDefaults = compareVersions(context.version, "3.8") >= 0;
  for (const source of context.settingsNamed(DSA_CERTIFICATES)) {
    const name = source.setting.name.text;
    if (!isKnownParameter(name, context.version)) continue;
    if (!source.setting.value.text.trim()) continue;
    report.add(
      "tls-dsa-certificate",
      source,
      settingSpan(source.setting),
      [],
      () =>
        `${name} configures a DSA certificate. DSA is obsolete: TLS 1.3 cannot use it` +
        (newDefaults
          ? `, and since Postfix 3.8 the default cipher lists leave out DSA-signed (aDSS) ciphers, so it is not used at all.`
          : `, and few peers still accept it.`) +
        ` Use an RSA or ECDSA certificate instead, and remove this setting and ${name.replace("dcert", "dkey")}.`,
    );
  }
}

// ---------------------------------------------------------------------------
// P57: one SNI name for every server

const HOSTNAME =
  /^(?=.{1,255}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function servernameLiteral(clients: Clients, report: Report): void {
  const name = "smtp_tls_servername";
  const setting = clients.context.mainSettings.get(name);
  if (!setting || !clients.known(name)) return;
  const scope = clients.internetScope();
  if (!scope || clients.source(scope, name)?.setting !== setting) return;
  const value = clients.value(scope, name).trim();
  if (!value || ["hostname", "nexthop"].includes(value.toLowerCase())) return;
  const source: SettingSource = { setting, file: "main" };
  const valid = HOSTNAME.test(value) && !/^[0-9.]+$/.test(value);
  report.add(
    "tls-client-servername-literal",
    source,
    setting.value,
    [scope],
    (where) =>
      (valid
        ? `${name} = ${value} makes ${where} send one SNI name to every server it delivers to. ` +
          `There is no relayhost, so that is every server on the Internet. Servers choose their certificate by that name, so they may present ` +
          `one that does not match them, which fails delivery at verifying levels.`
        : `${name} = ${value} is not a valid hostname: Postfix logs a warning and defers every delivery ` +
          `of ${where}.`) +
      ` Use hostname or nexthop, or give a fixed name only for one destination with servername= in smtp_tls_policy_maps.`,
  );
}
