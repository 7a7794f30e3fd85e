import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { masterScan } from "./shared";

/** What each checked field accepts, for the message. */
const FIELD_EXPECTATIONS: Record<string, string> = {
  type: "inet, unix, unix-dgram, fifo or pass",
  private: "y, n or -",
  unprivileged: "y, n or -",
  chroot: "y, n or -",
  wakeup: "a number of seconds, optionally followed by '?', or -",
  process_limit: "a number or -",
};

export default defineRule({
  meta: {
    id: "master-field-value",
    severity: "error",
    description: "A master.cf field has a value Postfix does not accept.",
    fixable: false,
    files: ["master"],
  },
  docs: {
    why: "master(8) accepts a fixed set of values in the type, private, unpriv, chroot, wakeup and maxproc fields: a service type such as inet or unix, y, n or '-' for the three flags, a number (or '-') for wakeup and maxproc. Any other value is a fatal error while master.cf is read, and Postfix does not start. A common slip is writing yes or no for a flag.",
    fires: [
      { note: "Flags take y or n, not yes.", master: "smtp inet yes - y - - smtpd\n" },
      { master: "smtp tcp n - y - - smtpd\n" },
    ],
    silent: [
      { master: "smtp inet n - y - - smtpd\n" },
      {
        note: "A wakeup time may end in '?'.",
        master: "tlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
  },
  *check(context) {
    for (const { problem } of masterScan(context).entryProblems) {
      if (!problem?.field) continue;
      const field = problem.field;
      yield {
        file: "master",
        ...field,
        message: `Invalid ${problem.code} field "${excerpt(field.text)}": expected ${FIELD_EXPECTATIONS[problem.code]}. Postfix stops with a fatal error.`,
      };
    }
  },
});
