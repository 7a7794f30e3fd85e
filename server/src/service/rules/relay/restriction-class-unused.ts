import { bracedWords } from "../../parser/bracedWords";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { evaluate, wordSpan } from "../startup/shared";
import { writtenLists } from "./shared";

const RESTRICTION_CLASSES = "smtpd_restriction_classes";

export default defineRule({
  meta: {
    id: "restriction-class-unused",
    severity: "info",
    description:
      "A restriction class is defined but no restriction list or class names it; only an access table could still return it.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "A class listed in smtpd_restriction_classes takes effect only where something names it: an item of a restriction list or of another class, or the answer of an access table (a `check_*_access` table may return a class name). When main.cf and master.cf name it nowhere, it is either left over from an earlier setup or meant for an access table, which is not read here; hence information, not a warning. A class listed but never set is reported by `undefined-reference`, a class used but not listed by `unknown-restriction`.",
    fires: [
      {
        note: "Nothing names the class, and no list has an access table that could return it.",
        main: "smtpd_restriction_classes = strict\nstrict = reject_unknown_sender_domain\nsmtpd_sender_restrictions = reject_non_fqdn_sender\n",
      },
      {
        note: "The pattern of Postfix's restriction class guide: an access table returns the class name. Reported as information, saying so.",
        main: "smtpd_restriction_classes = insiders_only\ninsiders_only = check_sender_access hash:/etc/postfix/insiders, reject\nsmtpd_recipient_restrictions = check_recipient_access hash:/etc/postfix/protected_destinations, permit_mynetworks, reject_unauth_destination\n",
      },
    ],
    silent: [
      {
        main: "smtpd_restriction_classes = strict\nstrict = reject_unknown_sender_domain\nsmtpd_sender_restrictions = strict\n",
      },
      {
        note: "Named by a service's -o list.",
        main: "smtpd_restriction_classes = strict\nstrict = reject_unknown_sender_domain\n",
        master: "submission inet n - y - - smtpd\n  -o smtpd_sender_restrictions=strict\n",
      },
    ],
  },
  *check(context) {
    const listed = context.settingsNamed([RESTRICTION_CLASSES]);
    // Most configurations define no class: then no value needs to be read.
    if (listed.length === 0) return;
    // Every word of every value but the class lists and each class's own definition.
    const named = new Set<string>();
    for (const placed of context.settings) {
      const name = placed.setting.name.text;
      if (name === RESTRICTION_CLASSES) continue;
      for (const word of bracedWords(placed.setting.value.text))
        if (word !== name) named.add(word.replace(/^\$\{?|\}$/g, ""));
    }
    // An access table in some list may return the class name; without one, nothing can.
    const tables = writtenLists(context).some(({ items }) =>
      items.some(
        (item) =>
          item.kind === "table" || (item.kind === "restriction" && item.facts.argument === "table"),
      ),
    );
    const why = tables
      ? "It has no effect unless an access table in a restriction list returns its name, and tables are not read here."
      : "No restriction list has an access table that could return its name either, so it has no effect.";
    for (const placed of listed) {
      for (const name of bracedWords(
        evaluate(context, placed.setting.value.text, placed.service).value,
      )) {
        // A class set nowhere is undefined-reference's; a name used anywhere is in use.
        if (named.has(name)) continue;
        if (!context.isSet(name, placed.service) && !context.isSetByAnyService(name)) continue;
        yield {
          file: placed.file,
          ...wordSpan(placed.setting, name),
          message: `Restriction class "${excerpt(name)}" is defined, but no restriction list or class names it. ${why} Name it in a restriction list, or remove it from smtpd_restriction_classes and delete its setting.`,
        };
      }
    }
  },
});
