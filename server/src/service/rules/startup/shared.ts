import { READ_ONLY_PARAMETERS } from "../../analysis/parameterUsage";
import { defaultValue, getParameter } from "../../data/parameters";
import { COMMA_SPACE } from "../../parser/bracedWords";
import type { ConfigKind } from "../../parser/document";
import { type MacroError, evaluateExpansion } from "../../parser/expansion";
import type { Span } from "../../parser/logicalLines";
import type { ParameterSetting } from "../../parser/mainCf";
import type { RuleContext, ServiceView } from "../context";
import { perContext } from "../rule";

/**
 * The start-up family: problems in the values Postfix evaluates while it starts.
 * postconf reports them too (most as fatal errors), and the daemons refuse to
 * start on them. Each explicitly set built-in or per-service parameter is expanded
 * the way Postfix expands it: a service's `-o` settings first, then main.cf, then
 * the defaults of the configured release.
 */

/** A stand-in for defaults computed from the host (as in context.ts). */
const COMPUTED_DEFAULT = "localhost";

export interface Scoped {
  setting: ParameterSetting;
  file: ConfigKind;
  service?: ServiceView;
}

export interface Evaluated {
  value: string;
  error?: MacroError;
  /** The names looked up while expanding, in order. */
  trace: string[];
  /** A default computed from the host went in; the value is then only an approximation. */
  hostDependent: boolean;
}

/**
 * The settings whose values postconf (and the daemons) expand, each with its
 * expansion: built-in and per-service parameters set in main.cf or with -o,
 * except the read-only ones and those Postfix never expands.
 */
export const expandedSettings = perContext((context) =>
  context.parameterSettings
    .filter(({ setting, parameterClass }) => {
      const name = setting.name.text;
      return (
        (parameterClass === "builtin" || parameterClass === "service") &&
        !READ_ONLY_PARAMETERS.has(name) &&
        getParameter(name)?.type !== "raw"
      );
    })
    .map((scoped) => ({
      scoped: scoped as Scoped,
      evaluated: evaluate(context, scoped.setting.value.text, scoped.service),
    })),
);

/** The raw value Postfix finds for a name: the service's -o, main.cf, else the default. */
export function rawValue(
  context: RuleContext,
  name: string,
  service?: ServiceView,
): string | undefined {
  if (service && name === "process_name") return service.command;
  if (service && name === "service_name") return service.name;
  const source = context.sourceOf(name, service);
  if (source) return source.setting.value.text;
  if (getParameter(name)?.defaultComputed) return COMPUTED_DEFAULT;
  return defaultValue(name, context.version) ?? context.usage.lookup(name);
}

export function evaluate(context: RuleContext, text: string, service?: ServiceView): Evaluated {
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

export function settingSpan(setting: ParameterSetting): Span {
  return { start: setting.name.start, end: setting.value.end };
}

export function valueSpan(setting: ParameterSetting): Span {
  return setting.value.end > setting.value.start ? setting.value : setting.name;
}

/** The span of `word` inside the setting's raw value, else the whole value. */
export function wordSpan(setting: ParameterSetting, word: string): Span {
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
export const PROTOCOLS = new Map([
  ["all", ["ipv4", "ipv6"]],
  ["ipv4", ["ipv4"]],
  ["ipv6", ["ipv6"]],
]);

export function listWords(value: string): string[] {
  return value.split(/[, \t\r\n]+/).filter((word) => word.length > 0);
}
