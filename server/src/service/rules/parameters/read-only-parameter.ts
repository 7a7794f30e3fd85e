import { defineRule } from "../rule";
import { settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "read-only-parameter",
    severity: "warning",
    description:
      "An assignment to a parameter Postfix sets itself (process_name, process_id, service_name).",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix gives process_name, process_id and service_name their values in each process (the program's name, its process id and its master.cf service name), so that other values can use them as `$name`, for example in a banner or a syslog name. A value assigned to one of them in main.cf or with `-o` is never used: the process overwrites it.",
    fires: [
      { main: "process_name = smtpd\n" },
      { master: "smtp inet n - y - - smtpd -o service_name=mx\n" },
    ],
    silent: [
      { note: "Using the value is what they are for.", main: "syslog_name = mail/$service_name\n" },
    ],
  },
  *check(context) {
    for (const { setting, file } of settingScan(context).named["read-only"]) {
      yield {
        file,
        ...setting.name,
        message: `${setting.name.text} is set by Postfix itself for each process; this assignment is ignored.`,
      };
    }
  },
});
