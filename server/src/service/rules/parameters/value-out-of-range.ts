import { defineRule } from "../rule";
import { numericValue, settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "value-out-of-range",
    severity: "error",
    description: "A number outside the bounds the daemons enforce.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Many numeric and time parameters have bounds that the daemons check when they read them: a timeout or a limit that must be at least 1, for example. postconf shows a value outside them unchanged, but the daemon stops at start-up with a fatal error, so the service does not run. The bounds are those in Postfix's own parameter tables; time values are compared in seconds.",
    fires: [
      { main: "smtpd_recipient_limit = -5\n" },
      { note: "A timeout of zero.", main: "smtp_helo_timeout = 0\n" },
    ],
    silent: [{ main: "smtpd_recipient_limit = 1000\n" }, { main: "smtp_helo_timeout = 1s\n" }],
  },
  *check(context) {
    const { integer, time } = settingScan(context).typed;
    for (const typed of [...integer, ...time]) {
      const value = numericValue(typed);
      if (value === undefined) continue;
      const { placed, facts } = typed;
      const name = placed.setting.name.text;
      const seconds = facts.type === "time" ? " seconds" : "";
      const bound =
        facts.min !== undefined && value < facts.min
          ? `at least ${facts.min}`
          : facts.max !== undefined && value > facts.max
            ? `at most ${facts.max}`
            : undefined;
      if (!bound) continue;
      yield {
        file: placed.file,
        ...placed.setting.value,
        message: `${name} must be ${bound}${seconds}; the daemons refuse ${value}.`,
      };
    }
  },
});
