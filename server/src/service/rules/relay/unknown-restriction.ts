import { anyReleaseRestriction } from "../../data/restrictions";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { writtenLists } from "./shared";

export default defineRule({
  meta: {
    id: "unknown-restriction",
    severity: "error",
    description:
      "A restriction list names something that is neither a restriction of this release nor a restriction class, or lacks a restriction's argument; smtpd answers 451.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd reads restriction lists only when mail arrives. An unknown name (a typo, a restriction of another release, a class missing from smtpd_restriction_classes) or a `check_*_access` without its `type:table` makes it log a warning and answer every client at that stage with a temporary server configuration error (451), so no mail gets through that list. postconf does not check restriction lists.",
    fires: [
      {
        note: "A typo.",
        main: "smtpd_recipient_restrictions = permit_mynetwork, reject_unauth_destination\n",
      },
      {
        note: "A table without its restriction name is fine; a restriction without its table is not.",
        main: "smtpd_sender_restrictions = check_sender_access\n",
      },
      {
        note: "Newer than the release.",
        version: "2.9",
        main: "smtpd_recipient_restrictions = defer_unauth_destination\n",
      },
      {
        note: "A class that smtpd_restriction_classes does not list.",
        main: "strict = reject_non_fqdn_sender\nsmtpd_sender_restrictions = strict\n",
      },
    ],
    silent: [
      {
        main: "smtpd_recipient_restrictions = permit_mynetworks, check_recipient_access hash:/etc/postfix/access, reject_unauth_destination\n",
      },
      {
        main: "smtpd_restriction_classes = strict\nstrict = reject_non_fqdn_sender\nsmtpd_sender_restrictions = strict\n",
      },
      {
        note: "Names are compared ignoring case.",
        main: "smtpd_client_restrictions = Permit_MyNetworks\n",
      },
    ],
  },
  *check(context) {
    for (const { placed, items } of writtenLists(context)) {
      // A value over several lines maps to one span: the same word is reported once.
      const reported = new Set<string>();
      for (const item of items) {
        if (reported.has(item.word.text)) continue;
        reported.add(item.word.text);
        if (item.kind !== "unknown" && item.kind !== "missing-argument") continue;
        const name = item.word.text;
        const span = wordSpan(placed.setting, name);
        const where = placed.setting.name.text;
        if (item.kind === "missing-argument") {
          const wanted = {
            table: "a type:table lookup",
            domain: "a DNS list domain",
            service: "a policy server address such as inet:127.0.0.1:10023",
            number: "a number of seconds",
          }[item.facts.argument!];
          yield {
            file: placed.file,
            ...span,
            message: `${item.facts.name} in ${where} needs ${wanted} as the next word, and has none. smtpd then answers every client at this stage with a server configuration error (451). Add the argument after it.`,
          };
          continue;
        }
        const other = anyReleaseRestriction(name);
        const why = other
          ? `it is a restriction of Postfix ${other.until ? `${other.since} to ${other.until}` : `${other.since} and later`}, not of ${context.version}`
          : "it is neither a restriction nor a class listed in smtpd_restriction_classes";
        yield {
          file: placed.file,
          ...span,
          message: `smtpd does not know "${excerpt(name)}" in ${where}: ${why}. It logs "unknown smtpd restriction" and answers every client at this stage with a server configuration error (451). Correct the name, or list the class in smtpd_restriction_classes.`,
        };
      }
    }
  },
});
