import { excerpt } from "../../text/excerpt";
import { type RuleFinding, defineRule } from "../rule";
import { settingScan } from "./shared";

/** The usual other spellings of yes and no, which have an unambiguous fix. */
const BOOLEAN_FIXES: Record<string, string> = {
  true: "yes",
  on: "yes",
  "1": "yes",
  false: "no",
  off: "no",
  "0": "no",
};

export default defineRule({
  meta: {
    id: "invalid-boolean",
    severity: "error",
    description: "A yes/no parameter with another value; the daemons refuse to start.",
    pitfalls: ["P05"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: 'A yes/no parameter accepts yes or no, in any letter case, and nothing else. postconf shows any value without complaint, but every daemon that reads the parameter stops at start-up with a "bad boolean configuration" error, so a value such as true, on or 1 takes the service down (pitfall P05).',
    fires: [
      {
        main: "smtpd_tls_auth_only = true\n",
        fixed: { main: "smtpd_tls_auth_only = yes\n" },
      },
      { note: "No fix when the intent is unclear.", main: "smtpd_sasl_auth_enable = maybe\n" },
    ],
    silent: [
      { main: "smtpd_tls_auth_only = yes\n" },
      { main: "smtpd_tls_auth_only = No\n" },
      {
        note: "A value taken from another parameter is checked where that one is set.",
        main: "smtpd_tls_auth_only = $auth_only\nauth_only = yes\n",
      },
    ],
    fix: "Replaces true, on and 1 with yes, and false, off and 0 with no. Other values get no fix. Since the daemons refuse the old value outright, the fix cannot break a service that was running; it brings up one that could not start.",
  },
  *check(context) {
    for (const { placed } of settingScan(context).typed.boolean) {
      const { setting, file } = placed;
      const value = setting.value.text;
      if (/^(yes|no)$/i.test(value)) continue;
      const replacement = BOOLEAN_FIXES[value.toLowerCase()];
      const finding: RuleFinding = {
        file,
        ...setting.value,
        message: `${setting.name.text} takes yes or no; "${excerpt(value)}" makes the daemons stop with "bad boolean configuration".`,
      };
      if (replacement) {
        finding.fix = {
          title: `Change to ${replacement}`,
          edits: [{ ...setting.value, newText: replacement }],
        };
      }
      yield finding;
    }
  },
});
