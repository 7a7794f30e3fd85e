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
    id: "open-relay",
    severity: "error",
    description:
      "An smtpd that the Internet reaches relays mail from any client to any domain (an open relay).",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd evaluates its restriction lists for each recipient: a list ends at its first `permit` or `reject`, and a reject in any list refuses the recipient. When, for a client outside mynetworks that did not log in, no list refuses a recipient in a domain this server does not handle, anyone can send mail anywhere through it. Spammers find such servers within hours, and the server's address ends up on blocklists. The check follows `-o` overrides per service, `smtpd_delay_reject`, restriction classes and the defaults of the configured release; services bound to loopback addresses are skipped. An open mynetworks is reported by `mynetworks-internet` instead, and a decision that depends on a table by `relay-depends-on-table`.",
    fires: [
      {
        note: "A restriction class permits before the relay list reaches reject_unauth_destination (the start-up check looks past the class).",
        main: "compatibility_level = 3.6\nsmtpd_restriction_classes = relaxed\nrelaxed = permit_auth_destination, permit\nsmtpd_relay_restrictions = permit_mynetworks, relaxed, reject_unauth_destination\n",
      },
      {
        note: "Before Postfix 2.10 the start-up check also counted items after an unconditional permit.",
        version: "2.9",
        main: "smtpd_recipient_restrictions = permit_mynetworks, permit, reject_unauth_destination\n",
      },
    ],
    silent: [
      { note: "The defaults.", main: "compatibility_level = 3.6\n" },
      {
        note: "The permit ends only the recipient list; the relay list still refuses.",
        main: "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_recipient_restrictions = permit_auth_destination, permit\n",
      },
      {
        note: "A loopback-only service (a content filter's re-injection port).",
        master:
          "127.0.0.1:10025 inet n - n - - smtpd\n  -o smtpd_relay_restrictions=permit_mynetworks,permit\n  -o smtpd_recipient_restrictions=reject_unauth_destination\n",
        main: "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
      },
    ],
  },
  *check(context) {
    const open = smtpdScopes(context).flatMap((scope) => {
      if (!scope.reachable || !hasRelayControl(context, scope)) return [];
      const verdict = relayVerdict(context, scope);
      if (verdict.kind !== "open") return [];
      // permit_mynetworks with a mynetworks that trusts the Internet: mynetworks-internet.
      if (verdict.by?.item.word.text.toLowerCase() === "permit_mynetworks") return [];
      const span = verdict.by && itemSpan(verdict.by);
      const location =
        span && verdict.by?.source
          ? { file: verdict.by.source.file, ...span }
          : listLocation(context, verdict.list, scope);
      return [{ location, scope, data: verdict }];
    });
    for (const { location, scopes, data: verdict } of perLocation(open)) {
      if (verdict.kind !== "open") continue;
      const by = verdict.by;
      const cause = by
        ? `"${excerpt(by.item.word.text)}" in ${by.list} accepts the recipient before anything refuses relaying, and no other list refuses it`
        : "none of the restriction lists refuses a recipient in a foreign domain";
      yield {
        ...location,
        message: `${servicesLabel(scopes)} is an open relay: any client on the Internet can send mail through it to any domain. ${cause[0].toUpperCase()}${cause.slice(1)}. Spammers find such servers within hours and get them blocklisted. Put reject_unauth_destination after permit_mynetworks and permit_sasl_authenticated, before any unconditional permit.`,
      };
    }
  },
});
