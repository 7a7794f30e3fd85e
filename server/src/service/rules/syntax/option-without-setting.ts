import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { masterScan, spacedEquals } from "./shared";

export default defineRule({
  meta: {
    id: "option-without-setting",
    severity: "error",
    description: "An '-o' value that is not name=value.",
    fixable: false,
    files: ["master"],
  },
  docs: {
    why: "`-o` takes one `name=value` setting, which the daemon applies on top of main.cf. A value without '=', or an `-o` with nothing after it at the end of the command, is an invalid command line: the daemon stops as soon as master(8) starts it, so the service does not work.",
    fires: [
      { master: "smtp inet n - y - - smtpd -o smtpd_tls_security_level\n" },
      { note: "Nothing follows the '-o'.", master: "smtp inet n - y - - smtpd -o\n" },
    ],
    silent: [
      { master: "smtp inet n - y - - smtpd -o smtpd_tls_security_level=may\n" },
      {
        note: "An empty value is a value.",
        master: "smtp inet n - y - - smtpd -o smtpd_banner=\n",
      },
    ],
  },
  *check(context) {
    for (const malformed of masterScan(context).malformedOptions) {
      const { option } = malformed;
      if (!option.value) {
        yield {
          file: "master",
          ...option.flag,
          message: "'-o' at the end of the command has no value; the service fails to start.",
        };
      } else if (!spacedEquals(malformed)) {
        // `-o name = value` is option-spaced-equals.
        yield {
          file: "master",
          ...option.value,
          message: `"${excerpt(option.value.text)}" is not name=value; the service fails to start.`,
        };
      }
    }
  },
});
