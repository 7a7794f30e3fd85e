import type { MacroError } from "../../parser/expansion";
import { parseCompatibilityLevel } from "../../parser/expansion";
import { excerpt } from "../../text/excerpt";
import type { RuleContext } from "../context";
import { type RuleFinding, defineRule } from "../rule";
import { type Scoped, evaluate, expandedSettings, settingSpan, valueSpan } from "./shared";

export default defineRule({
  meta: {
    id: "compatibility-level",
    severity: "error",
    description:
      "compatibility_level, or an operand of a '<level' comparison, is not a release number such as 3.6; Postfix stops.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Since 3.6 many defaults depend on compatibility_level through comparisons such as `${{$compatibility_level} <level {3.6}:…}`. Postfix compares release numbers there. A value that is not a release number cannot be compared, and Postfix stops with a fatal error about malformed compatibility level syntax. The same holds for any other `<level` comparison whose operand is not a release number.",
    fires: [
      { note: "A word where a release number belongs.", main: "compatibility_level = latest\n" },
      {
        note: "A <level comparison with a malformed operand.",
        main: "smtpd_banner = ${{$compatibility_level} <level {three}:old:new}\n",
      },
    ],
    silent: [
      { main: "compatibility_level = 3.6\n" },
      { note: "A patch level is a release number too.", main: "compatibility_level = 3.7.1\n" },
    ],
  },
  *check(context) {
    const level = compatibilityLevel(context);
    if (level) {
      yield level;
      return;
    }
    // A malformed compatibility_level also breaks every comparison with it: reported once, above.
    for (const { scoped, evaluated } of expandedSettings(context)) {
      if (evaluated.error?.code === "malformed-level") yield levelOperand(scoped, evaluated.error);
    }
  },
});

/** compatibility_level must be a release number; the daemons compare it with <level. */
function compatibilityLevel(context: RuleContext): RuleFinding | undefined {
  const source = context.sourceOf("compatibility_level");
  if (!source) return undefined;
  const evaluated = evaluate(context, source.setting.value.text);
  if (evaluated.error || evaluated.hostDependent) return undefined;
  if (parseCompatibilityLevel(evaluated.value) !== undefined) return undefined;
  return {
    file: source.file,
    ...valueSpan(source.setting),
    message: `compatibility_level must be a Postfix release number such as 3.6 or 3.6.1, not "${excerpt(evaluated.value)}". Postfix compares it with release numbers in its defaults, cannot compare this value, and stops ("malformed compatibility level syntax"). Set the release whose defaults you want.`,
  };
}

/** A `<level` comparison with an operand that is not a release number. */
function levelOperand(scoped: Scoped, error: MacroError): RuleFinding {
  const operand = /: "(.*)"$/.exec(error.postconfWarning)?.[1] ?? "";
  return {
    file: scoped.file,
    ...settingSpan(scoped.setting),
    message: `A "<level" comparison in this value compares "${excerpt(operand)}", which is not a release number such as 3.6. Postfix cannot compare it and stops ("malformed compatibility level syntax").`,
  };
}
