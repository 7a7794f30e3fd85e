import { defineRule } from "../rule";
import { masterScan } from "./shared";

export default defineRule({
  meta: {
    id: "master-brace",
    severity: "error",
    description: "A '{...}' group in master.cf is not closed, or text follows the '}'.",
    fixable: false,
    files: ["master"],
  },
  docs: {
    why: "In master.cf an option value or a command argument that contains spaces is written as one group in braces, `{ ... }` (Postfix 3.0 and later). A group whose '}' is missing runs to the end of the entry, and text right after a '}' cannot be placed. postconf only warns, but master(8) refuses the entry, so the service does not run as written.",
    fires: [
      {
        note: "The closing brace is missing.",
        master: "submission inet n - y - - smtpd\n  -o { smtpd_tls_security_level = encrypt\n",
      },
      {
        note: "Text right after the '}'.",
        master:
          "maildrop unix - n n - - pipe\n  flags=DRXhu user=vmail argv=/usr/bin/maildrop { -d ${recipient} }x\n",
      },
    ],
    silent: [
      { master: "submission inet n - y - - smtpd\n  -o { smtpd_tls_security_level = encrypt }\n" },
      {
        master:
          "maildrop unix - n n - - pipe\n  flags=DRXhu user=vmail argv=/usr/bin/maildrop { -d ${recipient} }\n",
      },
    ],
  },
  *check(context) {
    for (const { span, problem } of masterScan(context).braceProblems) {
      yield {
        file: "master",
        ...span,
        message:
          problem === "missing-close"
            ? "Missing '}': Postfix refuses this entry."
            : "Text after the closing '}' is ignored by postconf and refused by master(8).",
      };
    }
  },
});
