import { defineRule } from "../rule";
import { masterScan } from "./shared";

export default defineRule({
  meta: {
    id: "master-field-count",
    severity: "error",
    description: "A master.cf entry has fewer than eight fields.",
    fixable: false,
    files: ["master"],
  },
  docs: {
    why: "Every master.cf service entry starts with eight fields: service name, type, private, unpriv, chroot, wakeup, maxproc and the command, followed by the command's options and arguments. With fewer, master(8) stops with a fatal error while it reads master.cf, so Postfix does not start. Usually a field was deleted, often one of the '-' placeholders, or an option line lost its indentation and became an entry of its own.",
    fires: [
      { note: "One '-' is missing.", master: "smtp inet n - y - smtpd\n" },
      {
        note: "An option line that is not indented starts a new entry.",
        master: "smtp inet n - y - - smtpd\n-o smtpd_tls_security_level=may\n",
      },
    ],
    silent: [
      { master: "smtp inet n - y - - smtpd\n" },
      { master: "smtp inet n - y - - smtpd\n  -o smtpd_tls_security_level=may\n" },
    ],
  },
  *check(context) {
    for (const entry of masterScan(context).entryProblems) {
      if (entry.problem?.code !== "field-count") continue;
      yield {
        file: "master",
        start: entry.start,
        end: entry.segments[0].end,
        message: `A master.cf entry needs eight fields (service, type, private, unpriv, chroot, wakeup, maxproc, command); this one has ${entry.words.length}. Postfix stops with a fatal error.`,
      };
    }
  },
});
