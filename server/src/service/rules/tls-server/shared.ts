import { defaultValue, isKnownParameter } from "../../data/parameters";
import { TLS_CLIENT_LEVELS, TLS_SERVER_LEVELS } from "../../data/valueSets";
import type { ParameterSetting } from "../../parser/mainCf";
import type { MasterEntry, MasterOption } from "../../parser/masterCf";
import type { Span } from "../../parser/logicalLines";
import type { RuleContext, ServiceView, SettingSource } from "../context";
import type { Fix, FixEdit } from "../findings";
import { listensOn } from "../../analysis/listeners";
import { newlineOf } from "../edits";
import { type RuleFinding, perContext } from "../rule";

/**
 * The server-side TLS family: TLS and SASL pitfalls of smtpd, postscreen and
 * tlsproxy, the services TLS depends on (tlsmgr, tlsproxy), and two master.cf
 * checks master(8) makes on inet services. Each smtpd/postscreen/tlsproxy service
 * is judged with its own `-o` settings; a finding goes on the setting that causes
 * it, once per setting (scopes are grouped by that setting with ByOrigin).
 */

// ---------------------------------------------------------------------------
// Services and their effective TLS state

export type Family = "smtpd" | "postscreen" | "tlsproxy";

/** A server process as it sees the configuration; no service: main.cf alone (smtpd). */
export interface Scope {
  service?: ServiceView;
  family: Family;
}

export interface ServerTls {
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

/** The server's levels, from least to most TLS: none, may, encrypt. */
export const SERVER_LEVELS = TLS_SERVER_LEVELS.map((choice) => choice.value);
const CLIENT_ONLY_LEVELS = TLS_CLIENT_LEVELS.map((choice) => choice.value).filter(
  (level) => !SERVER_LEVELS.includes(level),
);
/** The DANE levels, which the server refuses (it stops). */
export const DANE_LEVELS = CLIENT_ONLY_LEVELS.filter((level) => level.startsWith("dane"));
/** The other client levels (fingerprint, verify, secure): the server warns and uses encrypt. */
export const CLIENT_LEVELS = CLIENT_ONLY_LEVELS.filter((level) => !DANE_LEVELS.includes(level));
const ENFORCING_LEVELS = ["encrypt", ...CLIENT_LEVELS];

export const yes = (value: string) => value.trim().toLowerCase() === "yes";
export const listWords = (value: string) =>
  value
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);

/**
 * The family's copy of an smtpd parameter (`smtpd_tls_cert_file` for postscreen is
 * `postscreen_tls_cert_file`), when the configured release has it.
 */
export function familyName(
  context: RuleContext,
  family: Family,
  smtpdName: string,
): string | undefined {
  if (family === "smtpd") return smtpdName;
  const name = family + smtpdName.slice("smtpd".length);
  return isKnownParameter(name, context.version) ? name : undefined;
}

export function serverTls(context: RuleContext, { service, family }: Scope): ServerTls {
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
export function originOf(
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

export function soleReference(value: string): string | undefined {
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

export interface ServerView {
  /** The server processes: each smtpd, postscreen (and tlsproxy) service, or main.cf alone. */
  scopes: Scope[];
  tls: (scope: Scope) => ServerTls;
}

/** The server scopes and their TLS state, computed once per configuration for every rule. */
export const serverView = perContext((context): ServerView => {
  const scopes = serverScopes(context);
  const states = new Map(scopes.map((scope) => [scope, serverTls(context, scope)]));
  return { scopes, tls: (scope) => states.get(scope)! };
});

/** master.cf is known and every entry parsed, so a missing service really is missing. */
export function masterComplete(context: RuleContext): boolean {
  return (
    context.master !== undefined &&
    context.master.blocks.every((block) => block.kind === "comment" || !block.problem)
  );
}

/** TLS in effect for an SMTP/LMTP client service (or main.cf alone). */
export function clientTlsOn(context: RuleContext, service: ServiceView | undefined): boolean {
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

export const clientServices = (context: RuleContext) =>
  context.services.filter((service) => service.command === "smtp" || service.command === "lmtp");

// ---------------------------------------------------------------------------
// Words for messages

export function scopeLabel(scope: Scope): string {
  return scope.service ? `${scope.service.name}/${scope.service.type}` : "smtpd";
}

/** The scopes' names as a list: "a", "a and b", "a, b and c". */
export function labels(scopes: Scope[]): string {
  const names = [...new Set(scopes.map(scopeLabel))];
  return names.length <= 1
    ? (names[0] ?? "")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** `name = value` (main.cf) or `-o name=value` (master.cf), as written. */
export function written(source: SettingSource): string {
  const { name, value } = source.setting;
  return source.file === "main" ? `${name.text} = ${value.text}` : `-o ${name.text}=${value.text}`;
}

/** Where a setting is, for a message: "in main.cf" or "on smtp/inet". */
export function place(context: RuleContext, source: SettingSource): string {
  if (source.file === "main") return "in main.cf";
  const service = serviceOf(context, source.setting);
  return service ? `on ${service.name}/${service.type}` : "in master.cf";
}

// Looked up, not searched: a finding per service would otherwise scan every option.
export function serviceOf(
  context: RuleContext,
  setting: ParameterSetting,
): ServiceView | undefined {
  return context.optionHolding(setting)?.service;
}

function optionOf(context: RuleContext, setting: ParameterSetting): MasterOption | undefined {
  return context.optionHolding(setting)?.option;
}

const PORT_25 = ["smtp", "25"];
export const PORT_465 = ["submissions", "smtps", "465"];

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

/** The port 25 scopes where TLS is in use (the port 25 rules look at nothing else). */
export const port25TlsScopes = perContext((context) => {
  const { scopes, tls } = serverView(context);
  return port25Scopes(context, scopes).filter((scope) => !tls(scope).invalid && tls(scope).use);
});

/** The port 25 scopes for a message, saying which get their clients from postscreen. */
export function port25Labels(items: Scope[]): string {
  return items
    .map((scope) =>
      scope.service?.type === "pass"
        ? `${scopeLabel(scope)}, which gets them from postscreen`
        : scopeLabel(scope),
    )
    .join("; ");
}

/** A setting on the port 25 service itself (not inherited), so changing it there is safe. */
export function ownSettingOf(items: Scope[], source: SettingSource): boolean {
  return (
    source.file === "master" &&
    items.some((scope) => scope.service?.settings.get(source.setting.name.text) === source.setting)
  );
}

// ---------------------------------------------------------------------------
// Findings

/** Groups scopes by the setting that causes a problem in them. */
export class ByOrigin<T> {
  private readonly groups = new Map<ParameterSetting, { source: SettingSource; items: T[] }>();

  add(source: SettingSource | undefined, item: T): void {
    if (!source) return;
    const group = this.groups.get(source.setting);
    if (group) group.items.push(item);
    else this.groups.set(source.setting, { source, items: [item] });
  }

  *[Symbol.iterator](): Generator<[SettingSource, T[]]> {
    for (const { source, items } of this.groups.values()) yield [source, items];
  }
}

const span = ({ start, end }: Span): Span => ({ start, end });

function finding(file: RuleFinding["file"], at: Span, message: string, fix?: Fix): RuleFinding {
  const found: RuleFinding = { file, ...span(at), message };
  if (fix) found.fix = fix;
  return found;
}

/** A finding on the name of a setting. */
export function onName(source: SettingSource, message: string, fix?: Fix): RuleFinding {
  return finding(source.file, source.setting.name, message, fix);
}

/** A finding on the value of a setting (its name when the value is empty). */
export function onValue(source: SettingSource, message: string, fix?: Fix): RuleFinding {
  const value = source.setting.value;
  return finding(source.file, value.end > value.start ? value : source.setting.name, message, fix);
}

/** A finding on a master.cf service's name. */
export function onService(service: ServiceView, message: string, fix?: Fix): RuleFinding {
  return finding("master", service.entry.words[0], message, fix);
}

/** A finding on a master.cf field. */
export function onField(field: Span, message: string, fix?: Fix): RuleFinding {
  return finding("master", field, message, fix);
}

// ---------------------------------------------------------------------------
// Edits

/** Inserts a line after the logical line that ends at `end`. */
function insertLineAfter(text: string, end: number, line: string): FixEdit {
  const newline = text.indexOf("\n", end);
  if (newline < 0) return { start: text.length, end: text.length, newText: newlineOf(text) + line };
  return { start: newline + 1, end: newline + 1, newText: line + newlineOf(text) };
}

/** `-o name=value`, or the braced form when the value has whitespace. */
function optionText(name: string, value: string): string {
  return /\s/.test(value) || value === "" ? `-o { ${name} = ${value} }` : `-o ${name}=${value}`;
}

/** Adds a setting in the same place as an existing one: a main.cf line or an `-o`. */
export function addNextTo(
  context: RuleContext,
  source: SettingSource,
  name: string,
  value: string,
): FixEdit | undefined {
  if (source.file === "main") {
    const end = context.mainEntryOf(source.setting)?.end;
    if (end === undefined || !context.main) return undefined;
    return insertLineAfter(context.main.text, end, `${name} = ${value}`);
  }
  const option = optionOf(context, source.setting);
  if (!option?.value) return undefined;
  const at = option.value.end;
  return { start: at, end: at, newText: ` ${optionText(name, value)}` };
}

/** Adds an `-o` to a master.cf entry, after its last option (or its command). */
export function addOption(entry: MasterEntry, name: string, value: string): FixEdit {
  const last = entry.options[entry.options.length - 1];
  const at = last ? (last.value ?? last.flag).end : entry.words[7].end;
  return { start: at, end: at, newText: ` ${optionText(name, value)}` };
}

export function replaceValue(source: SettingSource, newValue: string): FixEdit {
  const { value, name } = source.setting;
  if (value.end > value.start) return { ...span(value), newText: newValue };
  // An empty value: keep "name = value" readable.
  const text = source.file === "main" ? ` ${newValue}` : newValue;
  return { start: value.start, end: value.end, newText: value.start > name.end ? text : newValue };
}

/** Removes a whole setting: its main.cf line, or its `-o` with the blank before it. */
export function removeSetting(context: RuleContext, source: SettingSource): FixEdit | undefined {
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
export function serviceLineFix(
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
// Server certificates

export interface CertificateScope {
  scope: Scope;
  /** The family's name of an smtpd parameter (see familyName). */
  name: (smtpdName: string) => string | undefined;
  /** The certificate file parameter's name and value ("none": no certificate on purpose). */
  certName: string;
  cert: string;
  certNone: boolean;
  /** The other legacy certificate parameters (EC, DSA) that are set. */
  others: string[];
  /** The value of the chain files parameter. */
  chain: string;
}

/** The scopes with TLS in use and their certificate settings, for the certificate rules. */
export const certificateScopes = perContext((context) => {
  const { scopes, tls } = serverView(context);
  const found: CertificateScope[] = [];
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
    found.push({
      scope,
      name,
      certName,
      cert,
      certNone: cert.toLowerCase() === "none",
      others: ["smtpd_tls_eccert_file", "smtpd_tls_dcert_file"].filter((base) => value(base)),
      chain: value("smtpd_tls_chain_files"),
    });
  }
  return found;
});

// ---------------------------------------------------------------------------
// Levels

/** The scopes whose security level is one of `levels`, by the setting that sets it (wrapper mode ignores the level). */
export function scopesWithLevel(context: RuleContext, levels: string[]): ByOrigin<Scope> {
  const { scopes, tls } = serverView(context);
  const found = new ByOrigin<Scope>();
  for (const scope of scopes) {
    if (tls(scope).wrapper) continue;
    const name = familyName(context, scope.family, "smtpd_tls_security_level");
    if (!name) continue;
    const level = context.valueOf(name, scope.service).trim().toLowerCase();
    if (levels.includes(level)) found.add(originOf(context, name, scope.service), scope);
  }
  return found;
}

// ---------------------------------------------------------------------------
// SASL

export interface SaslScope {
  scope: Scope;
  state: ServerTls;
  /** smtpd_sasl_security_options in effect, as lower-case words. */
  options: string[];
  /** A value in effect for the scope's service. */
  value: (name: string) => string;
}

/** The smtpd scopes that turn SMTP AUTH on, for the SASL rules. */
export const saslScopes = perContext((context) => {
  const { scopes, tls } = serverView(context);
  const found: SaslScope[] = [];
  for (const scope of scopes) {
    if (scope.family !== "smtpd") continue;
    const value = (name: string) => context.valueOf(name, scope.service);
    if (!yes(value("smtpd_sasl_auth_enable"))) continue;
    const options = listWords(value("smtpd_sasl_security_options"));
    found.push({ scope, state: tls(scope), options, value });
  }
  return found;
});
