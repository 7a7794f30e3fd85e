import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import {
  GRADE_PARAMETER,
  atLeast,
  finding,
  gradeOf,
  literalSettings,
  programOf,
  replaceValue,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-cipher-grade-obsolete",
    severity: "warning",
    description: "The export or low cipher grade.",
    pitfalls: ["P19"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "The export and low grades come from the era of export-restricted cryptography. Up to Postfix 3.7 they let the service agree on cipher suites that can be broken today. From 3.8 on Postfix quietly uses medium in their place, so the setting no longer says what actually happens.",
    fires: [
      {
        main: "smtpd_tls_ciphers = export\n",
        fixed: { main: "smtpd_tls_ciphers = medium\n" },
      },
      {
        note: "Before 3.8 the weak suites are really offered.",
        version: "3.7",
        main: "smtp_tls_ciphers = low\n",
      },
    ],
    silent: [{ main: "smtpd_tls_ciphers = medium\nsmtp_tls_ciphers = high\n" }],
    fix: "Changes the grade to medium. From Postfix 3.8 on that is what the service already does. Before 3.8 a peer that can only use export or low ciphers then fails the handshake; with opportunistic TLS its mail goes in plaintext instead.",
  },
  *check(context) {
    for (const p of literalSettings(context, GRADE_PARAMETER)) {
      const grade = gradeOf(p);
      if (grade !== "low" && grade !== "export") continue;
      const effect = atLeast(context.version, "3.8")
        ? `Postfix ${context.version} treats it as medium, so the setting does not do what it says`
        : `it lets ${programOf(p.name)} negotiate cipher suites that are long broken`;
      yield finding(
        p,
        p.setting.value,
        `"${excerpt(p.value)}" is an obsolete cipher grade: ${effect}. Use medium.`,
        replaceValue(p, "medium"),
      );
    }
  },
});
