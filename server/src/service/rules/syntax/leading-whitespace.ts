import { defineRule } from "../rule";
import { mainScan, masterScan } from "./shared";

export default defineRule({
  meta: {
    id: "leading-whitespace",
    severity: "warning",
    description: "The first line starts with whitespace; Postfix skips it.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "In both files a line that starts with a space or a tab continues the line above it. When no line with text comes before it (comment lines and blank lines do not count), there is nothing to continue: Postfix warns that a logical line must not start with whitespace and skips the line, so the setting or the service on it does not exist.",
    fires: [
      { main: "  myhostname = mail.example.com\n" },
      {
        note: "A comment above it is not a line it could continue.",
        main: "# Host name\n    myhostname = mail.example.com\n",
      },
      { master: "  smtp inet n - y - - smtpd\n" },
    ],
    silent: [
      { main: "myhostname = mail.example.com\n" },
      {
        note: "Indented lines after a setting continue its value.",
        main: "mynetworks = 127.0.0.0/8\n    192.0.2.0/24\n",
      },
      { master: "smtp inet n - y - - smtpd\n  -o smtpd_tls_security_level=may\n" },
    ],
  },
  *check(context) {
    for (const entry of mainScan(context).lineProblems) {
      if (entry.problem !== "leading-whitespace") continue;
      yield {
        file: "main",
        ...entry.segments[0],
        message:
          "This line is indented but no parameter comes before it to continue, so Postfix ignores it. Remove the indentation.",
      };
    }
    for (const entry of masterScan(context).entryProblems) {
      if (entry.problem?.code !== "leading-whitespace") continue;
      yield {
        file: "master",
        ...entry.segments[0],
        message:
          "This line is indented but no entry comes before it to continue, so Postfix ignores it. Remove the indentation.",
      };
    }
  },
});
