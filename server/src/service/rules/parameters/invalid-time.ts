import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { TIME_VALUE, settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "invalid-time",
    severity: "error",
    description: "A time parameter with a value that is not a number with an s, m, h, d or w unit.",
    pitfalls: ["P05"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: 'Time parameters take a whole number followed by at most one unit letter: s (seconds), m (minutes), h (hours), d (days) or w (weeks); without a letter the parameter\'s own default unit applies. A fraction, a blank before the unit or two units such as 1h30m are refused: each daemon that reads the parameter stops at start-up with a "bad time value or unit" error (pitfall P05).',
    fires: [
      { main: "smtp_helo_timeout = 5x\n" },
      { note: "Units cannot be combined.", main: "maximal_queue_lifetime = 1d12h\n" },
    ],
    silent: [
      { main: "smtp_helo_timeout = 300s\n" },
      { note: "The default unit applies.", main: "smtp_helo_timeout = 300\n" },
    ],
  },
  *check(context) {
    for (const { placed } of settingScan(context).typed.time) {
      const { setting, file } = placed;
      const value = setting.value.text;
      if (TIME_VALUE.test(value)) continue;
      yield {
        file,
        ...setting.value,
        message: `${setting.name.text} takes a number with an optional unit (s, m, h, d or w); "${excerpt(value)}" makes the daemons stop with "bad time value or unit".`,
      };
    }
  },
});
