import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { WHOLE_NUMBER, settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "invalid-number",
    severity: "error",
    description:
      "A numeric parameter with a value that is not a whole number; the daemons refuse to start.",
    pitfalls: ["P05"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: 'Numeric parameters take a whole number written in digits, with no unit, fraction or thousands separator. postconf shows other text unchanged, but each daemon that reads the parameter stops at start-up with a "bad numerical configuration" error, so the service it runs is down (pitfall P05).',
    fires: [
      { main: "smtpd_recipient_limit = lots\n" },
      { note: "A size with a unit is not a number.", main: "message_size_limit = 50M\n" },
    ],
    silent: [
      { main: "smtpd_recipient_limit = 1000\n" },
      { main: "message_size_limit = 52428800\n" },
    ],
  },
  *check(context) {
    for (const { placed } of settingScan(context).typed.integer) {
      const { setting, file } = placed;
      const value = setting.value.text;
      if (WHOLE_NUMBER.test(value)) continue;
      yield {
        file,
        ...setting.value,
        message: `${setting.name.text} takes a whole number; "${excerpt(value)}" makes the daemons stop with "bad numerical configuration".`,
      };
    }
  },
});
