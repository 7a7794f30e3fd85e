// Facts about every Postfix main.cf parameter name, per release line, from
// parameters.generated.json (made by scripts/generate-parameters.mjs from the
// Postfix sources). Everything here is pure lookup: no I/O at run time.

import data from "./parameters.generated.json";

/** A Postfix release line such as "3.7". Longer forms ("3.7.11") are accepted. */
export type PostfixVersion = string;

/**
 * The postconf table kind a name is registered with. `nint`/`nbool` are
 * numbers/booleans whose default may contain `$name`; `str_fn` is a string
 * whose default is computed at run time (myhostname, mydomain, mynetworks);
 * `raw` is a string that is not `$`-expanded when read.
 */
export type ParameterType =
  "bool" | "int" | "long" | "time" | "str" | "raw" | "nint" | "nbool" | "str_fn";

/** Time unit letter applied when a value has none: seconds, minutes, hours, days, weeks. */
export type TimeUnit = "s" | "m" | "h" | "d" | "w";

/**
 * current: accepted by the newest release without a warning.
 * deprecated: accepted, but postconf (3.9+) warns that support will be removed.
 * removed: no longer known to the newest release (postconf calls it unused).
 */
export type ParameterStatus = "current" | "deprecated" | "removed";

/** The release lines in which something exists. */
export interface VersionRange {
  /** First release line that has it. */
  since: PostfixVersion;
  /** Last release line that has it, when a later one dropped it. */
  until?: PostfixVersion;
  /** Release lines between since and until that lack it. */
  absent?: PostfixVersion[];
}

export interface ParameterFacts {
  name: string;
  /** Release lines whose `postconf -d` prints this name (built-in or read-only). */
  builtin?: VersionRange;
  /**
   * Release lines where postconf knows the name only as a legacy alias:
   * accepted without an "unused parameter" warning but not printed by -d.
   */
  legacy?: VersionRange;
  type?: ParameterType;
  /** Kind changes across releases, oldest first (e.g. int before 2.9, long after). */
  typeHistory?: [PostfixVersion, ParameterType][];
  /** For time parameters: the unit of a bare number. */
  unit?: TimeUnit;
  /** Numeric bounds that the daemons enforce (times in seconds). */
  min?: number;
  max?: number;
  /** Length bounds of string values (a minLength of 1 means "must not be empty"). */
  minLength?: number;
  maxLength?: number;
  /**
   * Release lines whose daemons read the name one at a time although that
   * release's postconf does not list it (debugger_command before 2.9).
   */
  readByCode?: VersionRange;
  /** Release lines whose daemons assign the name themselves at run time (process_name). */
  setAtRunTime?: VersionRange;
  /** Set by Postfix itself (process_name, process_id, service_name); assignments are ignored. */
  readOnly?: boolean;
  /**
   * Was built in before 2.9 and is now derived from a master.cf service of the
   * same name (e.g. smtp_destination_concurrency_limit); see serviceParameterNames.
   */
  perService?: boolean;
  /** Documented only as the pattern of a per-service name ("transport_time_limit"). */
  template?: boolean;
  status: ParameterStatus;
  /** First release line whose postconf warns about this name. */
  warnsSince?: PostfixVersion;
  /** The parameter to use instead, when postconf names one. */
  replacement?: string;
  /** When no replacement is named: "remove" means delete the setting. */
  advice?: "remove" | "other";
  /** Has a %PARAM entry in the newest postconf(5) source. */
  documented: boolean;
  /** The default as postconf(5) states it (may be prose such as 'see "postconf -d" output'). */
  documentedDefault?: string;
  /**
   * The default the code has, as `postconf -d` prints it before `$name`
   * expansion: `[since, value]` pairs, oldest first, one per change across the
   * release lines that have the name built in. A null value: computed there.
   * Use defaultValue() rather than reading this.
   */
  codeDefault?: readonly (readonly [PostfixVersion, string | null])[];
  /**
   * The default is computed when postconf runs (myhostname, mydomain,
   * mynetworks from the host; process_name, process_id, service_name from the
   * running program), in some or all release lines; no value is recorded there.
   */
  defaultComputed?: boolean;
  /**
   * The default depends on how Postfix was built (install paths, platform,
   * OpenSSL, NIS/IPv6 support). The recorded value is the one of a Linux build
   * with glibc, OpenSSL 3 and Berkeley DB, with the upstream install paths.
   */
  buildDependent?: boolean;
  /** The release given by postconf(5) as the first to support the feature. */
  documentedSince?: string;
}

/** One rule of postconf_service.c: `<service><suffix>` for services running `commands`. */
export interface ServiceSuffixRule extends VersionRange {
  suffix: string;
  /** The name whose value is the default. */
  defaultParameter: string;
  /** The default postconf prints for the derived name: `$<defaultParameter>`. */
  defaultValue: string;
  /** master.cf command names (first word of the command field) that get this name. */
  commands: string[];
}

/** A lookup table type whose client configuration may live in main.cf. */
export interface DbmsTableType extends VersionRange {
  type: string;
  /** client: names are `<table name>_<suffix>`; regex: inline patterns, no names. */
  class: "client" | "regex";
  suffixes: Record<string, VersionRange>;
}

// ---------------------------------------------------------------------------
// Shape of the generated JSON (kept private: callers use the functions).

interface GeneratedParameter extends Partial<VersionRange> {
  legacy?: VersionRange;
  readByCode?: VersionRange;
  setAtRunTime?: VersionRange;
  type?: ParameterType;
  typeHistory?: [PostfixVersion, ParameterType][];
  unit?: TimeUnit;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  readOnly?: boolean;
  perService?: boolean;
  template?: boolean;
  status: ParameterStatus;
  warnsSince?: PostfixVersion;
  replacement?: string;
  advice?: "remove" | "other";
  documented: boolean;
  default?: string;
  documentedSince?: string;
  codeDefault?: [PostfixVersion, string | null][];
  defaultComputed?: boolean;
  buildDependent?: boolean;
}

interface GeneratedData {
  source: { repository: string; commit: string; releases: Record<PostfixVersion, string> };
  versions: PostfixVersion[];
  builtinCounts: Record<PostfixVersion, number>;
  postconfWarnings: Partial<Record<PostfixWarning, PostfixVersion>>;
  parameters: Record<string, GeneratedParameter>;
  services: {
    since: PostfixVersion;
    suffixes: (VersionRange & {
      suffix: string;
      defaultParam: string;
      default: string;
      commands: string[];
    })[];
  };
  dbms: {
    since: PostfixVersion;
    types: Record<
      string,
      VersionRange & { class: "client" | "regex"; suffixes: Record<string, VersionRange> }
    >;
    wrappers: Record<string, VersionRange>;
  };
}

const generated = data as unknown as GeneratedData;

/** Release lines covered by the data, oldest first. */
export const SUPPORTED_VERSIONS: readonly PostfixVersion[] = Object.freeze([...generated.versions]);
export const OLDEST_VERSION: PostfixVersion = SUPPORTED_VERSIONS[0];
export const NEWEST_VERSION: PostfixVersion = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1];
/** The Postfix commit the data was generated from. */
export const SOURCE_COMMIT: string = generated.source.commit;

// ---------------------------------------------------------------------------
// Versions

/**
 * Numeric, component-wise comparison ("2.10" > "2.9"); a missing component
 * counts as 0, so "3.7" < "3.7.1". Negative, zero or positive like a sort comparator.
 */
export function compareVersions(a: PostfixVersion, b: PostfixVersion): number {
  return versionKey(a) - versionKey(b);
}

/**
 * Versions compared as numbers; the covered lines are computed once, because every
 * lookup compares them. Other strings are computed each time: a table keyed by any
 * string would grow with every distinct value a caller passes.
 */
const versionKeys = new Map<PostfixVersion, number>();

function versionKey(version: PostfixVersion): number {
  const key = versionKeys.get(version);
  if (key !== undefined) return key;
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  return (major * 1000 + minor) * 1000 + patch;
}

for (const version of SUPPORTED_VERSIONS) versionKeys.set(version, versionKey(version));

/** "3.7.11" -> "3.7"; anything that is not a version number is returned as-is. */
export function releaseLine(version: PostfixVersion): PostfixVersion {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  return match ? `${match[1]}.${match[2]}` : version;
}

const SUPPORTED_LINES: ReadonlySet<PostfixVersion> = new Set(SUPPORTED_VERSIONS);

/**
 * The covered release line whose data answers for `version`. Patch releases
 * map to their line (the data of a line is its newest patch release); lines
 * newer than the data get the newest, older ones the oldest. Throws a RangeError
 * for a string that is not a version. Memo tables keyed by release should key by
 * this: it has only SUPPORTED_VERSIONS.length values.
 */
export function effectiveLine(version: PostfixVersion): PostfixVersion {
  if (SUPPORTED_LINES.has(version)) return version;
  const line = releaseLine(version);
  if (!/^\d+\.\d+$/.test(line)) throw new RangeError(`not a Postfix version: ${version}`);
  if (compareVersions(line, NEWEST_VERSION) > 0) return NEWEST_VERSION;
  if (compareVersions(line, OLDEST_VERSION) < 0) return OLDEST_VERSION;
  // A line with no release (2.12, say) falls back to the one before it.
  let best = OLDEST_VERSION;
  for (const known of SUPPORTED_VERSIONS) if (compareVersions(known, line) <= 0) best = known;
  return best;
}

/**
 * A value computed once per covered release line: the table is keyed by
 * effectiveLine, so any number of distinct version strings ("3.7.1", "3.7.2", ...)
 * share one entry per line and the table never outgrows the list of lines.
 */
export class ReleaseMemo<T> {
  private readonly values = new Map<PostfixVersion, T>();

  constructor(private readonly compute: (line: PostfixVersion) => T) {
    releaseMemos.push(this);
  }

  get(version: PostfixVersion): T {
    const line = effectiveLine(version);
    let value = this.values.get(line);
    if (value === undefined) {
      value = this.compute(line);
      this.values.set(line, value);
    }
    return value;
  }

  get size(): number {
    return this.values.size;
  }
}

const releaseMemos: ReleaseMemo<unknown>[] = [];

/** Entries in all release memos and how many there can be at most (for tests and benchmarks). */
export function releaseMemoUsage(): { entries: number; bound: number } {
  const entries = releaseMemos.reduce((sum, memo) => sum + memo.size, 0);
  return { entries, bound: releaseMemos.length * SUPPORTED_VERSIONS.length };
}

/** Whether `version` lies inside `range` (in release-line terms). */
export function inVersionRange(range: VersionRange | undefined, version: PostfixVersion): boolean {
  if (!range) return false;
  const line = effectiveLine(version);
  if (compareVersions(line, range.since) < 0) return false;
  if (range.until !== undefined && compareVersions(line, range.until) > 0) return false;
  return !(range.absent ?? []).includes(line);
}

// ---------------------------------------------------------------------------
// Parameters

function toRange(p: Partial<VersionRange>): VersionRange | undefined {
  if (p.since === undefined) return undefined;
  const range: VersionRange = { since: p.since };
  if (p.until !== undefined) range.until = p.until;
  if (p.absent !== undefined) range.absent = p.absent;
  return range;
}

function toFacts(name: string, p: GeneratedParameter): ParameterFacts {
  const {
    since: _since,
    until: _until,
    absent: _absent,
    default: documentedDefault,
    codeDefault,
    ...rest
  } = p;
  const facts: ParameterFacts = { name, ...rest };
  if (codeDefault !== undefined)
    facts.codeDefault = Object.freeze(
      codeDefault.map((entry) => Object.freeze([...entry] as const)),
    );
  const builtin = toRange(p);
  if (builtin) facts.builtin = builtin;
  if (documentedDefault !== undefined) facts.documentedDefault = documentedDefault;
  return Object.freeze(facts);
}

const PARAMETERS: ReadonlyMap<string, ParameterFacts> = new Map(
  Object.entries(generated.parameters)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => [name, toFacts(name, p)]),
);

/** Everything known about one name, or undefined when no release ever had it. */
export function getParameter(name: string): ParameterFacts | undefined {
  return PARAMETERS.get(name);
}

/** All names (built-in in some release, legacy, or documented), sorted by name. */
export function allParameters(): readonly ParameterFacts[] {
  return [...PARAMETERS.values()];
}

/** True when `postconf -d` of that release prints the name without any master.cf. */
export function isBuiltinParameter(
  name: string,
  version: PostfixVersion = NEWEST_VERSION,
): boolean {
  // A name with no such range never looks at the version (which may then be invalid).
  return PARAMETERS.get(name)?.builtin !== undefined && builtinParameterSet(version).has(name);
}

/**
 * True when postconf of that release accepts the name in main.cf on its own
 * (built-in or legacy alias); per-service, per-database and user-defined
 * names depend on the rest of the configuration and are not included.
 */
export function isKnownParameter(name: string, version: PostfixVersion = NEWEST_VERSION): boolean {
  const facts = PARAMETERS.get(name);
  return (
    facts !== undefined && knownRanges(facts).length > 0 && knownParameterSet(version).has(name)
  );
}

/** Every range in which some release knows the name: built in, legacy, read by the code, set at run time. */
function knownRanges(facts: ParameterFacts): VersionRange[] {
  return [facts.builtin, facts.legacy, facts.readByCode, facts.setAtRunTime].filter(
    (range): range is VersionRange => range !== undefined,
  );
}

/** The first release line that knows the name in any way (see isKnownParameter). */
export function firstKnownRelease(facts: ParameterFacts): PostfixVersion | undefined {
  let first: PostfixVersion | undefined;
  for (const { since } of knownRanges(facts))
    if (first === undefined || compareVersions(since, first) < 0) first = since;
  return first;
}

/**
 * The last release line that knows the name, when the newest does not: the
 * release after which it was removed or renamed.
 */
export function lastKnownRelease(facts: ParameterFacts): PostfixVersion | undefined {
  let last: PostfixVersion | undefined;
  for (const { until } of knownRanges(facts)) {
    if (until === undefined) return undefined;
    if (last === undefined || compareVersions(until, last) > 0) last = until;
  }
  return last;
}

/** The release line after `line` in the data (undefined for the newest). */
export function nextRelease(line: PostfixVersion): PostfixVersion | undefined {
  const index = SUPPORTED_VERSIONS.indexOf(releaseLine(line));
  return index < 0 ? undefined : SUPPORTED_VERSIONS[index + 1];
}

/**
 * postconf's checks of names: "unused" warns about a name nothing uses,
 * "undefined" about a $name set nowhere. Older releases have neither.
 */
export type PostfixWarning = "unused" | "undefined";

/** Whether postconf of that release has the warning (unused since 2.9, undefined since 2.10). */
export function postconfWarns(warning: PostfixWarning, version: PostfixVersion): boolean {
  const since = generated.postconfWarnings[warning];
  return since !== undefined && compareVersions(effectiveLine(version), since) >= 0;
}

/** The names isBuiltinParameter accepts in a release: a set, for callers that ask about many names. */
export function builtinParameterSet(version: PostfixVersion = NEWEST_VERSION): ReadonlySet<string> {
  return namesOfLine(version).builtin;
}

/** The names isKnownParameter accepts in a release: a set, for callers that ask about many names. */
export function knownParameterSet(version: PostfixVersion = NEWEST_VERSION): ReadonlySet<string> {
  return namesOfLine(version).known;
}

/**
 * Built-in and known names per release line. A long main.cf asks about every
 * name several times, so a set lookup replaces the version comparisons.
 */
const namesByLine = new ReleaseMemo((line) => {
  const names = { builtin: new Set<string>(), known: new Set<string>() };
  for (const facts of PARAMETERS.values()) {
    const builtin = inVersionRange(facts.builtin, line);
    if (builtin) names.builtin.add(facts.name);
    if (builtin || knownRanges(facts).some((range) => inVersionRange(range, line)))
      names.known.add(facts.name);
  }
  return names;
});

function namesOfLine(version: PostfixVersion): { builtin: Set<string>; known: Set<string> } {
  return namesByLine.get(version);
}

/** The names `postconf -d` of that release prints for an empty master.cf, sorted. */
export function builtinParameterNames(version: PostfixVersion = NEWEST_VERSION): string[] {
  return allParameters()
    .filter((p) => inVersionRange(p.builtin, version))
    .map((p) => p.name);
}

/**
 * The default value the code of that release line has for a built-in name, as
 * `postconf -d` prints it (before `$name` expansion; booleans as yes/no,
 * numbers in decimal, times with their unit, e.g. "300s"). Undefined when the
 * name is not built in there or its default is computed at run time (see
 * ParameterFacts.defaultComputed). Values marked buildDependent are those of a
 * Linux build with OpenSSL 3 and Berkeley DB; a line's value is that of its
 * newest patch release.
 */
export function defaultValue(
  name: string,
  version: PostfixVersion = NEWEST_VERSION,
): string | undefined {
  const facts = PARAMETERS.get(name);
  if (!facts?.codeDefault || !inVersionRange(facts.builtin, version)) return undefined;
  const line = effectiveLine(version);
  let value: string | null | undefined;
  for (const [since, entry] of facts.codeDefault) {
    if (compareVersions(since, line) > 0) break;
    value = entry;
  }
  return value ?? undefined;
}

/** A default that compatibility_level selects: `below` under `level`, `atOrAbove` from it on. */
export interface CompatibilityChoice {
  level: string;
  below: string;
  atOrAbove: string;
}

/**
 * Reads a default that depends on compatibility_level, as the code writes it:
 * `${{$compatibility_level} <level {3.6} ? {old} : {new}}` (a plain `<` before
 * Postfix 3.6). Undefined for any other value.
 */
export function compatibilityChoice(value: string): CompatibilityChoice | undefined {
  const match =
    /^\$\{\{\$compatibility_level\} *<(?:level)? *\{([0-9.]+)\} *\? *\{([^{}]*)\} *: *\{([^{}]*)\}\}$/.exec(
      value,
    );
  return match ? { level: match[1], below: match[2], atOrAbove: match[3] } : undefined;
}

/** Whether postconf of that release warns about the name as deprecated or removed. */
export function warnsAsDeprecated(name: string, version: PostfixVersion = NEWEST_VERSION): boolean {
  const since = PARAMETERS.get(name)?.warnsSince;
  return since !== undefined && compareVersions(effectiveLine(version), since) >= 0;
}

// ---------------------------------------------------------------------------
// Per-service names (postconf_service.c)

const SERVICE_RULES: readonly ServiceSuffixRule[] = generated.services.suffixes.map((s) => {
  const rule: ServiceSuffixRule = {
    suffix: s.suffix,
    defaultParameter: s.defaultParam,
    defaultValue: s.default,
    commands: s.commands,
    since: s.since,
  };
  if (s.until !== undefined) rule.until = s.until;
  if (s.absent !== undefined) rule.absent = s.absent;
  return Object.freeze(rule);
});

/** The suffix rules that apply to a master.cf command in that release. */
/** Every per-service suffix rule of a release, whatever the command. */
export function allServiceSuffixRules(
  version: PostfixVersion = NEWEST_VERSION,
): ServiceSuffixRule[] {
  return SERVICE_RULES.filter((r) => inVersionRange(r, version));
}

export function serviceSuffixRules(
  command: string,
  version: PostfixVersion = NEWEST_VERSION,
): ServiceSuffixRule[] {
  return [...rulesForCommand(command, version)];
}

/** The master.cf programs that some suffix rule names. */
const SERVICE_PROGRAMS = new Set(SERVICE_RULES.flatMap((rule) => rule.commands));
const NO_RULES: readonly ServiceSuffixRule[] = Object.freeze([]);
/** serviceSuffixRules per release and program: asked for every name of every master.cf entry. */
const rulesByProgram = new ReleaseMemo(() => new Map<string, readonly ServiceSuffixRule[]>());

function rulesForCommand(command: string, version: PostfixVersion): readonly ServiceSuffixRule[] {
  // postconf compares only the first word of the command field, exactly.
  const program = command.trim().split(/\s+/)[0] ?? "";
  // Other programs get no rules (and are not remembered: the editor sees many).
  if (!SERVICE_PROGRAMS.has(program)) return NO_RULES;
  const rulesOfLine = rulesByProgram.get(version);
  let rules = rulesOfLine.get(program);
  if (!rules) {
    rules = SERVICE_RULES.filter((r) => r.commands.includes(program) && inVersionRange(r, version));
    rulesOfLine.set(program, rules);
  }
  return rules;
}

/**
 * How `name` reads as a per-service name of that release: the master.cf
 * service it would belong to and the suffix rule ("relay" and
 * _destination_concurrency_limit for relay_destination_concurrency_limit).
 * Whether that service exists is for the caller to check.
 */
export function perServiceReading(
  name: string,
  version: PostfixVersion = NEWEST_VERSION,
): { service: string; rule: ServiceSuffixRule } | undefined {
  for (const rule of allServiceSuffixRules(version)) {
    if (name.length > rule.suffix.length && name.endsWith(rule.suffix))
      return { service: name.slice(0, -rule.suffix.length), rule };
  }
  return undefined;
}

/**
 * The names postconf derives from one master.cf entry: `<service><suffix>`
 * for delivery agents (local, error, virtual, smtp, lmtp, pipe) and spawn.
 * Some of them are also built-in (local_destination_concurrency_limit);
 * postconf then keeps the built-in default. Releases before 2.9 derive none.
 */
export function serviceParameterNames(
  serviceName: string,
  command: string,
  version: PostfixVersion = NEWEST_VERSION,
): string[] {
  const names = rulesForCommand(command, version).map((r) => serviceName + r.suffix);
  return [...new Set(names)].sort();
}

/**
 * The default postconf of that release prints for `name` when master.cf has
 * a service `serviceName` running `command`: the built-in default when the
 * name is also built in (local_destination_concurrency_limit), else the
 * suffix rule's `$<default parameter>`. Undefined when the service does not
 * derive the name (or the built-in default is computed).
 */
export function serviceParameterDefault(
  name: string,
  serviceName: string,
  command: string,
  version: PostfixVersion = NEWEST_VERSION,
): string | undefined {
  if (!name.startsWith(serviceName)) return undefined;
  const suffix = name.slice(serviceName.length);
  const rule = rulesForCommand(command, version).find((r) => r.suffix === suffix);
  if (!rule) return undefined;
  return isBuiltinParameter(name, version) ? defaultValue(name, version) : rule.defaultValue;
}

// ---------------------------------------------------------------------------
// Per-database names (postconf_dbms.c)

/** The lookup table types with main.cf-style client settings in that release. */
export function dbmsTableTypes(version: PostfixVersion = NEWEST_VERSION): DbmsTableType[] {
  return Object.entries(generated.dbms.types)
    .filter(([, t]) => inVersionRange(t, version))
    .map(([type, t]) => ({ type, ...t }));
}

/**
 * Map types that postconf looks through before the real type
 * ("proxy:ldap:name"; "debug:" since 3.11).
 */
export function dbmsWrapperTypes(version: PostfixVersion = NEWEST_VERSION): string[] {
  return Object.entries(generated.dbms.wrappers)
    .filter(([, range]) => inVersionRange(range, version))
    .map(([type]) => type);
}

/**
 * The names postconf accepts for a `type:name` lookup table whose name is not
 * a file: `<name>_<suffix>` for each client setting of that type (e.g.
 * ldap:corp gives corp_server_host, corp_search_base, ...). A name starting
 * with "/" is a configuration file and one starting with "." is not a
 * candidate, so both give no names. Pass the type after any proxy:/debug:
 * wrappers (see dbmsWrapperTypes).
 */
export function dbmsParameterNames(
  tableType: string,
  tableName: string,
  version: PostfixVersion = NEWEST_VERSION,
): string[] {
  const type = generated.dbms.types[tableType];
  if (!type || type.class !== "client" || !inVersionRange(type, version)) return [];
  if (tableName === "" || tableName.startsWith("/") || tableName.startsWith(".")) return [];
  return Object.entries(type.suffixes)
    .filter(([, range]) => inVersionRange(range, version))
    .map(([suffix]) => `${tableName}_${suffix}`)
    .sort();
}
