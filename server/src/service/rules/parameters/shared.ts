import { READ_ONLY_PARAMETERS } from "../../analysis/parameterUsage";
import {
  type ParameterFacts,
  type ParameterType,
  type PostfixVersion,
  compareVersions,
  getParameter,
  isKnownParameter,
  lastKnownRelease,
  perServiceReading,
  postconfWarns,
  warnsAsDeprecated,
} from "../../data/parameters";
import { RENAMED_PARAMETERS } from "../../data/parametersRenamed";
import type { ParameterSetting } from "../../parser/mainCf";
import type { PlacedSetting, RuleContext, ServiceView } from "../context";
import type { Fix } from "../findings";
import { perContext } from "../rule";

/**
 * The parameters family: names and values that Postfix itself reports: postconf's
 * unused, undefined, deprecated and read-only warnings, and the start-up failures
 * of the daemons on values of the wrong type (pitfall P05), which postconf lets
 * through. A setting gets at most one finding about its name or its value: the
 * first of unknown (or removed), read-only, deprecated, then the value checks.
 */

/** The name rule that reports a setting. */
export type NameProblem = "unknown" | "removed" | "read-only" | "deprecated";

/** A setting the value rules check, with the facts of its parameter. */
export interface TypedSetting {
  placed: PlacedSetting;
  facts: ParameterFacts & { type: NonNullable<ParameterFacts["type"]> };
}

/** What one pass over context.settings finds for the family; each rule takes its part. */
export interface SettingScan {
  /** The settings each name rule reports (a setting has one name finding at most). */
  named: Record<NameProblem, PlacedSetting[]>;
  /**
   * The settings whose values the daemons read with a type (P05): parameters the
   * configured release knows, with a literal value (a `$name` is checked where it
   * is set), whose names no name rule reports; by the kind of value.
   */
  typed: Record<"boolean" | "integer" | "time", TypedSetting[]>;
}

/** The kinds of value the daemons check, by parameter type (strings are not checked). */
const VALUE_KINDS: Partial<Record<ParameterType, keyof SettingScan["typed"]>> = {
  bool: "boolean",
  nbool: "boolean",
  int: "integer",
  nint: "integer",
  long: "integer",
  time: "time",
};

export const settingScan = perContext((context): SettingScan => {
  const isReferenced = referencedBySetting(context);
  const scan: SettingScan = {
    named: { unknown: [], removed: [], "read-only": [], deprecated: [] },
    typed: { boolean: [], integer: [], time: [] },
  };
  // An index loop: main.cf or master.cf may hold 100,000 settings.
  for (let i = 0; i < context.settings.length; i++) {
    const placed = context.settings[i];
    const name = placed.setting.name.text;
    const facts = getParameter(name);
    const problem = nameProblemOf(context, placed, facts, isReferenced);
    if (problem) {
      scan.named[problem].push(placed);
      continue;
    }
    const kind = facts?.type && VALUE_KINDS[facts.type];
    if (!kind || placed.setting.value.text.includes("$")) continue;
    if (isKnownParameter(name, context.version))
      scan.typed[kind].push({ placed, facts: facts as TypedSetting["facts"] });
  }
  return scan;
});

function nameProblemOf(
  context: RuleContext,
  placed: PlacedSetting,
  facts: ParameterFacts | undefined,
  isReferenced: (placed: PlacedSetting) => boolean,
): NameProblem | undefined {
  const name = placed.setting.name.text;
  if (READ_ONLY_PARAMETERS.has(name)) return "read-only";
  const version = context.version;
  if (placed.parameterClass === undefined && !isReferenced(placed)) {
    // A per-service name is unknown only when master.cf is there to say the service is missing.
    if (!perServiceReading(name, version)) return isRemoved(facts, version) ? "removed" : "unknown";
    if (context.master) return "unknown";
  }
  return facts?.status === "deprecated" && warnsAsDeprecated(name, version)
    ? "deprecated"
    : undefined;
}

/** Whether the configured release is later than the last one that knew the name. */
function isRemoved(facts: ParameterFacts | undefined, version: PostfixVersion): boolean {
  const last = facts && lastKnownRelease(facts);
  return last !== undefined && compareVersions(version, last) > 0;
}

/**
 * Whether a `-o` setting's name is referenced as `$name` by its service's own
 * values or by main.cf's (which every service sees): such a name is valid there.
 * The referenced names are collected on first use, once per service (a service may
 * have thousands of -o settings).
 */
function referencedBySetting(context: RuleContext): (placed: PlacedSetting) => boolean {
  let mainReferences: Set<string> | undefined;
  const serviceReferences = new Map<ServiceView, Set<string>>();
  const referencedIn = (service: ServiceView) => {
    let names = serviceReferences.get(service);
    if (!names)
      serviceReferences.set(service, (names = referencedNames(service.settings.values())));
    return names;
  };
  return ({ service, setting }) => {
    if (!service) return false;
    const name = setting.name.text;
    return (
      referencedIn(service).has(name) ||
      (mainReferences ??= referencedNames(context.mainSettings.values())).has(name)
    );
  };
}

/** The names the values of `settings` reference as `$name`. */
function referencedNames(settings: Iterable<ParameterSetting>): Set<string> {
  const names = new Set<string>();
  for (const setting of settings)
    for (const reference of setting.macros.references) names.add(reference.name.text);
  return names;
}

/** The sentence quoting postconf's "unused parameter" warning, for releases whose postconf has it. */
export function postconfUnused(version: PostfixVersion): string {
  return postconfWarns("unused", version)
    ? ` The postconf command reports it as "unused parameter".`
    : "";
}

/**
 * The replacement with the value carried over: the legacy TLS switches map to a
 * security level (P10); renamed parameters keep their value. No fix when the
 * replacement is already set, since the edit would then create a duplicate.
 */
export function replacementFix(
  context: RuleContext,
  { setting, service }: PlacedSetting,
  target: string,
): Fix | undefined {
  const name = setting.name.text;
  if (!/^[a-z0-9_]+$/.test(target) || context.isSet(target, service)) return undefined;
  const value = setting.value.text.toLowerCase();
  const renamed = RENAMED_PARAMETERS[name];
  let newValue: string | undefined;
  if (renamed) newValue = renamed.sameValue ? setting.value.text : undefined;
  else if (/_use_tls$/.test(name))
    newValue = value === "yes" ? "may" : value === "no" ? "none" : undefined;
  else if (/_enforce_tls$/.test(name)) {
    const peername = name.replace(/_enforce_tls$/, "_tls_enforce_peername");
    const verifies =
      /^(smtp|lmtp)_/.test(name) && context.valueOf(peername, service).toLowerCase() !== "no";
    newValue = value === "yes" ? (verifies ? "verify" : "encrypt") : undefined;
  } else if (
    target.endsWith("_security_level") ||
    target.endsWith("_maps") ||
    !name.includes("per_site")
  ) {
    // A plain rename: same value, new name (not for the per-site table, whose syntax differs).
    newValue =
      name.includes("per_site") || name === "disable_dns_lookups" ? undefined : setting.value.text;
  }
  if (newValue === undefined) return undefined;
  const separator = service ? "=" : " = ";
  return {
    title: `Replace with ${target}${separator}${newValue}`,
    edits: [
      {
        start: setting.name.start,
        end: setting.value.end,
        newText: `${target}${separator}${newValue}`,
      },
    ],
  };
}

export const WHOLE_NUMBER = /^-?[0-9]+$/;
/** A time value: a number, then an optional unit. */
export const TIME_VALUE = /^([0-9]+)([smhdw]?)$/i;
const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** The number a numeric or time setting holds (seconds for a time), when its syntax is valid. */
export function numericValue({ placed, facts }: TypedSetting): number | undefined {
  const value = placed.setting.value.text;
  if (facts.type !== "time") return WHOLE_NUMBER.test(value) ? Number(value) : undefined;
  const match = TIME_VALUE.exec(value);
  return match
    ? Number(match[1]) * SECONDS[(match[2] || facts.unit || "s").toLowerCase()]
    : undefined;
}
