import { getParameter, lastKnownRelease, nextRelease } from "../../data/parameters";
import { RENAMED_PARAMETERS } from "../../data/parametersRenamed";
import type { PlacedSetting, RuleContext } from "../context";
import { type RuleFinding, defineRule } from "../rule";
import { postconfUnused, replacementFix, settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "removed-parameter",
    severity: "warning",
    description:
      "A parameter that an earlier release had and the configured one ignores; names the release that dropped it and its replacement.",
    pitfalls: ["P14"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Once a release has dropped a parameter, Postfix no longer reads it: the setting does nothing, and postconf (2.9 and later) lists it as an unused parameter, as it does a typo. Carried over from an older configuration, it silently loses whatever it used to configure. The finding names the release that dropped it and its replacement, where there is one, so that the setting can be moved rather than deleted.",
    fires: [
      {
        version: "3.7",
        main: "smtpd_sasl_application_name = smtpd\n",
        fixed: { main: "smtpd_sasl_path = smtpd\n" },
      },
      {
        note: "A parameter without a replacement.",
        version: "3.7",
        main: "enable_errors_to = yes\n",
      },
    ],
    silent: [
      {
        note: "The release that still had it.",
        version: "2.1",
        main: "smtpd_sasl_application_name = smtpd\n",
      },
      { version: "3.7", main: "smtpd_sasl_path = smtpd\n" },
    ],
    fix: "Replaces the setting with its replacement, keeping the value, when the replacement takes the same kind of value and is not set already. It is not offered otherwise: a replacement with a different syntax needs a value written for it, and one that is set already only needs the old line removed.",
  },
  *check(context) {
    for (const placed of settingScan(context).named["removed"]) yield removedName(context, placed);
  },
});

/**
 * A name that an earlier release knew and the configured one does not: say
 * when it went and what replaced it, rather than guess at a typo.
 */
function removedName(context: RuleContext, placed: PlacedSetting): RuleFinding {
  const { setting, file, service } = placed;
  const name = setting.name.text;
  const facts = getParameter(name)!;
  const lastRelease = lastKnownRelease(facts)!;
  const removedIn = nextRelease(lastRelease) ?? lastRelease;
  const replacement = facts.replacement ?? RENAMED_PARAMETERS[name]?.replacement;
  const advice = !replacement
    ? " Remove it."
    : context.isSet(replacement, service)
      ? ` Its replacement ${replacement} is already set here, so remove this line.`
      : RENAMED_PARAMETERS[name]?.sameValue === false
        ? ` Set its replacement ${replacement} instead, which takes a different kind of value.`
        : ` Use its replacement ${replacement} instead.`;
  const message = `"${name}" was removed in Postfix ${removedIn}, so Postfix ${context.version} ignores this setting.${postconfUnused(context.version)}${advice}`;
  const finding: RuleFinding = { file, ...setting.name, message };
  const fix = replacement ? replacementFix(context, placed, replacement) : undefined;
  if (fix) finding.fix = fix;
  return finding;
}
