import { NEWEST_VERSION } from "../../data/parameters";
import { valuesOfKind } from "../../data/valueSets";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import {
  GRADE_PARAMETER,
  closest,
  finding,
  gradeNames,
  gradeOf,
  literalSettings,
  newestChoices,
  programOf,
  replaceValue,
} from "./shared";

/** The grades worth suggesting: those a *_mandatory_ciphers parameter takes too. */
const SUGGESTED = valuesOfKind("mandatory-cipher-grade", NEWEST_VERSION).map(
  (grade) => grade.value,
);

export default defineRule({
  meta: {
    id: "tls-cipher-grade-invalid",
    severity: "error",
    description:
      "A cipher grade other than high, medium, null, low or export; TLS handshakes fail.",
    pitfalls: ["P06"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: `The *_ciphers and *_mandatory_ciphers parameters take a grade, not an OpenSSL cipher string. Postfix checks the word only when a TLS session starts: with an unknown grade (or an empty value) every TLS handshake that uses the parameter fails, so mail that needs TLS does not get through and opportunistic sessions cannot encrypt. The grades, in any case:\n\n${newestChoices("cipher-grade")}`,
    fires: [
      {
        note: "A misspelt grade.",
        main: "smtpd_tls_mandatory_ciphers = hihg\n",
        fixed: { main: "smtpd_tls_mandatory_ciphers = high\n" },
      },
      { note: "An adjective that is no grade.", main: "smtp_tls_ciphers = strong\n" },
    ],
    silent: [{ main: "smtp_tls_ciphers = HIGH\nsmtpd_tls_ciphers = Medium\n" }],
    fix: "Replaces the value with high, medium or null when exactly one of them is within two typing errors of it. A correction to null would turn encryption off; the rule tls-cipher-grade-null reports that value in turn.",
  },
  *check(context) {
    const grades = gradeNames(context.version);
    for (const p of literalSettings(context, GRADE_PARAMETER)) {
      const grade = gradeOf(p);
      if (grades.includes(grade)) continue;
      const suggestion = grade ? closest(grade, SUGGESTED) : undefined;
      const what = grade
        ? `"${excerpt(p.value)}" is not a cipher grade`
        : "An empty value is not a cipher grade";
      yield finding(
        p,
        p.setting.value,
        `${what}: every TLS handshake of ${programOf(p.name)} that uses ${p.name} fails ("invalid cipher grade"). Use high, medium or null; medium is the usual choice.`,
        suggestion ? replaceValue(p, suggestion) : undefined,
      );
    }
  },
});
