import { getParameter } from "../../data/parameters";
import { type RuleFinding, defineRule } from "../rule";
import { replacementFix, settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "deprecated-parameter",
    severity: "warning",
    description: "A parameter postconf warns about as deprecated in the configured release.",
    pitfalls: ["P10", "P13", "P14", "P15"],
    fixable: true,
    safeFix: true,
    files: ["main", "master"],
  },
  docs: {
    why: "A deprecated parameter still works, but postconf warns about it and a later release drops it; from then on the setting is ignored without notice. The common case is the legacy TLS switches smtpd_use_tls, smtpd_enforce_tls, smtp_use_tls and smtp_enforce_tls, which the security level parameters replaced. The rule follows the configured release: a parameter is reported from the release whose postconf first warns about it.",
    fires: [
      {
        main: "smtpd_use_tls = yes\n",
        fixed: { main: "smtpd_tls_security_level = may\n" },
      },
      {
        note: "The client's enforce switch verifies the server name unless told not to.",
        main: "smtp_enforce_tls = yes\n",
        fixed: { main: "smtp_tls_security_level = verify\n" },
      },
      {
        master: "submission inet n - y - - smtpd -o smtpd_enforce_tls=yes\n",
        fixed: { master: "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n" },
      },
    ],
    silent: [
      { main: "smtpd_tls_security_level = may\n" },
      {
        note: "postconf 3.8 does not warn about it yet.",
        version: "3.8",
        main: "smtp_use_tls = yes\n",
      },
    ],
    fix: "Replaces the setting with its replacement and carries the value over: for the `*_use_tls` switches yes becomes the level may and no becomes none; `*_enforce_tls = yes` becomes encrypt, or verify for the smtp and lmtp clients unless their `*_tls_enforce_peername` is no; a renamed parameter keeps its value. It is not offered when the replacement is set already or the value has no equivalent. Check other values that use the old name as `$name`: they do not follow the rename.",
  },
  *check(context) {
    for (const placed of settingScan(context).named["deprecated"]) {
      const { setting, file } = placed;
      const facts = getParameter(setting.name.text)!;
      const advice = facts.replacement
        ? ` Use ${facts.replacement} instead.`
        : facts.advice === "remove"
          ? " Remove it."
          : "";
      const finding: RuleFinding = {
        file,
        ...setting.name,
        message: `${setting.name.text} is deprecated: postconf warns about it since Postfix ${facts.warnsSince}, and a later release will drop it.${advice}`,
      };
      const fix = facts.replacement
        ? replacementFix(context, placed, facts.replacement)
        : undefined;
      if (fix) finding.fix = fix;
      yield finding;
    }
  },
});
