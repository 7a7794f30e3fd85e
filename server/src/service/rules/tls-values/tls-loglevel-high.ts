import { defineRule } from "../rule";
import { finding, logLevels, newestChoices, replaceValue } from "./shared";

export default defineRule({
  meta: {
    id: "tls-loglevel-high",
    severity: "warning",
    description: "A TLS log level of 3 or more: packet dumps in the mail log.",
    pitfalls: ["P59"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: `From level 3 on Postfix writes hex dumps of the TLS traffic into the mail log: the handshake at 3, everything at 4 (higher numbers act as 4). The log grows by orders of magnitude, and the dumps contain session data that does not belong in a log that many people may read. The levels:\n\n${newestChoices("tls-loglevel")}`,
    fires: [
      { main: "smtp_tls_loglevel = 4\n", fixed: { main: "smtp_tls_loglevel = 1\n" } },
      { note: "A keyword of level 3.", main: "smtp_tls_loglevel = ssl-expert\n" },
    ],
    silent: [{ main: "smtp_tls_loglevel = 1\n" }],
    fix: "Sets the level to 1: one summary line per TLS session. Safe; only the amount of logging changes.",
  },
  *check(context) {
    for (const { p, level, mapsHint } of logLevels(context)) {
      if (level < 3) continue;
      const what =
        level >= 4 ? "a hex dump of all TLS traffic" : "a hex dump of every TLS handshake";
      yield finding(
        p,
        p.setting.value,
        `TLS log level ${level} writes ${what} to the mail log: huge logs, and the dumps hold session data. Use 1 (or 0) outside a short debugging session.${mapsHint}`,
        replaceValue(p, "1"),
      );
    }
  },
});
