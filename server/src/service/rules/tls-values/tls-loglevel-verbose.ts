import { defineRule } from "../rule";
import { finding, logLevels, newestChoices, replaceValue } from "./shared";

export default defineRule({
  meta: {
    id: "tls-loglevel-verbose",
    severity: "info",
    description: "A TLS log level of 2: a log entry for every handshake step.",
    pitfalls: ["P59"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: `Level 2 logs each step of every TLS handshake. That helps while you chase one problem, but on a busy server it multiplies the mail log and buries the lines you need. Keyword forms that amount to level 2 (such as debug or cache) count the same. The levels:\n\n${newestChoices("tls-loglevel")}`,
    fires: [{ main: "smtpd_tls_loglevel = 2\n", fixed: { main: "smtpd_tls_loglevel = 1\n" } }],
    silent: [{ main: "smtp_tls_loglevel = 1\nsmtpd_tls_loglevel = 0\n" }],
    fix: "Sets the level to 1: one summary line per TLS session. Safe; only the amount of logging changes.",
  },
  *check(context) {
    for (const { p, level, mapsHint } of logLevels(context)) {
      if (level !== 2) continue;
      yield finding(
        p,
        p.setting.value,
        `TLS log level 2 logs every step of each TLS handshake; that is for tracking down a problem, not for daily use. Use 1.${mapsHint}`,
        replaceValue(p, "1"),
      );
    }
  },
});
