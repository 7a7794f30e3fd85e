import { restrictionReplacement } from "../../data/restrictions";
import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { writtenLists } from "./shared";

export default defineRule({
  meta: {
    id: "restriction-deprecated",
    severity: "warning",
    description: "A deprecated restriction name, or the old spelling of one, with its replacement.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Some restrictions were renamed (reject_unknown_client became reject_unknown_client_hostname in 2.3) or deprecated (check_relay_domains since 2.1, permit_naked_ip_address, permit_mx_backup since 3.9). smtpd still accepts them, some with a warning in the log, and a later release may drop them. The replacement does the same job, or the job the current advice prefers.",
    fires: [
      { main: "smtpd_client_restrictions = reject_unknown_client\n" },
      {
        main: "compatibility_level = 3.6\nsmtpd_recipient_restrictions = permit_mynetworks, check_relay_domains\n",
      },
    ],
    silent: [
      { main: "smtpd_client_restrictions = reject_unknown_client_hostname\n" },
      {
        note: "permit_mx_backup is current before 3.9.",
        version: "3.8",
        main: "smtpd_recipient_restrictions = permit_mx_backup, reject_unauth_destination\n",
      },
    ],
  },
  *check(context) {
    for (const { placed, items } of writtenLists(context)) {
      for (const item of items) {
        if (item.kind !== "restriction") continue;
        const replacement = restrictionReplacement(item.facts.name, context.version);
        if (!replacement) continue;
        yield {
          file: placed.file,
          ...wordSpan(placed.setting, item.word.text),
          message: `${item.word.text} is ${item.facts.deprecated ? "deprecated" : "an old name"}; use ${replacement.join(" and ")} instead. smtpd still accepts it, but a later release may not. Replace it.`,
        };
      }
    }
  },
});
