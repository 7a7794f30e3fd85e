import { restrictionFacts, restrictionReplacement } from "../../data/restrictions";
import type { PostfixVersion } from "../../data/parameters";
import { fileText } from "../edits";
import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { writtenLists } from "./shared";

/** Whether smtpd runs the same code for both names in this release (one is the other's spelling). */
function sameCode(name: string, other: string, version: PostfixVersion): boolean {
  const facts = restrictionFacts(name, version);
  const otherFacts = restrictionFacts(other, version);
  if (!facts || !otherFacts) return false;
  return (
    (facts.sameAs ?? []).includes(otherFacts.name) || (otherFacts.sameAs ?? []).includes(facts.name)
  );
}

export default defineRule({
  meta: {
    id: "restriction-deprecated",
    severity: "warning",
    description: "A deprecated restriction name, or the old spelling of one, with its replacement.",
    fixable: true,
    safeFix: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Some restrictions were renamed (reject_unknown_client became reject_unknown_client_hostname in 2.3) or deprecated (check_relay_domains since 2.1, permit_naked_ip_address, permit_mx_backup since 3.9). smtpd still accepts them, some with a warning in the log, and a later release may drop them. The replacement does the same job, or the job the current advice prefers.",
    fires: [
      {
        main: "smtpd_client_restrictions = reject_unknown_client\n",
        fixed: { main: "smtpd_client_restrictions = reject_unknown_client_hostname\n" },
      },
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
    fix: "Replaces an old spelling with the current name when smtpd runs the same code for both (reject_unknown_client, reject_rbl, check_recipient_maps and the like), so nothing changes in what is checked. Deprecated restrictions whose advice is a different restriction (check_relay_domains, permit_naked_ip_address, permit_mx_backup) get no fix: the replacement behaves differently.",
  },
  *check(context) {
    for (const { placed, items } of writtenLists(context)) {
      // A name written twice maps to the same span: reported (and fixed) once.
      const reported = new Set<string>();
      for (const item of items) {
        if (item.kind !== "restriction" || reported.has(item.word.text)) continue;
        const replacement = restrictionReplacement(item.facts.name, context.version);
        if (!replacement) continue;
        reported.add(item.word.text);
        const span = wordSpan(placed.setting, item.word.text);
        const exact = fileText(context, placed.file).slice(span.start, span.end) === item.word.text;
        const [only] = replacement;
        const same =
          replacement.length === 1 && exact && sameCode(item.facts.name, only, context.version);
        yield {
          file: placed.file,
          ...span,
          message: `${item.word.text} is ${item.facts.deprecated ? "deprecated" : "an old name"}; use ${replacement.join(" and ")} instead. smtpd still accepts it, but a later release may not. Replace it.`,
          ...(same && {
            fix: {
              title: `Replace ${item.word.text} with ${only}`,
              edits: [{ ...span, newText: only }],
            },
          }),
        };
      }
    }
  },
});
