import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import {
  hasRelayControl,
  itemSpan,
  listLocation,
  perLocation,
  servicesLabel,
  smtpdScopes,
} from "./shared";
import { relayVerdict } from "./verdict";

export default defineRule({
  meta: {
    id: "relay-depends-on-table",
    severity: "info",
    description:
      "Whether clients on the Internet can relay depends on a lookup table or policy server that runs before the relay control.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "An access table (`check_*_access`, or a bare `type:table`) or a policy server that answers OK ends its restriction list with a permit. When it runs before the item that refuses relaying, and no other list refuses, its answer decides whether a client outside mynetworks can relay. A sender or HELO name is whatever the client claims, so an OK for them opens the relay to anyone who forges one. The table's contents are not known from main.cf and master.cf, so this is information, not a verdict.",
    fires: [
      {
        note: "A sender table decides before reject_unauth_destination, and the relay list is empty.",
        main: "smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit_mynetworks, check_sender_access hash:/etc/postfix/sender_access, reject_unauth_destination\n",
      },
    ],
    silent: [
      {
        note: "The table runs after the relay control.",
        main: "smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, check_sender_access hash:/etc/postfix/sender_access\n",
      },
      {
        note: "The relay list refuses on its own, whatever the recipient list's table says.",
        main: "compatibility_level = 3.6\nsmtpd_recipient_restrictions = check_sender_access hash:/etc/postfix/sender_access, reject_unauth_destination\n",
      },
    ],
  },
  *check(context) {
    const pending = smtpdScopes(context).flatMap((scope) => {
      if (!scope.reachable || !hasRelayControl(context, scope)) return [];
      const verdict = relayVerdict(context, scope);
      if (verdict.kind !== "depends") return [];
      const span = itemSpan(verdict.on);
      const location =
        span && verdict.on.source
          ? { file: verdict.on.source.file, ...span }
          : listLocation(context, verdict.on.list, scope);
      return [{ location, scope, data: verdict }];
    });
    for (const { location, scopes, data: verdict } of perLocation(pending)) {
      if (verdict.kind !== "depends") continue;
      const { on, refusedBy } = verdict;
      const what =
        on.item.kind === "restriction" && on.item.argument
          ? `${on.item.word.text} ${on.item.argument.text}`
          : on.item.word.text;
      yield {
        ...location,
        message: `Whether clients on the Internet can relay through ${servicesLabel(scopes)} depends on what "${excerpt(what)}" answers: it runs before "${excerpt(refusedBy.item.word.text)}" in ${on.list}. An OK from it ends the list with a permit, and no other list refuses relaying. Make sure it answers OK only for clients or recipients you relay for, or move it after ${refusedBy.item.word.text}.`,
      };
    }
  },
});
