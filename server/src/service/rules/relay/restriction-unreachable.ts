import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { writtenLists } from "./shared";

/** Restrictions that always decide, so nothing after them in the list runs. */
const FINAL = new Set(["permit", "reject", "defer", "check_relay_domains"]);

export default defineRule({
  meta: {
    id: "restriction-unreachable",
    severity: "warning",
    description: "Restrictions after an unconditional permit, reject or defer are never evaluated.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "`permit`, `reject` and `defer` decide for every request, and `check_relay_domains` always permits or rejects, so the items after them in the same list never run; smtpd logs that it ignores them. Usually the order is wrong: the unconditional item belongs at the end. After `warn_if_reject`, a reject only logs, so the list goes on.",
    fires: [
      {
        main: "compatibility_level = 3.6\nsmtpd_recipient_restrictions = permit, reject_unlisted_recipient\n",
      },
    ],
    silent: [
      {
        main: "compatibility_level = 3.6\nsmtpd_recipient_restrictions = reject_unlisted_recipient, permit\n",
      },
      {
        main: "compatibility_level = 3.6\nsmtpd_client_restrictions = warn_if_reject reject, permit\n",
      },
    ],
  },
  *check(context) {
    for (const { placed, items } of writtenLists(context)) {
      for (let i = 0; i + 1 < items.length; i++) {
        const item = items[i];
        if (item.kind !== "restriction" || !FINAL.has(item.facts.name)) continue;
        const previous = items[i - 1];
        if (previous?.kind === "restriction" && previous.facts.name === "warn_if_reject") continue;
        const ignored = items.slice(i + 1).map((other) => other.word.text);
        yield {
          file: placed.file,
          ...wordSpan(placed.setting, items[i + 1].word.text),
          message: `"${excerpt(ignored.join(", "))}" in ${placed.setting.name.text} never runs: "${item.word.text}" before it decides every request. smtpd logs that it ignores what follows. Move "${item.word.text}" to the end of the list, or remove the items after it.`,
        };
        break;
      }
    }
  },
});
