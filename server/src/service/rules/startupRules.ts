import { COMMA_SPACE, bracedWords } from "../parser/bracedWords";
import { READ_ONLY_PARAMETERS } from "../analysis/parameterUsage";
import { defaultValue, getParameter } from "../data/parameters";
import {
  type MacroError,
  evaluateExpansion,
  parseCompatibilityLevel,
  parseExpansion,
} from "../parser/expansion";
import type { ParameterSetting } from "../parser/mainCf";
import type { ConfigKind } from "../parser/document";
import type { Span } from "../parser/logicalLines";
import type { RuleContext, ServiceView } from "./context";
import type { Finding } from "./findings";
import type { RuleDefinition } from "./ruleDefinition";
import { excerpt } from "../text/excerpt";

/**
 * Problems in the values Postfix evaluates while it starts: postconf reports them
 * too (most of them as fatal errors), and the daemons refuse to start on them.
 * Each explicitly set built-in or per-service parameter is expanded the way Postfix
 * expands it: a service's `-o` settings first, then main.cf, then the defaults of
 * the configured release.
 */

/** Rule definitions of this module; ruleTable.ts collects them. */
export const startupRuleDefinitions = [
  {
    id: "expansion-loop",
    severity: "error",
    description:
      "A parameter whose value, once $name references are expanded, leads back to itself; Postfix stops with 'unreasonable macro call nesting'.",
  },
  {
    id: "compatibility-level",
    severity: "error",
    description:
      "compatibility_level, or an operand of a '<level' comparison, is not a release number such as 3.6; Postfix stops.",
  },
  {
    id: "inet-protocols",
    severity: "error",
    description: "inet_protocols names something other than all, ipv4 or ipv6; Postfix stops.",
  },
  {
    id: "inet-interfaces",
    severity: "error",
    description:
      "inet_interfaces lists an address of a protocol that inet_protocols turns off; Postfix stops.",
  },
  {
    id: "value-brace",
    severity: "warning",
    description:
      "A '{' without its '}', or text right after a '}', in a parameter value where Postfix groups list items with braces.",
  },
] as const satisfies readonly RuleDefinition[];

/** A stand-in for defaults computed from the host (as in context.ts). */
const COMPUTED_DEFAULT = "localhost";
/** The separators of most Postfix lists (CHARS_COMMA_SP). */

interface Scoped {
  setting: ParameterSetting;
  file: ConfigKind;
  service?: ServiceView;
}

interface Evaluated {
  value: string;
  error?: MacroError;
  /** The names looked up while expanding, in order. */
  trace: string[];
  /** A default computed from the host went in; the value is then only an approximation. */
  hostDependent: boolean;
}

export function checkStartup(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const compatibility = compatibilityLevel(context);
  if (compatibility) findings.push(compatibility);
  findings.push(...inetProtocols(context));
  findings.push(...inetInterfaces(context));
  const expanded = expandedSettings(context);
  for (const scoped of expanded) {
    const evaluated = evaluate(context, scoped.setting.value.text, scoped.service);
    const error = evaluated.error;
    if (error?.code === "nesting" || error?.code === "operand-nesting") {
      const loop = expansionLoop(context, expanded, scoped, evaluated.trace, error.code);
      if (loop) findings.push(loop);
    } else if (error?.code === "malformed-level") {
      if (!compatibility) findings.push(levelOperand(scoped, error));
    } else if (!error) {
      findings.push(...braceProblems(scoped, evaluated.value));
    }
  }
  return findings;
}

/**
 * The settings whose values postconf (and the daemons) expand: built-in and
 * per-service parameters set in main.cf or with -o, except the read-only ones and
 * those Postfix never expands.
 */
function expandedSettings(context: RuleContext): Scoped[] {
  return context.parameterSettings.filter(({ setting, parameterClass }) => {
    const name = setting.name.text;
    return (
      (parameterClass === "builtin" || parameterClass === "service") &&
      !READ_ONLY_PARAMETERS.has(name) &&
      getParameter(name)?.type !== "raw"
    );
  });
}

/** The raw value Postfix finds for a name: the service's -o, main.cf, else the default. */
function rawValue(context: RuleContext, name: string, service?: ServiceView): string | undefined {
  if (service && name === "process_name") return service.command;
  if (service && name === "service_name") return service.name;
  const source = context.sourceOf(name, service);
  if (source) return source.setting.value.text;
  if (getParameter(name)?.defaultComputed) return COMPUTED_DEFAULT;
  return defaultValue(name, context.version) ?? context.usage.lookup(name);
}

function evaluate(context: RuleContext, text: string, service?: ServiceView): Evaluated {
  const trace: string[] = [];
  let hostDependent = false;
  const evaluation = evaluateExpansion(text, (name) => {
    trace.push(name);
    if (!context.isSet(name, service) && getParameter(name)?.defaultComputed) hostDependent = true;
    return rawValue(context, name, service);
  });
  const evaluated: Evaluated = { value: evaluation.value, trace, hostDependent };
  if (evaluation.error) evaluated.error = evaluation.error;
  return evaluated;
}

function settingSpan(setting: ParameterSetting): Span {
  return { start: setting.name.start, end: setting.value.end };
}

/**
 * A value whose expansion never ends. The names that loop are found at the end of
 * the lookup trace, which repeats with the loop's period; only names that lead
 * back to themselves count (a value looked up on the way is not part of the loop).
 * The loop is reported on each built-in setting that is part of it, and on a
 * built-in setting that leads into a loop of user-defined names.
 */
function expansionLoop(
  context: RuleContext,
  expanded: Scoped[],
  scoped: Scoped,
  trace: string[],
  code: "nesting" | "operand-nesting",
): Finding | undefined {
  const { setting, service } = scoped;
  const name = setting.name.text;
  const members = loopMembers(context, trace, service);
  const reportedElsewhere = members.some(
    (member) =>
      member !== name &&
      (service ? service.settings.has(member) : context.mainSettings.has(member)) &&
      expanded.some((other) => other.setting.name.text === member && other.service === service),
  );
  if (!members.includes(name) && reportedElsewhere) return undefined;
  const chain = members.length > 0 ? [...members, members[0]].join(" → ") : name;
  // Inside a {left} == {right} operand Postfix has no depth limit: it crashes.
  const outcome =
    code === "nesting"
      ? `Postfix gives up ("unreasonable macro call nesting") and stops`
      : "Through a comparison operand, postconf and the daemons recurse until they crash (segmentation fault)";
  const message = members.includes(name)
    ? `${name} refers back to itself through $ references (${chain}), so its value never finishes expanding. ${outcome}. Break the loop.`
    : `Expanding ${name} runs into a loop of $ references (${chain}) that never finishes. ${outcome}. Break the loop.`;
  return { rule: "expansion-loop", file: scoped.file, ...settingSpan(setting), message };
}

/** The names of the loop at the end of a lookup trace, in lookup order. */
function loopMembers(context: RuleContext, trace: string[], service?: ServiceView): string[] {
  const tail = trace.slice(-60);
  let period = tail.length;
  for (let k = 1; k <= tail.length / 2; k++) {
    if (tail.every((item, i) => i + k >= tail.length || item === tail[i + k])) {
      period = k;
      break;
    }
  }
  const candidates = [...new Set(tail.slice(-period))];
  const references = new Map(
    candidates.map((name) => [
      name,
      parseExpansion(rawValue(context, name, service) ?? "")
        .references.map((reference) => reference.name)
        .filter((other) => candidates.includes(other)),
    ]),
  );
  const reachesItself = (start: string) => {
    const seen = new Set<string>();
    const stack = [...(references.get(start) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(references.get(next) ?? []));
    }
    return false;
  };
  // Name the loop from where the expansion first entered it.
  const members = candidates.filter(reachesItself);
  const entry = members.reduce(
    (first, name) => (trace.indexOf(name) < trace.indexOf(first) ? name : first),
    members[0],
  );
  const at = members.indexOf(entry);
  return [...members.slice(at), ...members.slice(0, at)];
}

/** compatibility_level must be a release number; the daemons compare it with <level. */
function compatibilityLevel(context: RuleContext): Finding | undefined {
  const source = context.sourceOf("compatibility_level");
  if (!source) return undefined;
  const evaluated = evaluate(context, source.setting.value.text);
  if (evaluated.error || evaluated.hostDependent) return undefined;
  if (parseCompatibilityLevel(evaluated.value) !== undefined) return undefined;
  return {
    rule: "compatibility-level",
    file: source.file,
    ...valueSpan(source.setting),
    message: `compatibility_level must be a Postfix release number such as 3.6 or 3.6.1, not "${excerpt(evaluated.value)}". Postfix compares it with release numbers in its defaults, cannot compare this value, and stops ("malformed compatibility level syntax"). Set the release whose defaults you want.`,
  };
}

/** A `<level` comparison with an operand that is not a release number. */
function levelOperand(scoped: Scoped, error: MacroError): Finding {
  const operand = /: "(.*)"$/.exec(error.postconfWarning)?.[1] ?? "";
  return {
    rule: "compatibility-level",
    file: scoped.file,
    ...settingSpan(scoped.setting),
    message: `A "<level" comparison in this value compares "${excerpt(operand)}", which is not a release number such as 3.6. Postfix cannot compare it and stops ("malformed compatibility level syntax").`,
  };
}

function valueSpan(setting: ParameterSetting): Span {
  return setting.value.end > setting.value.start ? setting.value : setting.name;
}

/** The span of `word` inside the setting's raw value, else the whole value. */
function wordSpan(setting: ParameterSetting, word: string): Span {
  const value = setting.value.text;
  let from = 0;
  for (;;) {
    const at = value.indexOf(word, from);
    if (at < 0) return valueSpan(setting);
    const before = at === 0 || COMMA_SPACE.includes(value[at - 1]);
    const after = at + word.length >= value.length || COMMA_SPACE.includes(value[at + word.length]);
    // Only a literal one-line value maps character for character onto the document.
    const literal =
      !value.includes("$") && setting.value.end - setting.value.start === value.length;
    if (before && after && literal) {
      return { start: setting.value.start + at, end: setting.value.start + at + word.length };
    }
    if (before && after) return valueSpan(setting);
    from = at + 1;
  }
}

/** inet_protocols names and the address families they turn on. */
const PROTOCOLS = new Map([
  ["all", ["ipv4", "ipv6"]],
  ["ipv4", ["ipv4"]],
  ["ipv6", ["ipv6"]],
]);

function listWords(value: string): string[] {
  return value.split(/[, \t\r\n]+/).filter((word) => word.length > 0);
}

/**
 * inet_protocols: master(8) and every daemon that uses the network read it with
 * a fixed list of names (case matters); anything else is fatal. postconf checks it
 * only when mynetworks is not set, the daemons always.
 */
function inetProtocols(context: RuleContext): Finding[] {
  const source = context.sourceOf("inet_protocols");
  if (!source) return [];
  const evaluated = evaluate(context, source.setting.value.text);
  // The daemons read inet_protocols before they compute myhostname and mydomain.
  if (evaluated.error || evaluated.hostDependent) return [];
  const bad = listWords(evaluated.value).find((word) => !PROTOCOLS.has(word));
  if (bad === undefined) return [];
  return [
    {
      rule: "inet-protocols",
      file: source.file,
      ...wordSpan(source.setting, bad),
      message: `"${excerpt(bad)}" is not a protocol name: inet_protocols takes all, ipv4 or ipv6 (lower case; ipv4 and ipv6 may be combined). Postfix stops ("unknown inet_protocols value").`,
    },
  ];
}

/** The address families inet_protocols turns on, or undefined when it is invalid. */
function enabledFamilies(context: RuleContext): Set<string> | undefined {
  const evaluated = evaluate(context, rawValue(context, "inet_protocols") ?? "all");
  if (evaluated.error || evaluated.hostDependent) return undefined;
  const families = new Set<string>();
  for (const word of listWords(evaluated.value)) {
    const enabled = PROTOCOLS.get(word);
    if (!enabled) return undefined;
    enabled.forEach((family) => families.add(family));
  }
  return families;
}

const IPV4_LITERAL = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * inet_interfaces: an address literal of a family inet_protocols turns off cannot
 * be resolved, and Postfix stops ("host not found"). Host names depend on DNS and
 * are not checked.
 */
function inetInterfaces(context: RuleContext): Finding[] {
  const source = context.sourceOf("inet_interfaces");
  if (!source) return [];
  const evaluated = evaluate(context, source.setting.value.text);
  if (evaluated.error || evaluated.hostDependent) return [];
  if (evaluated.value === "all" || evaluated.value === "loopback-only") return [];
  const families = enabledFamilies(context);
  // With every protocol turned off, Postfix does not look at inet_interfaces.
  if (!families || families.size === 0) return [];
  const protocols = context.valueOf("inet_protocols");
  const findings: Finding[] = [];
  for (const host of evaluated.value.split(/[ \t,]+/).filter(Boolean)) {
    const literal = /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
    const family = IPV4_LITERAL.test(literal) ? "ipv4" : literal.includes(":") ? "ipv6" : undefined;
    if (!family || families.has(family)) continue;
    const label = family === "ipv4" ? "IPv4" : "IPv6";
    findings.push({
      rule: "inet-interfaces",
      file: source.file,
      ...wordSpan(source.setting, host),
      message: `${host} is an ${label} address, but inet_protocols = ${protocols} turns ${label} off, so Postfix cannot use it and stops ("host not found"). Add ${family} to inet_protocols or remove the address.`,
    });
  }
  return findings;
}

/**
 * Brace groups in the expanded value, checked the way postconf checks them while
 * it looks for legacy database names (pcf_register_dbms_helper): the value is
 * split on commas and whitespace, keeping `{...}` together; a word that starts
 * with `{`, or a `type:{...}` table, must be one balanced group.
 */
function braceProblems(scoped: Scoped, value: string): Finding[] {
  const problems: { kind: "missing-close" | "text-after-close"; group: string }[] = [];
  scanBraces(value, problems, 0);
  return problems.map(({ kind, group }) => ({
    rule: "value-brace",
    file: scoped.file,
    ...valueSpan(scoped.setting),
    message:
      kind === "missing-close"
        ? `A '{' in this value has no matching '}': ${quote(group)}. In a list Postfix groups an item with { }, so everything after the '{' becomes one item (postconf warns: missing '}'). Close the group or remove the '{'.`
        : `Text follows the closing '}' in ${quote(group)}. In a list Postfix groups an item with { } and expects a separator after the '}' (postconf warns: syntax error after '}'). Put a space or comma after the '}'.`,
  }));
}

function quote(text: string): string {
  return `"${excerpt(text)}"`;
}

function scanBraces(
  text: string,
  problems: { kind: "missing-close" | "text-after-close"; group: string }[],
  depth: number,
): void {
  if (depth > 50) return;
  for (const word of bracedWords(text)) {
    if (word.startsWith("{")) {
      scanBraces(extractGroup(word, problems), problems, depth + 1);
      continue;
    }
    let parts = word.split(":");
    while (parts.length > 1 && parts[0] === "proxy") parts = parts.slice(1);
    if (parts.length < 2) continue;
    const prefix = parts.slice(1).join(":");
    if (prefix.startsWith("{")) scanBraces(extractGroup(prefix, problems), problems, depth + 1);
  }
}

/** extpar(): the text inside a group that starts at 0, noting what is wrong with it. */
function extractGroup(
  word: string,
  problems: { kind: "missing-close" | "text-after-close"; group: string }[],
): string {
  let level = 0;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === "{") level++;
    else if (word[i] === "}" && --level === 0) {
      if (i + 1 < word.length) problems.push({ kind: "text-after-close", group: word });
      return word.slice(1, i);
    }
  }
  problems.push({ kind: "missing-close", group: word });
  return word.slice(1);
}
