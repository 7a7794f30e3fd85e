import { bracedWords } from "../parser/bracedWords";
import {
  type PostfixVersion,
  builtinParameterSet,
  dbmsParameterNames,
  ReleaseMemo,
  defaultValue,
  getParameter,
  knownParameterSet,
  serviceParameterDefault,
  serviceParameterNames,
} from "../data/parameters";
import { type MacroError, evaluateExpansion, forEachReferenceName } from "../parser/expansion";

/**
 * Which parameter names Postfix accepts, decided the way postconf decides it
 * (pcf_register_user_parameters): built-in and legacy names of the release, names
 * derived from master.cf service names, user-defined names that have a value and
 * are referenced as `$name` or listed in smtpd_restriction_classes, and names a
 * legacy database reference (`ldap:name`) implies. On the way, postconf expands
 * the values of built-in and service parameters; an error there is fatal for it.
 *
 * Works on dictionaries (name → raw value, last assignment wins), so the same
 * analysis serves the editor's model and the emulation of postconf.
 */

/** One master.cf entry as postconf sees it. */
export interface ServiceScope<Value = string> {
  service: string;
  type: string;
  /** The command's base name, e.g. `smtpd`. */
  command: string;
  /** The `-o` settings of this service/type; entries with the same service/type share them. */
  settings?: Map<string, Value>;
}

/** Name → value dictionaries; a value is a raw string unless a ValueReader says otherwise. */
export interface ConfigDictionaries<Value = string> {
  main: Map<string, Value>;
  services: ServiceScope<Value>[];
  /** The mail server's host name; Postfix derives myhostname and mydomain from it. */
  hostname?: string;
}

/** How the analysis reads the values of its dictionaries. */
export interface ValueReader<Value> {
  /** The raw value. */
  text(value: Value): string;
  /** Calls `visit` with each name the value references, scanning both branches of `?` and `:`. */
  forEachReference(value: Value, visit: (name: string) => void): void;
  /**
   * Where the analysis keeps the user-defined (and legacy database) names of
   * main.cf that postconf accepts, `value` being the name's value in main. A
   * value that can hold the mark itself saves a lookup by name per reference.
   */
  markUserDefined(name: string, value: Value): void;
  isUserDefined(name: string, value: Value): boolean;
}

/** Raw strings, scanned here; the user-defined names are kept in a set. */
function rawValues(): ValueReader<string> {
  const userNames = new Set<string>();
  return {
    text: (value) => value,
    forEachReference: forEachReferenceName,
    markUserDefined: (name) => userNames.add(name),
    isUserDefined: (name) => userNames.has(name),
  };
}

export type ParameterClass = "builtin" | "legacy" | "service" | "user";

export interface ExpansionFailure {
  /**
   * When postconf meets it: expanding master.cf settings, computing defaults
   * (myhostname, mydomain), or expanding main.cf settings.
   */
  phase: "services" | "defaults" | "main";
  /** The parameter whose value failed to expand. */
  name: string;
  /** `service/type` for a master.cf `-o` value, undefined for main.cf. */
  scope?: string;
  error: MacroError;
}

export interface ParameterUsage {
  classOf(name: string): ParameterClass | undefined;
  isKnown(name: string): boolean;
  serviceNames: Set<string>;
  /**
   * Names that a scanned value references but that are neither a parameter nor
   * set in main.cf or in the referencing service's settings. Any other reference
   * names something postconf can look up.
   */
  unsetReferences: Set<string>;
  /** The first expansion error postconf meets, which makes it stop. */
  expansionFailure?: ExpansionFailure;
  /** A parameter's raw value in main.cf, else its default (postconf's lookup). */
  lookup(name: string): string | undefined;
}

/** Parameters that Postfix sets itself per process; assigning them is an error. */
export const READ_ONLY_PARAMETERS = new Set(["process_name", "process_id", "service_name"]);

/** A stand-in for defaults computed from the host that name no other parameter. */
const COMPUTED_DEFAULT = "localhost";
/** Postfix's default domain when the host name has no dot. */
const DEFAULT_DOMAIN = "localdomain";

export function analyzeParameterUsage(
  dictionaries: ConfigDictionaries,
  version: PostfixVersion,
): ParameterUsage {
  return analyzeDictionaries(dictionaries, version, rawValues());
}

/**
 * analyzeParameterUsage for dictionaries of any kind of value, such as parsed
 * settings whose `$` references are known already (a long main.cf is then not
 * scanned twice).
 */
export function analyzeDictionaries<Value>(
  dictionaries: ConfigDictionaries<Value>,
  version: PostfixVersion,
  reader: ValueReader<Value>,
): ParameterUsage {
  const { main, services } = dictionaries;
  const textOf = (value: Value | undefined) =>
    value === undefined ? undefined : reader.text(value);
  const mainText = (name: string) => textOf(main.get(name));
  const serviceDefaults = new Map<string, string | undefined>();
  for (const scope of services) {
    for (const name of serviceParameterNames(scope.service, scope.command, version)) {
      if (serviceDefaults.has(name)) continue;
      serviceDefaults.set(
        name,
        serviceParameterDefault(name, scope.service, scope.command, version),
      );
    }
  }
  const serviceNames = new Set(serviceDefaults.keys());
  /** The unexpanded default, as postconf -d shows it. */
  const defaultOf = (name: string) =>
    serviceDefaults.has(name) ? serviceDefaults.get(name) : defaultValue(name, version);
  /**
   * The class a name has whatever main.cf says: the release's class, except that
   * a name derived from a service is "service" unless it is built in. One table,
   * as every name of a long main.cf and every reference is looked up.
   */
  const fixedClasses = new Map<string, ParameterClass>(releaseClasses(version));
  for (const name of serviceNames) {
    if (fixedClasses.get(name) !== "builtin") fixedClasses.set(name, "service");
  }
  const fixedClassOf = (name: string): ParameterClass | undefined => fixedClasses.get(name);
  const isUserDefined = (name: string) => {
    const value = main.get(name);
    return value !== undefined && reader.isUserDefined(name, value);
  };
  const classOf = (name: string): ParameterClass | undefined =>
    fixedClassOf(name) ?? (isUserDefined(name) ? "user" : undefined);
  let expansionFailure: ExpansionFailure | undefined;

  const unsetReferences = new Set<string>();

  /**
   * pcf_flag_user_parameter(): a referenced name with a value becomes valid.
   * Returns false when the name is neither a parameter nor set in the scope or main.cf.
   */
  const flag = (name: string, scope: ServiceScope<Value> | undefined): boolean => {
    if (scope?.settings?.has(name) || fixedClassOf(name) !== undefined) return true;
    const value = main.get(name);
    if (value === undefined) return false;
    reader.markUserDefined(name, value);
    return true;
  };

  /** mail_conf_lookup_eval(): a main.cf value expanded through main.cf alone. */
  const mainOnly = (name: string, phase: ExpansionFailure["phase"]): string | undefined => {
    const value = mainText(name);
    if (value === undefined) return undefined;
    const expansion = evaluateExpansion(value, mainText);
    if (expansion.error) expansionFailure ??= { phase, name, error: expansion.error };
    return expansion.value;
  };
  /**
   * The computed defaults of myhostname and mydomain: a host name without a dot
   * gets "." and mydomain (expanded) appended; mydomain is what follows the first
   * dot of myhostname. The result is not escaped, so it is expanded again later.
   */
  const computedDefault = (name: string): string => {
    const host = dictionaries.hostname ?? COMPUTED_DEFAULT;
    const myhostname = () =>
      host.includes(".") ? host : `${host}.${mainOnly("mydomain", "defaults") ?? DEFAULT_DOMAIN}`;
    if (name === "myhostname") return myhostname();
    if (name === "mydomain") {
      const hostName = main.has("myhostname")
        ? (mainOnly("myhostname", "defaults") ?? "")
        : myhostname();
      const dot = hostName.indexOf(".");
      return dot < 0 ? DEFAULT_DOMAIN : hostName.slice(dot + 1);
    }
    return COMPUTED_DEFAULT;
  };

  const lookupIn = (scope: ServiceScope<Value> | undefined) => (name: string) => {
    if (scope && name === "process_name") return scope.command;
    if (scope && name === "service_name") return scope.service;
    const value = textOf(scope?.settings?.get(name) ?? main.get(name));
    if (value !== undefined) return value;
    const parameterClass = classOf(name);
    if (parameterClass === "builtin" || parameterClass === "service") {
      return getParameter(name)?.defaultComputed ? computedDefault(name) : (defaultOf(name) ?? "");
    }
    return parameterClass === undefined ? undefined : "";
  };

  /** pcf_scan_user_parameter_namespace() for one dictionary. */
  const scanNamespace = (
    settings: Map<string, Value>,
    scope: ServiceScope<Value> | undefined,
    phase: ExpansionFailure["phase"],
  ) => {
    const flagReference = (name: string) => {
      if (!flag(name, scope)) unsetReferences.add(name);
    };
    const classes = textOf(settings.get("smtpd_restriction_classes"));
    if (classes !== undefined) {
      const expanded = evaluateExpansion(classes, lookupIn(scope)).value;
      for (const name of splitList(expanded)) flag(name, scope);
    }
    // forEach, not for-of: a long main.cf would allocate an entry pair per name.
    settings.forEach((value, name) => {
      // Only the built-in and per-service classes matter here, and they are fixed.
      const parameterClass = fixedClassOf(name);
      if (READ_ONLY_PARAMETERS.has(name)) return;
      if (parameterClass === "builtin" && getParameter(name)?.type === "raw") return;
      reader.forEachReference(value, flagReference);
      if (parameterClass !== "builtin" && parameterClass !== "service") return;
      const expansion = evaluateExpansion(reader.text(value), lookupIn(scope));
      if (expansion.error) {
        expansionFailure ??= {
          phase,
          name,
          scope: scope ? `${scope.service}/${scope.type}` : undefined,
          error: expansion.error,
        };
        return;
      }
      for (const table of legacyTableReferences(expansion.value)) {
        for (const candidate of dbmsParameterNames(table.type, table.name, version))
          flag(candidate, scope);
      }
    });
  };

  const scanned = new Set<Map<string, Value>>();
  for (const scope of services) {
    if (!scope.settings || scanned.has(scope.settings)) continue;
    scanned.add(scope.settings);
    scanNamespace(scope.settings, scope, "services");
  }
  // pcf_scan_default_parameter_values(): defaults that name other parameters
  // make those names valid too.
  for (const [name, references] of builtinDefaultReferences(version)) {
    if (!main.has(name)) for (const reference of references) flag(reference, undefined);
  }
  for (const name of serviceNames) {
    const value = defaultOf(name);
    if (main.has(name) || !value?.includes("$")) continue;
    forEachReferenceName(value, (reference) => flag(reference, undefined));
  }
  // Converting the defaults computes myhostname and mydomain when main.cf lacks them.
  for (const name of ["myhostname", "mydomain"]) if (!main.has(name)) computedDefault(name);
  scanNamespace(main, undefined, "main");

  return {
    classOf,
    isKnown: (name) => classOf(name) !== undefined,
    serviceNames,
    unsetReferences,
    expansionFailure,
    lookup: lookupIn(undefined),
  };
}

/**
 * The built-in and legacy names of a release, with their class: one lookup
 * classifies a name, and a long main.cf has many names. Fixed per release.
 */
const releaseClassesByVersion = new ReleaseMemo((line) => {
  const builtin = builtinParameterSet(line);
  const classes = new Map<string, "builtin" | "legacy">();
  for (const name of knownParameterSet(line))
    classes.set(name, builtin.has(name) ? "builtin" : "legacy");
  return classes;
});

function releaseClasses(version: PostfixVersion): Map<string, "builtin" | "legacy"> {
  return releaseClassesByVersion.get(version);
}

/**
 * The names each built-in default of a release references (`myorigin` → `myhostname`),
 * for the built-ins whose default references any: fixed per release, so computed once.
 */
const defaultReferencesByVersion = new ReleaseMemo((line) => {
  const list: [string, string[]][] = [];
  for (const name of builtinParameterSet(line)) {
    const value = defaultValue(name, line);
    if (getParameter(name)?.type === "raw" || !value?.includes("$")) continue;
    const references: string[] = [];
    forEachReferenceName(value, (reference) => references.push(reference));
    list.push([name, references]);
  }
  return list;
});

function builtinDefaultReferences(version: PostfixVersion): [string, string[]][] {
  return defaultReferencesByVersion.get(version);
}

/** Splits a list value the way most Postfix lists are split: on commas and whitespace. */
export function splitList(value: string): string[] {
  return value.split(/[, \t\r\n]+/).filter((item) => item.length > 0);
}

/**
 * `type:name` references whose name is neither a path nor relative to the queue
 * directory: the legacy way to name a database client configuration (postconf's
 * pcf_register_dbms_helper). `proxy:` prefixes are skipped and `{...}` groups opened.
 */
function legacyTableReferences(value: string): { type: string; name: string }[] {
  const tables: { type: string; name: string }[] = [];
  for (const word of bracedWords(value)) {
    if (word.startsWith("{")) {
      tables.push(...legacyTableReferences(word.slice(1, word.endsWith("}") ? -1 : undefined)));
      continue;
    }
    let parts = word.split(":");
    while (parts.length > 1 && parts[0] === "proxy") parts = parts.slice(1);
    if (parts.length < 2) continue;
    const [type, ...rest] = parts;
    const name = rest.join(":");
    if (!name.startsWith("/") && !name.startsWith(".") && !name.startsWith("{")) {
      tables.push({ type, name });
    }
  }
  return tables;
}
