import { defaultValue, isKnownParameter } from "../data/parameters";
import type { ParameterSetting } from "../parser/mainCf";
import type { MasterEntry, MasterOption } from "../parser/masterCf";
import type { Span } from "../parser/logicalLines";
import type { RuleContext, ServiceView, SettingSource } from "./context";
import type { Finding, Fix, FixEdit } from "./findings";
import type { RuleDefinition } from "./ruleDefinition";
import { excerpt } from "../text/excerpt";
import { removeAnull } from "./edits";

/**
 * Server-side TLS and SASL pitfalls (smtpd, postscreen, tlsproxy), the services
 * TLS depends on (tlsmgr, tlsproxy), and two master.cf checks master(8) makes on
 * inet services. Each smtpd/postscreen/tlsproxy service is judged with its own
 * `-o` settings; a finding goes on the setting that causes it, once per setting.
 */

/** Rule definitions of this module; ruleTable.ts collects them. */
export const tlsServerRuleDefinitions = [
  {
    id: "mandatory-tls-on-port-25",
    severity: "warning",
    description:
      "The public SMTP service on port 25 requires TLS; mail from servers without TLS is refused.",
    pitfalls: ["P24"],
  },
  {
    id: "wrappermode-in-main-cf",
    severity: "error",
    description:
      "smtpd_tls_wrappermode = yes in main.cf makes every smtpd service, port 25 included, expect TLS on connect.",
    pitfalls: ["P25"],
  },
  {
    id: "submissions-without-wrappermode",
    severity: "warning",
    description:
      "A port 465 (submissions/smtps) smtpd service without smtpd_tls_wrappermode=yes; clients expect TLS on connect.",
    pitfalls: ["P26"],
  },
  {
    id: "req-ccert-without-mandatory-tls",
    severity: "warning",
    description:
      "smtpd_tls_req_ccert = yes where TLS is optional; the server ignores it and logs a warning.",
    pitfalls: ["P27"],
  },
  {
    id: "server-tls-without-certificate",
    severity: "error",
    description:
      "Server TLS is turned on but no certificate is configured; STARTTLS is still announced, then refused with 454.",
    pitfalls: ["P28"],
  },
  {
    id: "server-certificate-none",
    severity: "warning",
    description:
      "smtpd_tls_cert_file = none: the server offers only anonymous TLS, which TLS 1.3 and most clients lack.",
    pitfalls: ["P29"],
  },
  {
    id: "server-key-file-default",
    severity: "warning",
    description:
      "A certificate-only file without a key file; Postfix then looks for the private key in the certificate file.",
    pitfalls: ["P30"],
  },
  {
    id: "chain-files-with-legacy-certificates",
    severity: "warning",
    description:
      "smtpd_tls_chain_files and a legacy certificate parameter are both set; the legacy one is ignored.",
    pitfalls: ["P31"],
  },
  {
    id: "client-level-on-server",
    severity: "warning",
    description:
      "fingerprint, verify or secure as a server TLS level; the server warns and uses encrypt.",
    pitfalls: ["P32"],
  },
  {
    id: "dane-level-on-server",
    severity: "error",
    description: "dane or dane-only as a server TLS level; the server stops with a fatal error.",
    pitfalls: ["P32"],
  },
  {
    id: "sasl-auth-before-tls",
    severity: "warning",
    description:
      "SMTP AUTH with plaintext mechanisms is offered before STARTTLS; passwords can travel unencrypted.",
    pitfalls: ["P33"],
  },
  {
    id: "sasl-auth-never-offered",
    severity: "warning",
    description:
      "SMTP AUTH is enabled with smtpd_tls_auth_only = yes on a service without TLS, so AUTH is never offered.",
    pitfalls: ["P34"],
  },
  {
    id: "sasl-options-without-noanonymous",
    severity: "error",
    description: "SASL security options without noanonymous allow anonymous logins.",
    pitfalls: ["P35"],
  },
  {
    id: "noplaintext-blocks-tls-auth",
    severity: "info",
    description:
      "noplaintext also applies inside TLS while smtpd_sasl_tls_security_options is left at its default.",
    pitfalls: ["P36"],
  },
  {
    id: "tlsmgr-setting-in-master-cf",
    severity: "info",
    description:
      "A session cache or random-source setting given with -o on smtp/smtpd/lmtp; only tlsmgr reads it.",
    pitfalls: ["P38"],
  },
  {
    id: "tlsproxy-service-missing",
    severity: "error",
    description:
      "postscreen STARTTLS or TLS connection reuse is on, but master.cf has no tlsproxy service.",
    pitfalls: ["P40"],
  },
  {
    id: "postscreen-tls-overrides-missing",
    severity: "warning",
    description:
      "TLS overrides on the smtpd behind postscreen that the postscreen and tlsproxy services do not share.",
    pitfalls: ["P41"],
  },
  {
    id: "client-certs-from-public-cas",
    severity: "error",
    description:
      "permit_tls_all_clientcerts with tls_append_default_CA = yes trusts a certificate from any public CA.",
    pitfalls: ["P42"],
  },
  {
    id: "ask-ccert-on-port-25",
    severity: "info",
    description: "The public SMTP service on port 25 asks every client for a certificate.",
    pitfalls: ["P43"],
  },
  {
    id: "tlsmgr-service-missing",
    severity: "warning",
    description: "TLS is turned on but master.cf has no tlsmgr service.",
    pitfalls: ["P61"],
  },
  {
    id: "server-certificate-unused",
    severity: "info",
    description:
      "A server certificate is configured in main.cf, but no smtpd service turns TLS on.",
    pitfalls: ["P62"],
  },
  {
    id: "tls-server-legacy-overridden",
    severity: "error",
    description:
      "smtpd_use_tls/smtpd_enforce_tls (or a postscreen/tlsproxy copy) asking for more TLS than the security level that overrides it.",
    pitfalls: ["P11"],
  },
  {
    id: "tls-server-mandatory-unused",
    severity: "info",
    description:
      "smtpd_tls_mandatory_* settings on services where TLS is never required; they never apply.",
    pitfalls: ["P16"],
  },
  {
    id: "tls-server-anull-excluded",
    severity: "info",
    description:
      "aNULL excluded by hand on a server that asks for client certificates, which leaves out anonymous ciphers already.",
    pitfalls: ["P21"],
  },
  {
    id: "inet-service-private",
    severity: "error",
    description: "An inet service marked private (y or -); master(8) refuses to start.",
  },
  {
    id: "inet-service-name",
    severity: "error",
    description: "An inet service name that is not [host:]port; master(8) refuses to start.",
  },
] as const satisfies readonly RuleDefinition[];

type RuleId = (typeof tlsServerRuleDefinitions)[number]["id"];

// ---------------------------------------------------------------------------
// Services and their effective TLS state

type Family = "smtpd" | "postscreen" | "tlsproxy";

/** A server process as it sees the configuration; no service: main.cf alone (smtpd). */
interface Scope {
  service?: ServiceView;
  family: Family;
}

interface ServerTls {
  /** TLS is offered (or required). */
  use: boolean;
  /** TLS is required: encrypt (or a level smtpd maps to it), legacy enforce, or wrapper mode. */
  enforce: boolean;
  wrapper: boolean;
  /** The level is one the server refuses; the process does not run. */
  invalid: boolean;
  /** The setting that decides the state, if one is set. */
  origin?: SettingSource;
  /** The name whose value decides it. */
  originName?: string;
}

const ENFORCING_LEVELS = ["encrypt", "fingerprint", "verify", "secure"];
const CLIENT_LEVELS = ["fingerprint", "verify", "secure"];
const DANE_LEVELS = ["dane", "dane-only"];

const yes = (value: string) => value.trim().toLowerCase() === "yes";
const listWords = (value: string) =>
  value
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);

/**
 * The family's copy of an smtpd parameter (`smtpd_tls_cert_file` for postscreen is
 * `postscreen_tls_cert_file`), when the configured release has it.
 */
function familyName(context: RuleContext, family: Family, smtpdName: string): string | undefined {
  if (family === "smtpd") return smtpdName;
  const name = family + smtpdName.slice("smtpd".length);
  return isKnownParameter(name, context.version) ? name : undefined;
}

function serverTls(context: RuleContext, { service, family }: Scope): ServerTls {
  const value = (name: string) => context.valueOf(name, service);
  const decided = (name: string, state: Omit<ServerTls, "origin" | "originName">): ServerTls => ({
    ...state,
    origin: originOf(context, name, service),
    originName: name,
  });
  const off = { use: false, enforce: false, wrapper: false, invalid: false };
  // smtpd ignores the level entirely in wrapper mode.
  if (family === "smtpd" && yes(value("smtpd_tls_wrappermode"))) {
    return decided("smtpd_tls_wrappermode", {
      use: true,
      enforce: true,
      wrapper: true,
      invalid: false,
    });
  }
  const levelName = familyName(context, family, "smtpd_tls_security_level");
  const level = levelName ? value(levelName).trim().toLowerCase() : "";
  if (levelName && level) {
    if (level === "none") return decided(levelName, off);
    if (level === "may") return decided(levelName, { ...off, use: true });
    if (ENFORCING_LEVELS.includes(level))
      return decided(levelName, { ...off, use: true, enforce: true });
    return decided(levelName, { ...off, invalid: true });
  }
  const enforceName = familyName(context, family, "smtpd_enforce_tls");
  const useName = familyName(context, family, "smtpd_use_tls");
  if (enforceName && yes(value(enforceName)))
    return decided(enforceName, { ...off, use: true, enforce: true });
  if (useName && yes(value(useName))) return decided(useName, { ...off, use: true });
  return off;
}

/**
 * The setting a value comes from, following values (and defaults) that are just
 * `$other`: postscreen_tls_security_level's default leads to smtpd_tls_security_level.
 */
function originOf(
  context: RuleContext,
  name: string,
  service: ServiceView | undefined,
  depth = 0,
): SettingSource | undefined {
  if (depth > 10) return undefined;
  const source = context.sourceOf(name, service);
  const raw = source ? source.setting.value.text : defaultValue(name, context.version);
  const reference = raw === undefined ? undefined : soleReference(raw);
  if (reference && reference !== name) {
    const inner = originOf(context, reference, service, depth + 1);
    if (inner) return inner;
  }
  return source;
}

function soleReference(value: string): string | undefined {
  const match = /^\s*\$(?:\{(\w+)\}|\((\w+)\)|(\w+))\s*$/.exec(value);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function serverScopes(context: RuleContext): Scope[] {
  if (!context.master) return [{ family: "smtpd" }];
  const scopes: Scope[] = [];
  for (const service of context.services) {
    if (service.command === "smtpd") scopes.push({ service, family: "smtpd" });
    else if (service.command === "postscreen") scopes.push({ service, family: "postscreen" });
  }
  // tlsproxy's server role only serves postscreen.
  if (scopes.some((s) => s.family === "postscreen" && serverTls(context, s).use)) {
    for (const service of context.services)
      if (service.command === "tlsproxy") scopes.push({ service, family: "tlsproxy" });
  }
  return scopes;
}

function scopeLabel(scope: Scope): string {
  return scope.service ? `${scope.service.name}/${scope.service.type}` : "smtpd";
}

function labels(scopes: Scope[]): string {
  const names = [...new Set(scopes.map(scopeLabel))];
  return names.length <= 1
    ? (names[0] ?? "")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** `name = value` (main.cf) or `-o name=value` (master.cf), as written. */
function written(source: SettingSource): string {
  const { name, value } = source.setting;
  return source.file === "main" ? `${name.text} = ${value.text}` : `-o ${name.text}=${value.text}`;
}

/** Where a setting is, for a message: "in main.cf" or "on smtp/inet". */
function place(context: RuleContext, source: SettingSource): string {
  if (source.file === "main") return "in main.cf";
  const service = serviceOf(context, source.setting);
  return service ? `on ${service.name}/${service.type}` : "in master.cf";
}

// Looked up, not searched: a finding per service would otherwise scan every option.
function serviceOf(context: RuleContext, setting: ParameterSetting): ServiceView | undefined {
  return context.optionHolding(setting)?.service;
}

function optionOf(context: RuleContext, setting: ParameterSetting): MasterOption | undefined {
  return context.optionHolding(setting)?.option;
}

// ---------------------------------------------------------------------------
// inet service names (util/host_port.c with an empty default host)

type HostPort = { host: string; port: string; hostGiven: boolean } | { error: string };

function hostPort(name: string): HostPort {
  let host: string;
  let port: string;
  let hostGiven: boolean;
  if (name.startsWith("[")) {
    let rest = name.slice(1);
    const ipv6 = /^ipv6:/i.test(rest);
    if (ipv6) rest = rest.slice(5);
    const close = rest.indexOf("]");
    if (close < 0) return { error: 'missing "]"' };
    host = rest.slice(0, close);
    rest = rest.slice(close + 1);
    if (rest && !rest.startsWith(":")) return { error: 'garbage after "]"' };
    if (ipv6 && !validIpv6(host)) return { error: "malformed IPv6 address" };
    port = rest.slice(1);
    hostGiven = true;
  } else {
    const colon = name.lastIndexOf(":");
    host = colon >= 0 ? name.slice(0, colon) : "";
    port = colon >= 0 ? name.slice(colon + 1) : name;
    hostGiven = host !== "";
  }
  if (!port) return { error: "missing service information" };
  if (hostGiven && !validHost(host)) return { error: "valid hostname or network address required" };
  if (/^[0-9]/.test(port) && !/^[0-9]+$/.test(port))
    return { error: "garbage after numerical service" };
  return { host, port, hostGiven };
}

function validHost(host: string): boolean {
  // Non-ASCII names are converted with IDNA by Postfix; not checked here.
  if (/[^\x20-\x7e]/.test(host)) return true;
  return host.includes(":") ? validIpv6(host) : validIpv4(host) || validHostname(host);
}

function validHostname(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const labels = name.split(".");
  if (labels.some((label) => !/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label)))
    return false;
  return /[^0-9.]/.test(name);
}

function validIpv4(address: string): boolean {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= 255))
    return false;
  // Postfix allows 0.0.0.0 but no other address with a leading 0 octet.
  return Number(parts[0]) !== 0 || parts.every((p) => Number(p) === 0);
}

function validIpv6(address: string): boolean {
  let text = address;
  const last = text.lastIndexOf(":");
  if (last < 0) return false;
  const tail = text.slice(last + 1);
  if (tail.includes(".")) {
    if (!validIpv4(tail)) return false;
    text = `${text.slice(0, last + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const all = halves.flatMap(groups);
  if (!all.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** An inet service bound to a loopback address (reinjection from a content filter and the like). */
function loopbackOnly(scope: Scope): boolean {
  if (scope.service?.type !== "inet") return false;
  const parsed = hostPort(scope.service.name);
  return !("error" in parsed) && parsed.hostGiven && isLoopback(parsed.host);
}

function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === "::1" || host.toLowerCase() === "localhost";
}

/** An inet service listening on one of these ports, on a non-loopback address. */
/**
 * An inet service listening on one of these ports; with `publicOnly`, not on a
 * loopback address (its own, or inet_interfaces' when it names none).
 */
function listensOn(
  context: RuleContext,
  service: ServiceView,
  ports: string[],
  publicOnly: boolean,
): boolean {
  if (service.type !== "inet") return false;
  const parsed = hostPort(service.name);
  if ("error" in parsed) return false;
  if (publicOnly) {
    const hosts = parsed.hostGiven
      ? [parsed.host]
      : listWords(context.valueOf("inet_interfaces")).map((host) =>
          host.replace(/^\[(.*)\]$/, "$1"),
        );
    if (hosts.length > 0 && hosts.every((host) => host === "loopback-only" || isLoopback(host)))
      return false;
  }
  return ports.includes(parsed.port.toLowerCase());
}

const PORT_25 = ["smtp", "25"];
const PORT_465 = ["submissions", "smtps", "465"];

/** The server scopes that answer port 25: smtpd or postscreen there, and the smtpd behind postscreen. */
function port25Scopes(context: RuleContext, scopes: Scope[]): Scope[] {
  if (!context.master) return scopes;
  const listeners = scopes.filter(
    (scope) =>
      scope.family !== "tlsproxy" &&
      scope.service &&
      listensOn(context, scope.service, PORT_25, true),
  );
  const behind = listeners
    .filter((scope) => scope.family === "postscreen")
    .flatMap((postscreen) => {
      const name = context.valueOf("smtpd_service_name", postscreen.service) || "smtpd";
      return scopes.filter(
        (scope) =>
          scope.family === "smtpd" && scope.service?.type === "pass" && scope.service.name === name,
      );
    });
  return [...new Set([...listeners, ...behind])];
}

// ---------------------------------------------------------------------------
// Collecting findings

/** Findings keyed by rule and place, so each cause is reported once. */
class Report {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();

  add(finding: Finding): void {
    const key = `${finding.rule}:${finding.file}:${finding.start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(finding);
  }
}

/** Groups scopes by the setting that causes a problem in them. */
class ByOrigin<T> {
  private readonly groups = new Map<ParameterSetting, { source: SettingSource; items: T[] }>();

  add(source: SettingSource | undefined, item: T): void {
    if (!source) return;
    const group = this.groups.get(source.setting);
    if (group) group.items.push(item);
    else this.groups.set(source.setting, { source, items: [item] });
  }

  forEach(callback: (source: SettingSource, items: T[]) => void): void {
    for (const { source, items } of this.groups.values()) callback(source, items);
  }
}

function onName(rule: RuleId, source: SettingSource, message: string, fix?: Fix): Finding {
  const finding: Finding = { rule, file: source.file, ...span(source.setting.name), message };
  if (fix) finding.fix = fix;
  return finding;
}

function onValue(rule: RuleId, source: SettingSource, message: string, fix?: Fix): Finding {
  const value = source.setting.value;
  const target = value.end > value.start ? value : source.setting.name;
  const finding: Finding = { rule, file: source.file, ...span(target), message };
  if (fix) finding.fix = fix;
  return finding;
}

function onService(rule: RuleId, service: ServiceView, message: string, fix?: Fix): Finding {
  const finding: Finding = { rule, file: "master", ...span(service.entry.words[0]), message };
  if (fix) finding.fix = fix;
  return finding;
}

const span = ({ start, end }: Span): Span => ({ start, end });

// ---------------------------------------------------------------------------
// Edits

function newlineOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/** Inserts a line after the logical line that ends at `end`. */
function insertLineAfter(text: string, end: number, line: string): FixEdit {
  const newline = text.indexOf("\n", end);
  if (newline < 0) return { start: text.length, end: text.length, newText: newlineOf(text) + line };
  return { start: newline + 1, end: newline + 1, newText: line + newlineOf(text) };
}

function mainEntryEnd(context: RuleContext, setting: ParameterSetting): number | undefined {
  return context.mainEntryOf(setting)?.end;
}

/** `-o name=value`, or the braced form when the value has whitespace. */
function optionText(name: string, value: string): string {
  return /\s/.test(value) || value === "" ? `-o { ${name} = ${value} }` : `-o ${name}=${value}`;
}

/** Adds a setting in the same place as an existing one: a main.cf line or an `-o`. */
function addNextTo(
  context: RuleContext,
  source: SettingSource,
  name: string,
  value: string,
): FixEdit | undefined {
  if (source.file === "main") {
    const end = mainEntryEnd(context, source.setting);
    if (end === undefined || !context.main) return undefined;
    return insertLineAfter(context.main.text, end, `${name} = ${value}`);
  }
  const option = optionOf(context, source.setting);
  if (!option?.value) return undefined;
  const at = option.value.end;
  return { start: at, end: at, newText: ` ${optionText(name, value)}` };
}

/** Adds an `-o` to a master.cf entry, after its last option (or its command). */
function addOption(entry: MasterEntry, name: string, value: string): FixEdit {
  const last = entry.options[entry.options.length - 1];
  const at = last ? (last.value ?? last.flag).end : entry.words[7].end;
  return { start: at, end: at, newText: ` ${optionText(name, value)}` };
}

function replaceValue(source: SettingSource, newValue: string): FixEdit {
  const { value, name } = source.setting;
  if (value.end > value.start) return { ...span(value), newText: newValue };
  // An empty value: keep "name = value" readable.
  const text = source.file === "main" ? ` ${newValue}` : newValue;
  return { start: value.start, end: value.end, newText: value.start > name.end ? text : newValue };
}

/** Removes a whole setting: its main.cf line, or its `-o` with the blank before it. */
function removeSetting(context: RuleContext, source: SettingSource): FixEdit | undefined {
  if (source.file === "main") {
    const entry = context.mainEntryOf(source.setting);
    if (!entry || !context.main || entry.innerComments.length > 0) return undefined;
    const text = context.main.text;
    const newline = text.indexOf("\n", entry.end);
    return { start: entry.start, end: newline < 0 ? text.length : newline + 1, newText: "" };
  }
  const option = optionOf(context, source.setting);
  if (!option?.value || !context.master) return undefined;
  const text = context.master.text;
  let start = option.flag.start;
  while (start > 0 && /[ \t\r\n]/.test(text[start - 1])) start--;
  return { start, end: option.value.end, newText: "" };
}

/**
 * A master.cf line for a missing service: the commented-out one, uncommented, when
 * master.cf has it; else a new line after `anchor` with the anchor's chroot setting.
 */
function serviceLineFix(
  context: RuleContext,
  name: string,
  fields: (chroot: string) => string,
  anchor: MasterEntry,
): Fix | undefined {
  const master = context.master;
  if (!master) return undefined;
  const text = master.text;
  const pattern = new RegExp(
    `^#[ \\t#]*(${name}[ \\t]+unix[ \\t]+(\\S+[ \\t]+){5}${name})[ \\t]*\\r?$`,
  );
  for (const block of master.blocks) {
    if (block.kind !== "comment") continue;
    const line = text.slice(block.start, block.end);
    const match = pattern.exec(line);
    // A line that would start a new entry must not be followed by continuation lines.
    const next = text.slice(block.end).replace(/^\r?\n/, "");
    if (match && !/^[ \t]+\S/.test(next)) {
      return {
        title: `Uncomment the ${name} service`,
        edits: [{ start: block.start, end: block.start + line.indexOf(match[1]), newText: "" }],
      };
    }
  }
  const line = `${name.padEnd(10)}unix  -       -       ${fields(anchor.words[4].text)}`;
  return {
    title: `Add the ${name} service`,
    edits: [insertLineAfter(text, anchor.end, line)],
  };
}

// ---------------------------------------------------------------------------
// The rules

export function checkTlsServer(context: RuleContext): Finding[] {
  const report = new Report();
  const scopes = serverScopes(context);
  const states = new Map(scopes.map((scope) => [scope, serverTls(context, scope)]));
  const tls = (scope: Scope) => states.get(scope)!;
  const checks = [
    portTwentyFive,
    wrapperInMain,
    submissionsWrapper,
    requireClientCerts,
    certificates,
    serverLevels,
    sasl,
    tlsmgrSettings,
    tlsproxyMissing,
    postscreenOverrides,
    publicCas,
    tlsmgrMissing,
    unusedCertificate,
    legacySwitches,
    mandatorySettings,
    anullExcluded,
    inetServices,
  ];
  for (const check of checks) check({ context, report, scopes, tls });
  return report.findings;
}

interface Check {
  context: RuleContext;
  report: Report;
  scopes: Scope[];
  tls: (scope: Scope) => ServerTls;
}

/** master.cf is known and every entry parsed, so a missing service really is missing. */
function masterComplete(context: RuleContext): boolean {
  return (
    context.master !== undefined &&
    context.master.blocks.every((block) => block.kind === "comment" || !block.problem)
  );
}

/** P24: TLS required (or wrapper mode) on the port-25 listener. P43: client certificates asked there. */
function portTwentyFive({ context, report, scopes, tls }: Check): void {
  const listeners = port25Scopes(context, scopes);
  const mandatory = new ByOrigin<Scope>();
  const asking = new ByOrigin<Scope>();
  for (const scope of listeners) {
    const state = tls(scope);
    if (state.invalid || !state.use) continue;
    if (context.master && state.enforce) mandatory.add(state.origin, scope);
    const ask = familyName(context, scope.family, "smtpd_tls_ask_ccert");
    if (ask && yes(context.valueOf(ask, scope.service)))
      asking.add(originOf(context, ask, scope.service), scope);
  }
  const port25 = (items: Scope[]) =>
    items
      .map((scope) =>
        scope.service?.type === "pass"
          ? `${scopeLabel(scope)}, which gets them from postscreen`
          : scopeLabel(scope),
      )
      .join("; ");
  mandatory.forEach((source, items) => {
    const wrapper = /_wrappermode$/.test(source.setting.name.text);
    // Wrapper mode from main.cf is wrappermode-in-main-cf's finding.
    if (wrapper && source.file === "main") return;
    const message = wrapper
      ? `${written(source)} ${place(context, source)} puts the port 25 service (${port25(items)}) in wrapper mode: it expects TLS right after connect, which mail servers never send on port 25, so no mail comes in. Use wrapper mode only on the submissions (465) service.`
      : `${written(source)} ${place(context, source)} makes TLS mandatory on port 25 (${port25(items)}). Servers that do not use STARTTLS can no longer deliver to you, and a public MX must not demand it. Use may for port 25 and require TLS only on submission, e.g. with -o smtpd_tls_security_level=encrypt there.`;
    const fix =
      source.file === "master" &&
      !wrapper &&
      /_tls_security_level$/.test(source.setting.name.text) &&
      items.some(
        (scope) => scope.service?.settings.get(source.setting.name.text) === source.setting,
      )
        ? { title: "Change to may", edits: [replaceValue(source, "may")] }
        : undefined;
    report.add(onValue("mandatory-tls-on-port-25", source, message, fix));
  });
  asking.forEach((source, items) => {
    const message = `${written(source)} ${place(context, source)} makes the public port 25 service (${port25(items)}) ask every client for a certificate. Mail servers rarely have one to offer, it costs extra work per connection, and some clients fail the handshake. Ask for client certificates only on services that use them.`;
    const fix =
      source.file === "master" &&
      items.some(
        (scope) => scope.service?.settings.get(source.setting.name.text) === source.setting,
      )
        ? { title: "Change to no", edits: [replaceValue(source, "no")] }
        : undefined;
    report.add(onValue("ask-ccert-on-port-25", source, message, fix));
  });
}

/** P25: smtpd_tls_wrappermode = yes in main.cf. */
function wrapperInMain({ context, report, scopes }: Check): void {
  const setting = context.mainSettings.get("smtpd_tls_wrappermode");
  if (!setting || !yes(context.valueOf("smtpd_tls_wrappermode"))) return;
  // With master.cf known: only when a service other than 465 inherits it.
  const inheriting = scopes.filter(
    (scope) =>
      scope.family === "smtpd" &&
      !scope.service?.settings.has("smtpd_tls_wrappermode") &&
      !(scope.service && listensOn(context, scope.service, PORT_465, false)),
  );
  if (context.master && inheriting.length === 0) return;
  const affected = context.master ? ` (here: ${labels(inheriting)})` : "";
  report.add(
    onName(
      "wrappermode-in-main-cf",
      { setting, file: "main" },
      `smtpd_tls_wrappermode = yes in main.cf puts every smtpd service${affected} in wrapper mode, port 25 and 587 included. They then expect TLS immediately on connect, so mail servers and mail clients that use STARTTLS cannot talk to them, and smtpd_tls_security_level is ignored. Remove it from main.cf and add -o smtpd_tls_wrappermode=yes to the submissions (465) entry in master.cf only.`,
    ),
  );
}

/** P26: a port-465 smtpd without wrapper mode. */
function submissionsWrapper({ context, report, scopes }: Check): void {
  if (!context.master) return;
  for (const scope of scopes) {
    const service = scope.service;
    if (scope.family !== "smtpd" || !service || !listensOn(context, service, PORT_465, false))
      continue;
    if (yes(context.valueOf("smtpd_tls_wrappermode", service))) continue;
    const own = service.settings.get("smtpd_tls_wrappermode");
    // A value other than no, or a broken "-o smtpd_tls_wrappermode = yes", is reported elsewhere.
    if (own && own.value.text.trim().toLowerCase() !== "no") continue;
    if (
      service.entry.options.some(
        (option) => option.settingProblem && option.value?.text.includes("smtpd_tls_wrappermode"),
      )
    )
      continue;
    const edit = own
      ? replaceValue({ setting: own, file: "master" }, "yes")
      : addOption(service.entry, "smtpd_tls_wrappermode", "yes");
    report.add(
      onService(
        "submissions-without-wrappermode",
        service,
        `${service.name}/${service.type} listens on port 465 but waits for STARTTLS: smtpd_tls_wrappermode is not yes. Clients there start TLS right after connecting, and their handshake meets a plaintext greeting and fails. Add -o smtpd_tls_wrappermode=yes to this entry.`,
        { title: "Add -o smtpd_tls_wrappermode=yes", edits: [edit] },
      ),
    );
  }
}

/** P27: client certificates required where TLS is optional. */
function requireClientCerts({ context, report, scopes, tls }: Check): void {
  const ignored = new ByOrigin<Scope>();
  for (const scope of scopes) {
    const state = tls(scope);
    const name = familyName(context, scope.family, "smtpd_tls_req_ccert");
    if (!name || state.invalid || !state.use || state.enforce) continue;
    if (yes(context.valueOf(name, scope.service)))
      ignored.add(originOf(context, name, scope.service), scope);
  }
  ignored.forEach((source, items) => {
    report.add(
      onName(
        "req-ccert-without-mandatory-tls",
        source,
        `${written(source)} ${place(context, source)} has no effect on ${labels(items)}, where TLS is optional. A client could simply skip STARTTLS, so the server does not require certificates there and logs "Can't require client certs unless TLS is required". Set that service's security level to encrypt, or use smtpd_tls_ask_ccert = yes with check_ccert_access instead.`,
      ),
    );
  });
}

/** P28 (no certificate), P29 (certificate "none"), P30 (key file default), P31 (chain files + legacy). */
function certificates({ context, report, scopes, tls }: Check): void {
  const missing = new ByOrigin<Scope>();
  const none = new ByOrigin<Scope>();
  const legacy = new ByOrigin<{ scope: Scope; chain: string }>();
  for (const scope of scopes) {
    const state = tls(scope);
    if (!state.use || state.invalid) continue;
    const name = (base: string) => familyName(context, scope.family, base);
    const value = (base: string) => {
      const n = name(base);
      return n ? context.valueOf(n, scope.service).trim() : "";
    };
    const certName = name("smtpd_tls_cert_file");
    if (!certName) continue;
    const cert = value("smtpd_tls_cert_file");
    const certNone = cert.toLowerCase() === "none";
    const others = ["smtpd_tls_eccert_file", "smtpd_tls_dcert_file"].filter((base) => value(base));
    const chain = value("smtpd_tls_chain_files");
    if (!chain && !others.length) {
      if (certNone) none.add(originOf(context, certName, scope.service), scope);
      else if (!cert) missing.add(state.origin, scope);
    }
    if (chain) {
      for (const base of [...(cert && !certNone ? ["smtpd_tls_cert_file"] : []), ...others]) {
        const legacyName = name(base)!;
        legacy.add(originOf(context, legacyName, scope.service), {
          scope,
          chain: name("smtpd_tls_chain_files")!,
        });
      }
    }
  }
  missing.forEach((source, items) => {
    const enforce = items.some((scope) => tls(scope).enforce);
    const wrapper = items.some((scope) => tls(scope).wrapper);
    const [chainName, certName, eccertName] = [
      "smtpd_tls_chain_files",
      "smtpd_tls_cert_file",
      "smtpd_tls_eccert_file",
    ].map((base) => familyName(context, items[0].family, base) ?? base);
    report.add(
      onName(
        "server-tls-without-certificate",
        source,
        `${written(source)} ${place(context, source)} turns on TLS for ${labels(items)}, but no server certificate is configured. ${chainName}, ${certName} and ${eccertName} are all empty: the server logs "No server certs available. TLS won't be enabled", still announces STARTTLS, and answers it with "454 4.7.0 TLS not available due to local problem"${wrapper ? "; in wrapper mode it drops the connection" : ""}. A quick test looks as if TLS were on, but clients that insist on TLS defer${enforce ? ", and where TLS is required no client can send mail at all" : ""}. Set smtpd_tls_chain_files to the private key followed by the certificate chain, or set smtpd_tls_cert_file and smtpd_tls_key_file.`,
      ),
    );
  });
  none.forEach((source, items) => {
    const asks = items.some((scope) => {
      const ask = familyName(context, scope.family, "smtpd_tls_ask_ccert");
      const req = familyName(context, scope.family, "smtpd_tls_req_ccert");
      return (
        (ask && yes(context.valueOf(ask, scope.service))) ||
        (req && yes(context.valueOf(req, scope.service)) && tls(scope).enforce)
      );
    });
    report.add(
      onValue(
        "server-certificate-none",
        source,
        `${written(source)} runs ${labels(items)} without a certificate. Only anonymous cipher suites are left, which TLS 1.3 does not have and many clients refuse, so their TLS handshakes fail${asks ? '. Asking clients for certificates also needs a server certificate; the server logs "Need a server cert to request client certs" and TLS stays off' : ""}. Configure a certificate; a self-signed one is enough for opportunistic TLS.`,
      ),
    );
  });
  legacy.forEach((source, items) => {
    const chain = items[0].chain;
    const removal = removeSetting(context, source);
    report.add(
      onName(
        "chain-files-with-legacy-certificates",
        source,
        `${source.setting.name.text} is ignored because ${chain} is also set (${labels(items.map((i) => i.scope))}). The server uses only the chain files and logs a warning that the legacy parameters are ignored. Remove this setting (and its key file setting), or put its certificate into ${chain}.`,
        removal ? { title: `Remove ${source.setting.name.text}`, edits: [removal] } : undefined,
      ),
    );
  });
  keyFiles(context, report);
}

const CERTIFICATE_ONLY = /(^|[/._-])(fullchain|cert|chain|crt)\.pem$|\.(crt|cer)$/i;

/** P30: a certificate-only file whose key file is left at its default (the same file). */
function keyFiles(context: RuleContext, report: Report): void {
  // Only smtpd's key files default to the certificate file; the postscreen and
  // tlsproxy copies default to smtpd's key file.
  const pairs = [
    ["smtpd_tls_cert_file", "smtpd_tls_key_file"],
    ["smtpd_tls_eccert_file", "smtpd_tls_eckey_file"],
  ];
  for (const source of context.settingsNamed(pairs.map(([cert]) => cert))) {
    const pair = pairs.find(([cert]) => cert === source.setting.name.text);
    if (!pair) continue;
    const service = source.service;
    const [certName, keyName] = pair;
    const path = context.valueOf(certName, service).trim();
    const chainName = certName.replace(/_(ec)?cert_file$/, "_chain_files");
    if (
      !CERTIFICATE_ONLY.test(path) ||
      context.isSet(keyName, service) ||
      context.valueOf(chainName, service).trim()
    )
      continue;
    const certbot = /^(\/.*\/letsencrypt\/live\/[^/]+\/)(fullchain|cert)\.pem$/.exec(path);
    const edit = certbot
      ? addNextTo(context, source, keyName, `${certbot[1]}privkey.pem`)
      : undefined;
    report.add(
      onValue(
        "server-key-file-default",
        source,
        `${keyName} is not set, so the private key is read from the certificate file. ${path} looks like a file with certificates only. If the key is not in it, loading fails and TLS is turned off. Set ${keyName} to the private key file.`,
        edit ? { title: `Set ${keyName} to ${certbot![1]}privkey.pem`, edits: [edit] } : undefined,
      ),
    );
  }
}

/** P32: client-only levels as server levels. */
function serverLevels({ context, report, scopes, tls }: Check): void {
  const client = new ByOrigin<Scope>();
  const dane = new ByOrigin<Scope>();
  for (const scope of scopes) {
    if (tls(scope).wrapper) continue;
    const name = familyName(context, scope.family, "smtpd_tls_security_level");
    if (!name) continue;
    const level = context.valueOf(name, scope.service).trim().toLowerCase();
    const origin = originOf(context, name, scope.service);
    if (CLIENT_LEVELS.includes(level)) client.add(origin, scope);
    else if (DANE_LEVELS.includes(level)) dane.add(origin, scope);
  }
  client.forEach((source, items) => {
    const level = source.setting.value.text.trim();
    report.add(
      onValue(
        "client-level-on-server",
        source,
        `"${excerpt(level)}" is an SMTP client level; the server side (${labels(items)}) has no such level. The client uses it to check the certificate of the server it connects to; the server logs "unsupported TLS level" and uses encrypt. Write encrypt; to check client certificates, use smtpd_tls_ask_ccert or smtpd_tls_req_ccert with check_ccert_access.`,
        { title: "Change to encrypt", edits: [replaceValue(source, "encrypt")] },
      ),
    );
  });
  dane.forEach((source, items) => {
    const level = source.setting.value.text.trim();
    report.add(
      onValue(
        "dane-level-on-server",
        source,
        `"${excerpt(level)}" is a level for the SMTP client only; the server (${labels(items)}) stops with "Invalid TLS level" and does not run. Receiving servers take part in DANE by publishing TLSA records in DNS; the server itself just needs TLS: use may.`,
        { title: "Change to may", edits: [replaceValue(source, "may")] },
      ),
    );
  });
}

/** P33-P36: SASL on smtpd services. */
function sasl({ context, report, scopes, tls }: Check): void {
  const plaintext = new ByOrigin<Scope>();
  const never = new ByOrigin<Scope>();
  const anonymous = new ByOrigin<Scope>();
  const noplaintext = new ByOrigin<Scope>();
  /** Settings that enable AUTH where it is offered. */
  const offered = new Set<ParameterSetting>();
  const mainState = serverTls(context, { family: "smtpd" });
  for (const scope of scopes) {
    if (scope.family !== "smtpd") continue;
    const service = scope.service;
    const value = (name: string) => context.valueOf(name, service);
    const state = tls(scope);
    if (!yes(value("smtpd_sasl_auth_enable"))) continue;
    const options = listWords(value("smtpd_sasl_security_options"));
    if (!options.includes("noanonymous"))
      anonymous.add(originOf(context, "smtpd_sasl_security_options", service), scope);
    // The rest depends on the TLS state, unknown while the level is broken (tls-level-invalid).
    if (state.invalid) continue;
    const enableOrigin = originOf(context, "smtpd_sasl_auth_enable", service);
    const authOnly = yes(value("smtpd_tls_auth_only"));
    // Passwords to a service on a loopback address do not cross the network.
    if (!state.enforce && !authOnly && !options.includes("noplaintext") && !loopbackOnly(scope))
      plaintext.add(plaintextCause(context, scope, enableOrigin, mainState), scope);
    if (authOnly && !state.use) never.add(enableOrigin, scope);
    else if (enableOrigin) offered.add(enableOrigin.setting);
    if (state.use && !listWords(value("smtpd_sasl_tls_security_options")).includes("noanonymous"))
      anonymous.add(originOf(context, "smtpd_sasl_tls_security_options", service), scope);
    const baseOrigin = originOf(context, "smtpd_sasl_security_options", service);
    if (
      state.use &&
      options.includes("noplaintext") &&
      baseOrigin &&
      originOf(context, "smtpd_sasl_tls_security_options", service)?.setting === baseOrigin.setting
    )
      noplaintext.add(baseOrigin, scope);
  }
  plaintext.forEach((source, items) => {
    const tlsOn = items.every((scope) => tls(scope).use);
    const cause = `${written(source)} ${place(context, source)}`;
    const message = tlsOn
      ? `SMTP AUTH on ${labels(items)} is offered before STARTTLS, so PLAIN and LOGIN passwords can cross the network unencrypted. ${cause} leaves it so: TLS is optional there and smtpd_tls_auth_only is no. Set smtpd_tls_auth_only = yes, or require TLS on that service.`
      : `SMTP AUTH on ${labels(items)} is offered without any TLS, so PLAIN and LOGIN passwords cross the network unencrypted. ${cause} enables it. Turn on TLS there and set smtpd_tls_auth_only = yes.`;
    let fix: Fix | undefined;
    if (tlsOn) {
      const own = context.sourceOf("smtpd_tls_auth_only", items[0].service);
      // An -o next to the -o that enables SASL also overrides a main.cf "no".
      const edit =
        own?.file === source.file
          ? replaceValue(own, "yes")
          : !own || source.file === "master"
            ? addNextTo(context, source, "smtpd_tls_auth_only", "yes")
            : undefined;
      if (edit) fix = { title: "Set smtpd_tls_auth_only = yes", edits: [edit] };
    }
    report.add(onName("sasl-auth-before-tls", source, message, fix));
  });
  never.forEach((source, items) => {
    // A main.cf setting that works on other services is merely inherited here.
    if (offered.has(source.setting)) return;
    report.add(
      onName(
        "sasl-auth-never-offered",
        source,
        `${written(source)} ${place(context, source)} enables SMTP AUTH on ${labels(items)}, where it is never offered. smtpd_tls_auth_only = yes hides AUTH until the client starts TLS, and TLS is off there, so no one can log in. Turn on TLS for that service, or set smtpd_tls_auth_only = no there.`,
      ),
    );
  });
  anonymous.forEach((source, items) => {
    const name = source.setting.name.text;
    const empty = source.setting.value.text.trim() === "";
    const edit: FixEdit = empty
      ? replaceValue(source, "noanonymous")
      : {
          start: source.setting.value.start,
          end: source.setting.value.start,
          newText: "noanonymous, ",
        };
    report.add(
      onValue(
        "sasl-options-without-noanonymous",
        source,
        `${name} = ${source.setting.value.text} lacks noanonymous, which allows anonymous SASL logins on ${labels(items)}. Mechanisms that need no account (such as ANONYMOUS) are allowed; Postfix treats such a login as unauthenticated, but clients may pick it. Always include noanonymous.`,
        { title: "Add noanonymous", edits: [edit] },
      ),
    );
  });
  noplaintext.forEach((source, items) => {
    const edit = addNextTo(context, source, "smtpd_sasl_tls_security_options", "noanonymous");
    report.add(
      onValue(
        "noplaintext-blocks-tls-auth",
        source,
        `noplaintext also applies after STARTTLS on ${labels(items)}, because smtpd_sasl_tls_security_options defaults to this value. PLAIN and LOGIN are refused even inside TLS, which leaves most clients no way to log in. If plaintext mechanisms are fine once TLS is up, set smtpd_sasl_tls_security_options = noanonymous.`,
        edit
          ? { title: "Set smtpd_sasl_tls_security_options = noanonymous", edits: [edit] }
          : undefined,
      ),
    );
  });
}

/**
 * The setting to blame for AUTH before TLS on a service: when main.cf alone keeps
 * passwords safe (TLS required, smtpd_tls_auth_only or noplaintext), the service's
 * -o that undoes it; otherwise the setting that enables AUTH.
 */
function plaintextCause(
  context: RuleContext,
  scope: Scope,
  enableOrigin: SettingSource | undefined,
  mainState: ServerTls,
): SettingSource | undefined {
  const service = scope.service;
  if (!service || enableOrigin?.file === "master") return enableOrigin;
  const own = (name: string): SettingSource | undefined => {
    const setting = service.settings.get(name);
    return setting && { setting, file: "master" };
  };
  const level = serverTls(context, scope).origin;
  const undone =
    (yes(context.valueOf("smtpd_tls_auth_only")) && own("smtpd_tls_auth_only")) ||
    (mainState.enforce && level?.file === "master" && level) ||
    (listWords(context.valueOf("smtpd_sasl_security_options")).includes("noplaintext") &&
      own("smtpd_sasl_security_options"));
  return undone || enableOrigin;
}

const TLSMGR_ONLY = /^((smtpd?|lmtp)_tls_session_cache_(database|timeout)|tls_random_\w+)$/;

/** P38: settings only tlsmgr reads, given with -o on smtp/smtpd/lmtp. */
function tlsmgrSettings({ context, report }: Check): void {
  for (const service of context.services) {
    if (!["smtp", "smtpd", "lmtp"].includes(service.command)) continue;
    for (const setting of service.settings.values()) {
      const name = setting.name.text;
      if (!TLSMGR_ONLY.test(name)) continue;
      const source: SettingSource = { setting, file: "master" };
      const removal = removeSetting(context, source);
      report.add(
        onName(
          "tlsmgr-setting-in-master-cf",
          source,
          `${name} is read by tlsmgr(8), not by ${service.command}, so this -o on ${service.name}/${service.type} changes nothing. Set it in main.cf if you need it.`,
          removal ? { title: `Remove -o ${name}`, edits: [removal] } : undefined,
        ),
      );
    }
  }
}

/** TLS in effect for an SMTP/LMTP client service (or main.cf alone). */
function clientTlsOn(context: RuleContext, service: ServiceView | undefined): boolean {
  const prefix = service?.command === "lmtp" ? "lmtp" : "smtp";
  const value = (name: string) => context.valueOf(`${prefix}_${name}`, service).trim();
  const level = value("tls_security_level").toLowerCase();
  if (level) return level !== "none";
  return (
    yes(value("use_tls")) ||
    yes(value("enforce_tls")) ||
    yes(value("tls_wrappermode")) ||
    value("tls_policy_maps") !== ""
  );
}

const clientServices = (context: RuleContext) =>
  context.services.filter((service) => service.command === "smtp" || service.command === "lmtp");

/** P40: postscreen STARTTLS or TLS connection reuse without a tlsproxy service. */
function tlsproxyMissing({ context, report, scopes, tls }: Check): void {
  if (!masterComplete(context)) return;
  const hasTlsproxy = (service: ServiceView) => {
    const name = context.valueOf("tlsproxy_service_name", service).trim() || "tlsproxy";
    return context.services.some((s) => s.command === "tlsproxy" && s.name === name);
  };
  const tlsproxyLine = (chroot: string) => `${chroot.padEnd(8)}-       0       tlsproxy`;
  for (const scope of scopes) {
    const service = scope.service;
    const state = tls(scope);
    if (scope.family !== "postscreen" || !service || !state.use || state.invalid) continue;
    if (hasTlsproxy(service)) continue;
    const why = state.origin
      ? ` STARTTLS is on through ${written(state.origin)} ${place(context, state.origin)}.`
      : "";
    report.add(
      onService(
        "tlsproxy-service-missing",
        service,
        `postscreen offers STARTTLS here, but master.cf has no tlsproxy service to do the handshake.${why} postscreen leaves the TLS handshake to tlsproxy(8), so clients that start TLS while postscreen talks to them fail. Add the tlsproxy unix service (it is usually present as a comment).`,
        serviceLineFix(context, "tlsproxy", tlsproxyLine, service.entry),
      ),
    );
  }
  const reuse = new ByOrigin<ServiceView>();
  for (const service of clientServices(context)) {
    const name = `${service.command}_tls_connection_reuse`;
    if (!yes(context.valueOf(name, service)) || !clientTlsOn(context, service)) continue;
    if (hasTlsproxy(service)) continue;
    reuse.add(originOf(context, name, service), service);
  }
  reuse.forEach((source, services) => {
    const fix =
      source.file === "master"
        ? serviceLineFix(context, "tlsproxy", tlsproxyLine, services[0].entry)
        : undefined;
    report.add(
      onName(
        "tlsproxy-service-missing",
        source,
        `${written(source)} ${place(context, source)} needs a tlsproxy service, which master.cf does not have. It hands TLS for ${labels(services.map((service) => ({ service, family: "smtpd" })))} to tlsproxy(8) so that connections can be reused, and those TLS connections fail. Add "tlsproxy unix - - y - 0 tlsproxy" to master.cf (it is usually present as a comment).`,
        fix,
      ),
    );
  });
}

/** P41: -o smtpd_tls_* on the smtpd behind postscreen that postscreen/tlsproxy do not share. */
function postscreenOverrides({ context, report, scopes }: Check): void {
  if (!context.master) return;
  const tlsproxies = context.services.filter((s) => s.command === "tlsproxy");
  for (const postscreen of scopes.filter((s) => s.family === "postscreen")) {
    const passName = context.valueOf("smtpd_service_name", postscreen.service).trim() || "smtpd";
    const tlsproxyName =
      context.valueOf("tlsproxy_service_name", postscreen.service).trim() || "tlsproxy";
    const tlsproxy = tlsproxies.find((s) => s.name === tlsproxyName);
    for (const pass of context.services) {
      if (pass.command !== "smtpd" || pass.type !== "pass" || pass.name !== passName) continue;
      for (const setting of pass.settings.values()) {
        const name = setting.name.text;
        if (!/^smtpd_(tls_|use_tls$|enforce_tls$)/.test(name)) continue;
        const wanted = context.valueOf(name, pass);
        const edits: FixEdit[] = [];
        const differ: string[] = [];
        for (const [family, service] of [
          ["postscreen", postscreen.service],
          ["tlsproxy", tlsproxy],
        ] as const) {
          if (!service) continue;
          const mirror = mirrorName(context, family, name);
          if (!mirror || context.valueOf(mirror, service) === wanted) continue;
          differ.push(`${service.name}/${service.type}`);
          edits.push(addOption(service.entry, mirror, setting.value.text));
        }
        if (!differ.length) continue;
        report.add(
          onName(
            "postscreen-tls-overrides-missing",
            { setting, file: "master" },
            `-o ${name}=${setting.value.text} changes TLS only for ${pass.name}/${pass.type}, the smtpd behind postscreen. ${differ.join(" and ")} ${differ.length > 1 ? "do" : "does"} the STARTTLS handshake with postscreen's clients using ${differ.length > 1 ? "their" : "its"} own settings, which do not have this value. Set this in main.cf, or repeat the override on ${differ.join(" and ")}.`,
            { title: `Repeat the override on ${differ.join(" and ")}`, edits },
          ),
        );
      }
    }
  }
}

/** postscreen_tls_X / tlsproxy_tls_X when it exists and defaults to smtpd_tls_X. */
function mirrorName(context: RuleContext, family: Family, smtpdName: string): string | undefined {
  const name = familyName(context, family, smtpdName);
  if (!name || name === smtpdName) return undefined;
  const fallback = defaultValue(name, context.version);
  return fallback !== undefined && soleReference(fallback) === smtpdName ? name : undefined;
}

const RESTRICTION_LISTS = [
  "smtpd_client_restrictions",
  "smtpd_helo_restrictions",
  "smtpd_sender_restrictions",
  "smtpd_relay_restrictions",
  "smtpd_recipient_restrictions",
  "smtpd_data_restrictions",
  "smtpd_end_of_data_restrictions",
  "smtpd_etrn_restrictions",
];

/** P42: permit_tls_all_clientcerts while the public CAs are trusted. */
function publicCas({ context, report, scopes, tls }: Check): void {
  const risky = new ByOrigin<{ scope: Scope; list: string }>();
  for (const scope of scopes) {
    if (scope.family !== "smtpd" || !tls(scope).use) continue;
    const value = (name: string) => context.valueOf(name, scope.service);
    if (!yes(value("tls_append_default_CA"))) continue;
    // The system CAs are only added to a CAfile or CApath.
    if (!value("smtpd_tls_CAfile").trim() && !value("smtpd_tls_CApath").trim()) continue;
    const asks =
      yes(value("smtpd_tls_ask_ccert")) ||
      (yes(value("smtpd_tls_req_ccert")) && tls(scope).enforce);
    if (!asks) continue;
    const lists = [...RESTRICTION_LISTS, ...listWords(value("smtpd_restriction_classes"))];
    const list = lists.find((name) =>
      listWords(value(name)).includes("permit_tls_all_clientcerts"),
    );
    if (list) risky.add(originOf(context, "tls_append_default_CA", scope.service), { scope, list });
  }
  risky.forEach((source, items) => {
    report.add(
      onValue(
        "client-certs-from-public-cas",
        source,
        `${written(source)} ${place(context, source)} lets a certificate from any public CA pass permit_tls_all_clientcerts. smtpd then trusts client certificates from every public CA, and ${items[0].list} uses permit_tls_all_clientcerts on ${labels(items.map((i) => i.scope))}: anyone who gets a certificate from any of those CAs passes that restriction, for example to relay. Set tls_append_default_CA = no, or use permit_tls_clientcerts with relay_clientcerts (or check_ccert_access).`,
        { title: "Change to no", edits: [replaceValue(source, "no")] },
      ),
    );
  });
}

/** P61: TLS in use but no tlsmgr service. */
function tlsmgrMissing({ context, report, scopes, tls }: Check): void {
  if (!masterComplete(context)) return;
  const name = context.valueOf("tlsmgr_service_name").trim() || "tlsmgr";
  if (context.services.some((s) => s.command === "tlsmgr" && s.name === name)) return;
  const server = scopes.find((scope) => scope.service && tls(scope).use && !tls(scope).invalid);
  const anchor =
    server?.service ?? clientServices(context).find((service) => clientTlsOn(context, service));
  if (!anchor) return;
  report.add(
    onService(
      "tlsmgr-service-missing",
      anchor,
      `TLS is on for ${anchor.name}/${anchor.type}, but master.cf has no ${name} service. tlsmgr(8) keeps the TLS session caches and the random seed; without it the TLS programs cannot reach it and log warnings. Add "tlsmgr unix - - y 1000? 1 tlsmgr" (it is usually present as a comment).`,
      serviceLineFix(
        context,
        "tlsmgr",
        (chroot) => `${chroot.padEnd(8)}1000?   1       tlsmgr`,
        anchor.entry,
      ),
    ),
  );
}

/** P62: certificates in main.cf but no smtpd service turns TLS on. */
function unusedCertificate({ context, report, scopes, tls }: Check): void {
  if (context.master && !masterComplete(context)) return;
  const certificate = ["smtpd_tls_chain_files", "smtpd_tls_cert_file", "smtpd_tls_eccert_file"]
    .map((name) => context.mainSettings.get(name))
    .find(
      (setting) =>
        setting && setting.value.text.trim() && setting.value.text.trim().toLowerCase() !== "none",
    );
  if (!certificate) return;
  if (scopes.some((scope) => tls(scope).use || tls(scope).invalid)) return;
  const source: SettingSource = { setting: certificate, file: "main" };
  // A main.cf level fixes it only where no -o decides the level.
  const levelInMain = context.mainSettings.get("smtpd_tls_security_level");
  const decidedInMaster = scopes.some((scope) => tls(scope).origin?.file === "master");
  let fix: Fix | undefined;
  if (!decidedInMaster) {
    const edit = levelInMain
      ? replaceValue({ setting: levelInMain, file: "main" }, "may")
      : addNextTo(context, source, "smtpd_tls_security_level", "may");
    if (edit) fix = { title: "Set smtpd_tls_security_level = may", edits: [edit] };
  }
  report.add(
    onName(
      "server-certificate-unused",
      source,
      `A server certificate is configured, but TLS is off for ${scopes.length ? "every smtpd service" : "the SMTP server"}, so it is never used. smtpd_tls_security_level is ${context.valueOf("smtpd_tls_security_level").trim() || "empty"}, and STARTTLS is not offered. Set smtpd_tls_security_level = may to offer TLS.`,
      fix,
    ),
  );
}

/** How much TLS a server state gives: none, offered, required. */
const serverStrength = (state: Pick<ServerTls, "use" | "enforce">) =>
  state.enforce ? 2 : state.use ? 1 : 0;
const SERVER_LEVEL_BY_STRENGTH = ["none", "may", "encrypt"];

/**
 * P11: smtpd_use_tls/smtpd_enforce_tls asking for more TLS than the non-empty
 * security level that overrides them gives. A switch asking for less (or for its
 * default) loses nothing; deprecated-parameter reports it as redundant.
 */
function legacySwitches({ context, report, scopes, tls }: Check): void {
  const overridden = new ByOrigin<{
    scope: Scope;
    levelName: string;
    level: string;
    wanted: string;
  }>();
  for (const scope of scopes) {
    const state = tls(scope);
    const levelName = familyName(context, scope.family, "smtpd_tls_security_level");
    if (state.wrapper || state.invalid || !levelName) continue;
    const level = context.valueOf(levelName, scope.service).trim().toLowerCase();
    if (!level) continue;
    const enforceName = familyName(context, scope.family, "smtpd_enforce_tls");
    const useName = familyName(context, scope.family, "smtpd_use_tls");
    const enforce = enforceName ? yes(context.valueOf(enforceName, scope.service)) : false;
    const use = useName ? yes(context.valueOf(useName, scope.service)) : false;
    const wanted = serverStrength({ use: use || enforce, enforce });
    if (wanted <= serverStrength(state)) continue;
    const decisive = originOf(context, enforce ? enforceName! : useName!, scope.service);
    if (!decisive) continue;
    // A level set for one service on purpose is not overridden by an old main.cf switch.
    const levelOrigin = originOf(context, levelName, scope.service);
    if (decisive.file === "main" && levelOrigin?.file === "master") continue;
    overridden.add(decisive, { scope, levelName, level, wanted: SERVER_LEVEL_BY_STRENGTH[wanted] });
  }
  overridden.forEach((source, items) => {
    const wanted = items[0].wanted;
    // The level parameter of the service the switch is on, or of the family its name belongs to.
    const service = serviceOf(context, source.setting);
    const own =
      items.find((item) => item.scope.service === service && service) ??
      items.find((item) => source.setting.name.text.startsWith(`${item.scope.family}_`)) ??
      items[0];
    const levels = [
      ...new Set(
        items.map((item) => {
          const levelSource = originOf(context, item.levelName, item.scope.service);
          return levelSource ? written(levelSource) : `${item.levelName} = ${item.level}`;
        }),
      ),
    ];
    const fix =
      source.file === "master" && service && !service.settings.has(own.levelName)
        ? {
            title: `Replace with -o ${own.levelName}=${wanted}`,
            edits: [
              {
                start: source.setting.name.start,
                end: source.setting.value.end,
                newText: `${own.levelName}=${wanted}`,
              },
            ],
          }
        : undefined;
    report.add(
      onName(
        "tls-server-legacy-overridden",
        source,
        `${written(source)} ${place(context, source)} asks for TLS level ${wanted}, which ${levels.join(" and ")} overrides. ${labels(items.map((i) => i.scope))} ${items.length > 1 ? "run" : "runs"} with that level: a non-empty security level always wins over the old switch, so TLS is ${wanted === "encrypt" ? "not required there" : "off there"}. If ${wanted} is what you need, set ${own.levelName} = ${wanted} for ${items.length > 1 ? "those services" : "that service"}; otherwise remove this setting.`,
        fix,
      ),
    );
  });
}

const MANDATORY = [
  ["smtpd_tls_mandatory_protocols", "smtpd_tls_protocols"],
  ["smtpd_tls_mandatory_ciphers", "smtpd_tls_ciphers"],
  ["smtpd_tls_mandatory_exclude_ciphers", "smtpd_tls_exclude_ciphers"],
] as const;

/** P16: smtpd_tls_mandatory_* where no service that reads it requires TLS. */
function mandatorySettings({ context, report, scopes, tls }: Check): void {
  for (const [mandatory, optional] of MANDATORY) {
    const readers = new ByOrigin<Scope>();
    for (const scope of scopes) {
      const name = familyName(context, scope.family, mandatory);
      if (name) readers.add(originOf(context, name, scope.service), scope);
    }
    readers.forEach((source, items) => {
      if (items.some((scope) => tls(scope).enforce || tls(scope).invalid)) return;
      const name = source.setting.name.text;
      const optionalName = name.replace(
        mandatory.slice("smtpd".length),
        optional.slice("smtpd".length),
      );
      report.add(
        onName(
          "tls-server-mandatory-unused",
          source,
          `${name} never takes effect: TLS is optional or off on ${labels(items)}, which use${items.length > 1 ? "" : "s"} this setting. It is only used where TLS is required (encrypt or wrapper mode). With optional TLS the server uses ${optionalName}; change that instead, or remove this setting.`,
        ),
      );
    });
  }
}

/**
 * P21, server side: smtpd (and tlsproxy) add aNULL to the cipher exclusions
 * themselves when they ask for client certificates (ask_ccert, or req_ccert where
 * TLS is required), so an aNULL of one's own adds nothing there.
 */
function anullExcluded({ context, report, scopes, tls }: Check): void {
  for (const base of ["smtpd_tls_exclude_ciphers", "smtpd_tls_mandatory_exclude_ciphers"]) {
    const mandatory = base.includes("mandatory");
    const readers = new ByOrigin<{ scope: Scope; asks: boolean }>();
    for (const scope of scopes) {
      const state = tls(scope);
      const name = familyName(context, scope.family, base);
      if (!name || !state.use || state.invalid || (mandatory && !state.enforce)) continue;
      const setting = (suffix: string) => {
        const own = familyName(context, scope.family, `smtpd_tls_${suffix}`);
        return own !== undefined && yes(context.valueOf(own, scope.service));
      };
      const asks = setting("ask_ccert") || (state.enforce && setting("req_ccert"));
      readers.add(originOf(context, name, scope.service), { scope, asks });
    }
    readers.forEach((source, items) => {
      const words = listWords(source.setting.value.text.replace(/:/g, " "));
      if (!words.includes("anull") || !items.every((item) => item.asks)) return;
      const edit = removeAnull(context, source);
      report.add(
        onValue(
          "tls-server-anull-excluded",
          source,
          `aNULL in ${source.setting.name.text} adds nothing on ${labels(items.map((i) => i.scope))}, which ${items.length > 1 ? "ask" : "asks"} for client certificates. The server then leaves out anonymous ciphers itself. Remove it.`,
          edit ? { title: "Remove aNULL", edits: [edit] } : undefined,
        ),
      );
    });
  }
}

/** master(8)'s checks of inet services: not private, and a valid [host:]port name. */
function inetServices({ context, report }: Check): void {
  for (const service of context.services) {
    if (service.type !== "inet") continue;
    const privateField = service.entry.words[2];
    if (privateField.text === "y" || privateField.text === "-") {
      report.add({
        rule: "inet-service-private",
        file: "master",
        ...span(privateField),
        message: `An inet service cannot be private: master(8) stops with "inet service cannot be private" and Postfix does not start. Its private field must be n${privateField.text === "-" ? ' ("-" means the default, y)' : ""}. A network service cannot be limited to Postfix's own programs.`,
        fix: { title: "Change to n", edits: [{ ...span(privateField), newText: "n" }] },
      });
    }
    const parsed = hostPort(service.name);
    if ("error" in parsed) {
      report.add({
        rule: "inet-service-name",
        file: "master",
        ...span(service.entry.words[0]),
        message: `"${excerpt(service.name)}" is not a valid inet service name, so master(8) stops and Postfix does not start. ${capitalize(NAME_PROBLEMS[parsed.error] ?? parsed.error)}; master(8) logs the error '${parsed.error}'. Write port, host:port or [address]:port, e.g. 127.0.0.1:10025 or [::1]:smtp.`,
      });
    }
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const NAME_PROBLEMS: Record<string, string> = {
  'missing "]"': "the '[' is never closed",
  'garbage after "]"': "only ':port' may follow ']'",
  "malformed IPv6 address": "the text after 'ipv6:' is not an IPv6 address",
  "missing service information": "there is no port after the host",
  "valid hostname or network address required":
    "the host part is neither a host name nor an address",
  "garbage after numerical service": "a port that starts with a digit must be all digits",
};
