import {
  type ParameterFacts,
  type PostfixVersion,
  ReleaseMemo,
  builtinParameterNames,
  compareVersions,
  firstKnownRelease,
  getParameter,
  isKnownParameter,
  lastKnownRelease,
  nextRelease,
  perServiceReading,
  postconfWarns,
  warnsAsDeprecated,
} from "../data/parameters";
import { RENAMED_PARAMETERS } from "../data/parametersRenamed";
import type { ConfigKind } from "../parser/document";
import type { Span } from "../parser/logicalLines";
import type { ParameterSetting } from "../parser/mainCf";
import { READ_ONLY_PARAMETERS, splitList } from "../analysis/parameterUsage";
import type { PlacedSetting, RuleContext, ServiceView } from "./context";
import type { Finding, Fix } from "./findings";
import { excerpt } from "../text/excerpt";

/**
 * Rules about parameter names and values that Postfix itself reports: postconf's
 * unused/undefined/deprecated/read-only warnings, and the start-up failures of the
 * daemons on values of the wrong type (pitfall P05), which postconf lets through.
 */

export function checkParameters(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  let mainReferences: Set<string> | undefined;
  const serviceReferences = new Map<ServiceView, Set<string>>();
  // Only -o settings with unknown names need them: collected on first use, once
  // per service (a service may have thousands of -o settings).
  const referencedIn: ReferencedNames = {
    main: () => (mainReferences ??= referencedNames(context.mainSettings.values())),
    service: (service) => {
      let names = serviceReferences.get(service);
      if (!names)
        serviceReferences.set(service, (names = referencedNames(service.settings.values())));
      return names;
    },
  };
  // One pass over the settings (a long main.cf has many); undefined references go last.
  const undefinedFindings: Finding[] = [];
  for (const placed of context.settings) {
    const facts = getParameter(placed.setting.name.text);
    const finding =
      unknownName(context, placed, referencedIn) ??
      readOnly(placed) ??
      deprecated(context, placed, facts) ??
      wrongType(context.version, placed, facts);
    if (finding) findings.push(finding);
    undefinedReferences(context, placed, undefinedFindings);
  }
  findings.push(...undefinedFindings, ...undefinedRestrictionClasses(context));
  return findings;
}

/**
 * main.cf checked alone. The rules then take main.cf's settings as one SMTP
 * server and the smtp and lmtp clients see them, with no -o overrides, and
 * skip what depends on master.cf services (per-service names, ports).
 */
export function masterMissingFinding(): Finding {
  return {
    rule: "master-cf-missing",
    file: "main",
    start: 0,
    end: 0,
    message:
      "No master.cf was read with this main.cf, so checks that depend on master.cf services were skipped. " +
      "Settings were checked as the SMTP server and the smtp and lmtp clients see them without -o overrides; " +
      "per-service names such as relay_destination_concurrency_limit and checks of particular services (port 465, postscreen) were not. " +
      "Keep master.cf beside main.cf to check them.",
  };
}

/** The names that main.cf's values, or one service's `-o` values, reference as `$name`. */
interface ReferencedNames {
  main(): Set<string>;
  service(service: ServiceView): Set<string>;
}

/** The names the values of `settings` reference as `$name`. */
function referencedNames(settings: Iterable<ParameterSetting>): Set<string> {
  const names = new Set<string>();
  for (const setting of settings)
    for (const reference of setting.macros.references) names.add(reference.name.text);
  return names;
}

function unknownName(
  context: RuleContext,
  placed: PlacedSetting,
  referencedIn: ReferencedNames,
): Finding | undefined {
  const { setting, file, service, parameterClass } = placed;
  const name = setting.name.text;
  if (parameterClass !== undefined || READ_ONLY_PARAMETERS.has(name)) return undefined;
  // A name set with -o is valid there when that service's own values, or main.cf
  // values (which every service sees), reference it.
  if (service && (referencedIn.service(service).has(name) || referencedIn.main().has(name))) {
    return undefined;
  }
  const version = context.version;
  const facts = getParameter(name);
  const first = facts && firstKnownRelease(facts);
  const last = facts && lastKnownRelease(facts);
  const ignored = postconfWarns("unused", version)
    ? ` The postconf command reports it as "unused parameter".`
    : "";
  const suggest = () =>
    closestName(name, version, (candidate) => context.isSet(candidate, service));
  const perService = perServiceReading(name, version);
  if (perService) {
    // Without master.cf there is no telling which services exist: say nothing.
    if (!context.master) return undefined;
    const { service: serviceName, rule } = perService;
    return withSuggestion(
      {
        rule: "unknown-parameter",
        file,
        ...setting.name,
        message: `"${excerpt(name)}" is a setting of a master.cf service "${excerpt(serviceName)}", and master.cf has none, so Postfix ignores it.${ignored}`,
      },
      suggest(),
      ` It applies to a service running ${rule.commands.join(", ")}; add one or remove the setting.`,
    );
  }
  if (facts && last !== undefined && compareVersions(version, last) > 0)
    return removedName(context, placed, facts, last, ignored);
  if (first !== undefined && compareVersions(version, first) < 0) {
    return {
      rule: "unknown-parameter",
      file,
      ...setting.name,
      message:
        `"${name}" is not a Postfix ${version} parameter: it first appeared in Postfix ${first}, so this release ignores it.` +
        `${ignored} Remove the setting, or set the Postfix version you run.`,
    };
  }
  return withSuggestion(
    {
      rule: "unknown-parameter",
      file,
      ...setting.name,
      message: `"${excerpt(name)}" is not a Postfix ${version} parameter and no value uses it as $${excerpt(name)}, so Postfix ignores it.${ignored}`,
    },
    suggest(),
    " Check the name for a typo.",
  );
}

/** Ends an unknown-name finding with "did you mean" and its rename fix, or with `otherwise`. */
function withSuggestion(
  finding: Finding,
  suggestion: string | undefined,
  otherwise: string,
): Finding {
  if (!suggestion) return { ...finding, message: finding.message + otherwise };
  return {
    ...finding,
    message: `${finding.message} Did you mean "${excerpt(suggestion)}"?`,
    fix: {
      title: `Rename to ${suggestion}`,
      edits: [{ start: finding.start, end: finding.end, newText: suggestion }],
    },
  };
}

/**
 * A name that an earlier release knew and the configured one does not: say
 * when it went and what replaced it, rather than guess at a typo.
 */
function removedName(
  context: RuleContext,
  placed: PlacedSetting,
  facts: ParameterFacts,
  lastRelease: PostfixVersion,
  ignored: string,
): Finding {
  const { setting, file, service } = placed;
  const name = setting.name.text;
  const removedIn = nextRelease(lastRelease) ?? lastRelease;
  const replacement = facts.replacement ?? RENAMED_PARAMETERS[name]?.replacement;
  const advice = !replacement
    ? " Remove it."
    : context.isSet(replacement, service)
      ? ` Its replacement ${replacement} is already set here, so remove this line.`
      : RENAMED_PARAMETERS[name]?.sameValue === false
        ? ` Set its replacement ${replacement} instead, which takes a different kind of value.`
        : ` Use its replacement ${replacement} instead.`;
  const message = `"${name}" was removed in Postfix ${removedIn}, so Postfix ${context.version} ignores this setting.${ignored}${advice}`;
  const finding: Finding = { rule: "removed-parameter", file, ...setting.name, message };
  const fix = replacement ? replacementFix(context, placed, replacement) : undefined;
  if (fix) finding.fix = fix;
  return finding;
}

function readOnly({ setting, file }: PlacedSetting): Finding | undefined {
  if (!READ_ONLY_PARAMETERS.has(setting.name.text)) return undefined;
  return {
    rule: "read-only-parameter",
    file,
    ...setting.name,
    message: `${setting.name.text} is set by Postfix itself for each process; this assignment is ignored.`,
  };
}

function deprecated(
  context: RuleContext,
  placed: PlacedSetting,
  facts: ParameterFacts | undefined,
): Finding | undefined {
  const { setting, file } = placed;
  const name = setting.name.text;
  // Removed names are reported by unknownName, for the releases that lack them.
  if (facts?.status !== "deprecated" || !warnsAsDeprecated(name, context.version)) return undefined;
  const advice = facts.replacement
    ? ` Use ${facts.replacement} instead.`
    : facts.advice === "remove"
      ? " Remove it."
      : "";
  const finding: Finding = {
    rule: "deprecated-parameter",
    file,
    ...setting.name,
    message: `${name} is deprecated: postconf warns about it since Postfix ${facts.warnsSince}, and a later release will drop it.${advice}`,
  };
  const fix = facts.replacement ? replacementFix(context, placed, facts.replacement) : undefined;
  if (fix) finding.fix = fix;
  return finding;
}

/**
 * The replacement with the value carried over: the legacy TLS switches map to a
 * security level (P10); renamed parameters keep their value. No fix when the
 * replacement is already set, since the edit would then create a duplicate.
 */
function replacementFix(
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

const BOOLEAN_FIXES: Record<string, string> = {
  true: "yes",
  on: "yes",
  "1": "yes",
  false: "no",
  off: "no",
  "0": "no",
};

/** P05: values the daemons refuse at start-up although postconf accepts them. */
function wrongType(
  version: PostfixVersion,
  { setting, file }: PlacedSetting,
  facts: ParameterFacts | undefined,
): Finding | undefined {
  const name = setting.name.text;
  const value = setting.value.text;
  if (!facts?.type || value.includes("$") || !isKnownParameter(name, version)) return undefined;
  const at = { file, ...setting.value };
  switch (facts.type) {
    case "bool":
    case "nbool": {
      if (/^(yes|no)$/i.test(value)) return undefined;
      const replacement = BOOLEAN_FIXES[value.toLowerCase()];
      const finding: Finding = {
        rule: "invalid-boolean",
        ...at,
        message: `${name} takes yes or no; "${excerpt(value)}" makes the daemons stop with "bad boolean configuration".`,
      };
      if (replacement) {
        finding.fix = {
          title: `Change to ${replacement}`,
          edits: [{ ...setting.value, newText: replacement }],
        };
      }
      return finding;
    }
    case "int":
    case "nint":
    case "long": {
      if (!/^-?[0-9]+$/.test(value)) {
        return {
          rule: "invalid-number",
          ...at,
          message: `${name} takes a whole number; "${excerpt(value)}" makes the daemons stop with "bad numerical configuration".`,
        };
      }
      return outOfRange(name, Number(value), facts, at);
    }
    case "time": {
      const match = /^([0-9]+)([smhdw]?)$/i.exec(value);
      if (!match) {
        return {
          rule: "invalid-time",
          ...at,
          message: `${name} takes a number with an optional unit (s, m, h, d or w); "${excerpt(value)}" makes the daemons stop with "bad time value or unit".`,
        };
      }
      const seconds = Number(match[1]) * SECONDS[(match[2] || facts.unit || "s").toLowerCase()];
      return outOfRange(name, seconds, facts, at);
    }
    default:
      return undefined;
  }
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function outOfRange(
  name: string,
  value: number,
  facts: ParameterFacts,
  at: Omit<Finding, "rule" | "message">,
): Finding | undefined {
  if (facts.min !== undefined && value < facts.min) {
    return {
      rule: "value-out-of-range",
      ...at,
      message: `${name} must be at least ${facts.min}${facts.type === "time" ? " seconds" : ""}; the daemons refuse ${value}.`,
    };
  }
  if (facts.max !== undefined && value > facts.max) {
    return {
      rule: "value-out-of-range",
      ...at,
      message: `${name} must be at most ${facts.max}${facts.type === "time" ? " seconds" : ""}; the daemons refuse ${value}.`,
    };
  }
  return undefined;
}

/**
 * postconf's "undefined parameter": a `$name` that is neither a parameter nor set
 * anywhere it can be looked up. It expands to nothing; `${name:text}` always gives
 * its text and `${name?text}` never does. postconf warns about every form, since a
 * name that is set nowhere is usually a typo. A value in main.cf can use a name
 * set in main.cf or with -o on any service (the service sees it); a value in
 * master.cf only a name set in main.cf or in the same service. The names listed
 * in smtpd_restriction_classes must be set the same way.
 */
function undefinedReferences(
  context: RuleContext,
  { setting, file, service, parameterClass }: PlacedSetting,
  findings: Finding[],
): void {
  // Any reference that can be undefined is among those the analysis could not resolve.
  if (context.usage.unsetReferences.size === 0) return;
  const name = setting.name.text;
  // postconf skips these values: read-only settings are dropped, raw ones not expanded.
  if (READ_ONLY_PARAMETERS.has(name)) return;
  if (parameterClass === "builtin" && getParameter(name)?.type === "raw") return;
  for (const reference of setting.macros.references) {
    const referenced = reference.name.text;
    // The analysis scanned these same values: a name it saw resolve is defined.
    if (!context.usage.unsetReferences.has(referenced)) continue;
    if (isDefined(context, referenced, service)) continue;
    findings.push({
      rule: "undefined-reference",
      file,
      ...reference,
      message: undefinedMessage(referenced, reference.test, context.version),
    });
  }
}

function isDefined(context: RuleContext, name: string, service: ServiceView | undefined): boolean {
  if (context.mainSettings.has(name) || context.usage.isKnown(name)) return true;
  if (service) return service.settings.has(name);
  return context.isSetByAnyService(name);
}

function undefinedMessage(
  name: string,
  test: "?" | ":" | undefined,
  version: PostfixVersion,
): string {
  const unset = `"${excerpt(name)}" is not a Postfix ${version} parameter and is set nowhere`;
  const fix = ` Check the name for a typo.${postconfUndefined(version)}`;
  switch (test) {
    case ":":
      return `${unset}, so \${${name}:...} always gives its fallback text.${fix}`;
    case "?":
      return `${unset}, so \${${name}?...} always expands to nothing.${fix}`;
    default:
      return `$${name} expands to nothing: ${unset}.${fix}`;
  }
}

/** The postconf warning to quote, for the releases whose postconf has it. */
function postconfUndefined(version: PostfixVersion): string {
  return postconfWarns("undefined", version)
    ? ` The postconf command reports "undefined parameter".`
    : "";
}

/** Names in smtpd_restriction_classes (expanded, as Postfix reads it) that have no value. */
function undefinedRestrictionClasses(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const scopes: [ParameterSetting | undefined, ConfigKind, ServiceView | undefined][] = [
    [context.mainSettings.get(RESTRICTION_CLASSES), "main", undefined],
    ...context.services.map(
      (service) =>
        [service.settings.get(RESTRICTION_CLASSES), "master", service] as [
          ParameterSetting | undefined,
          ConfigKind,
          ServiceView,
        ],
    ),
  ];
  for (const [setting, file, service] of scopes) {
    if (!setting) continue;
    for (const name of splitList(context.valueOf(RESTRICTION_CLASSES, service))) {
      if (isDefined(context, name, service)) continue;
      findings.push({
        rule: "undefined-reference",
        file,
        ...listItemSpan(setting, name),
        message: `Restriction class "${excerpt(name)}" is listed in smtpd_restriction_classes but set nowhere, so it is empty.${postconfUndefined(context.version)} Define it or remove it from the list.`,
      });
    }
  }
  return findings;
}

const RESTRICTION_CLASSES = "smtpd_restriction_classes";

/** Where a list item stands in a setting's value when it is written there; else the value. */
function listItemSpan(setting: ParameterSetting, item: string): Span {
  const value = setting.value;
  const whole = value.end > value.start ? value : setting.name;
  // Only a literal one-line value maps character for character onto the document.
  if (value.text.includes("$") || value.end - value.start !== value.text.length) return whole;
  const separator = (at: number) =>
    at < 0 || at >= value.text.length || ", \t\r\n".includes(value.text[at]);
  for (let at = value.text.indexOf(item); at >= 0; at = value.text.indexOf(item, at + 1)) {
    if (separator(at - 1) && separator(at + item.length)) {
      return { start: value.start + at, end: value.start + at + item.length };
    }
  }
  return whole;
}

/**
 * The known name closest to a misspelled one (edit distance at most 2, or 3 for
 * long names), skipping those `isTaken` rejects: renaming onto a name the file
 * already sets would only create a duplicate.
 */
export function closestName(
  name: string,
  version: PostfixVersion,
  isTaken: (candidate: string) => boolean = () => false,
): string | undefined {
  // The same misspelling comes back on every validation of a document: remember it.
  const key = `${version} ${name}`;
  let near = suggestions.get(key);
  if (!near) {
    if (suggestions.size >= 2000) suggestions.clear();
    near = nearNames(name, version);
    suggestions.set(key, near);
  }
  return near.find((candidate) => !isTaken(candidate));
}

const suggestions = new Map<string, string[]>();

/** The built-in names within the edit-distance limit of `name`, closest first. */
function nearNames(name: string, version: PostfixVersion): string[] {
  const limit = name.length > 12 ? 3 : 2;
  const found: [string, number][] = [];
  for (const candidate of candidateNames(version)) {
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name, candidate, limit + 1);
    if (distance <= limit) found.push([candidate, distance]);
  }
  // A stable sort keeps names of equal distance in alphabetical order.
  return found.sort((a, b) => a[1] - b[1]).map(([candidate]) => candidate);
}

/** The built-in names of a release: fixed per release, so listed once. */
const candidatesByVersion = new ReleaseMemo(builtinParameterNames);

function candidateNames(version: PostfixVersion): string[] {
  return candidatesByVersion.get(version);
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below it. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length];
}
