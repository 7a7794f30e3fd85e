import { READ_ONLY_PARAMETERS, splitList } from "../../analysis/parameterUsage";
import { type PostfixVersion, getParameter, postconfWarns } from "../../data/parameters";
import type { ConfigKind } from "../../parser/document";
import type { Span } from "../../parser/logicalLines";
import type { ParameterSetting } from "../../parser/mainCf";
import { excerpt } from "../../text/excerpt";
import type { PlacedSetting, RuleContext, ServiceView } from "../context";
import { type RuleFinding, defineRule } from "../rule";

const RESTRICTION_CLASSES = "smtpd_restriction_classes";

export default defineRule({
  meta: {
    id: "undefined-reference",
    severity: "warning",
    description: "A $name that is neither a parameter nor set anywhere; it expands to nothing.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: 'A `$name` whose name is neither a Postfix parameter nor set anywhere Postfix looks it up expands to nothing: `${name:text}` always gives its text and `${name?text}` never does. That is nearly always a misspelt name, and the value quietly loses part of itself. A main.cf value can use names set in main.cf or with `-o` on any service; a `-o` value only names set in main.cf or in the same service. The classes listed in smtpd_restriction_classes must be set too, or they are empty. Recent postconf releases report these as "undefined parameter".',
    fires: [
      { note: "A typo in the name.", main: "smtpd_banner = $myhostnme ESMTP\n" },
      {
        note: "A restriction class that is set nowhere.",
        main: "smtpd_restriction_classes = strict, relaxed\nstrict = reject_unknown_sender_domain\n",
      },
    ],
    silent: [
      { main: "smtpd_banner = $myhostname ESMTP\n" },
      {
        note: "A parameter of your own, set in main.cf.",
        main: "banner_tag = (internal)\nsmtpd_banner = $myhostname ESMTP $banner_tag\n",
      },
    ],
  },
  *check(context) {
    // Any reference that can be undefined is among those the analysis could not resolve.
    if (context.usage.unsetReferences.size > 0) {
      for (const placed of context.settings) {
        if (placed.setting.macros.references.length > 0)
          yield* undefinedReferences(context, placed);
      }
    }
    yield* undefinedRestrictionClasses(context);
  },
});

/**
 * postconf's "undefined parameter": a `$name` that is neither a parameter nor set
 * anywhere it can be looked up. It expands to nothing; `${name:text}` always gives
 * its text and `${name?text}` never does. postconf warns about every form, since a
 * name that is set nowhere is usually a typo. A value in main.cf can use a name
 * set in main.cf or with -o on any service (the service sees it); a value in
 * master.cf only a name set in main.cf or in the same service.
 */
function* undefinedReferences(
  context: RuleContext,
  { setting, file, service, parameterClass }: PlacedSetting,
): Generator<RuleFinding> {
  const name = setting.name.text;
  // postconf skips these values: read-only settings are dropped, raw ones not expanded.
  if (READ_ONLY_PARAMETERS.has(name)) return;
  if (parameterClass === "builtin" && getParameter(name)?.type === "raw") return;
  for (const reference of setting.macros.references) {
    const referenced = reference.name.text;
    // The analysis scanned these same values: a name it saw resolve is defined.
    if (!context.usage.unsetReferences.has(referenced)) continue;
    if (isDefined(context, referenced, service)) continue;
    yield {
      file,
      ...reference,
      message: undefinedMessage(referenced, reference.test, context.version),
    };
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
function* undefinedRestrictionClasses(context: RuleContext): Generator<RuleFinding> {
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
      yield {
        file,
        ...listItemSpan(setting, name),
        message: `Restriction class "${excerpt(name)}" is listed in smtpd_restriction_classes but set nowhere, so it is empty.${postconfUndefined(context.version)} Define it or remove it from the list.`,
      };
    }
  }
}

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
