import { isYes } from "../../analysis/restrictions";
import { worksInStage } from "../../restrictionDocs";
import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { writtenLists } from "./shared";

const DATA = {
  client: "client",
  helo: "HELO/EHLO name",
  sender: "sender address",
  recipient: "recipient address",
  etrn: "ETRN domain",
};

export default defineRule({
  meta: {
    id: "restriction-wrong-stage",
    severity: "warning",
    description:
      "A restriction in a list whose stage never has the data it checks, so it silently does nothing.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Each list runs at one stage of the SMTP dialogue. A restriction that checks data the stage does not have yet (a recipient check in smtpd_client_restrictions with `smtpd_delay_reject = no`, a sender check in smtpd_etrn_restrictions, check_etrn_access outside the ETRN list) does nothing, without any log message. With `smtpd_delay_reject = yes` (the default) the client, HELO and sender lists run when the recipient is known, so recipient checks work there.",
    fires: [
      {
        main: "smtpd_delay_reject = no\nsmtpd_client_restrictions = permit_mynetworks, reject_unauth_destination\n",
      },
      { main: "smtpd_recipient_restrictions = check_etrn_access hash:/etc/postfix/etrn\n" },
    ],
    silent: [
      { main: "smtpd_client_restrictions = permit_mynetworks, reject_unauth_destination\n" },
      { main: "smtpd_delay_reject = no\nsmtpd_sender_restrictions = reject_non_fqdn_sender\n" },
    ],
  },
  *check(context) {
    for (const { placed, stage, items } of writtenLists(context)) {
      if (!stage) continue;
      const delay = isYes(context.valueOf("smtpd_delay_reject", placed.service));
      for (const item of items) {
        if (item.kind !== "restriction" && item.kind !== "missing-argument") continue;
        if (worksInStage(item.facts.needs, stage, delay)) continue;
        const list = placed.setting.name.text;
        const hint =
          delay || !["client", "helo", "sender"].includes(stage)
            ? `Move it to a list that has the ${DATA[item.facts.needs]}.`
            : `Move it to a later list, or set smtpd_delay_reject = yes (the default).`;
        yield {
          file: placed.file,
          ...wordSpan(placed.setting, item.word.text),
          message: `${item.facts.name} in ${list} does nothing: it checks the ${DATA[item.facts.needs]}, which ${list} never has${delay ? "" : " with smtpd_delay_reject = no"}. smtpd skips it without a word. ${hint}`,
        };
      }
    }
  },
});
