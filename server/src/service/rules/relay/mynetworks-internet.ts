import { excerpt } from "../../text/excerpt";
import type { RuleContext } from "../context";
import { defineRule, perContext } from "../rule";
import { wordSpan } from "../startup/shared";
import { coversInternet } from "./networks";
import { hasRelayControl, mynetworksSettings, servicesLabel, smtpdScopes } from "./shared";
import { relayVerdict } from "./verdict";

/**
 * The mynetworks settings that trust most of the Internet and thereby open the
 * relay of an smtpd the Internet reaches, with those smtpd scopes.
 */
export const internetMynetworks = perContext((context: RuleContext) =>
  mynetworksSettings(context).flatMap(({ placed, entries }) => {
    const covering = coversInternet(entries);
    if (!covering) return [];
    const scopes = smtpdScopes(context).filter((scope) => {
      // An smtpd that does not start relays nothing: no-relay-control reports it.
      if (!scope.reachable || !hasRelayControl(context, scope)) return false;
      if (context.sourceOf("mynetworks", scope.service)?.setting !== placed.setting) return false;
      const verdict = relayVerdict(context, scope);
      return (
        verdict.kind === "open" && verdict.by?.item.word.text.toLowerCase() === "permit_mynetworks"
      );
    });
    return scopes.length > 0 ? [{ placed, covering, scopes }] : [];
  }),
);

export default defineRule({
  meta: {
    id: "mynetworks-internet",
    severity: "error",
    description:
      "mynetworks covers most of the Internet, so permit_mynetworks lets anyone relay (an open relay).",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "`permit_mynetworks` accepts every client whose address mynetworks matches. With 0.0.0.0/0, ::/0, a static: table or ranges that together cover at least half of the IPv4 Internet, that is practically every client, and it may relay mail to any domain without logging in. Spammers find such servers within hours. Reported where the relay is actually open: an smtpd the Internet reaches, whose lists reach `permit_mynetworks` before anything refuses relaying.",
    fires: [
      { note: "Everything trusted.", main: "compatibility_level = 3.6\nmynetworks = 0.0.0.0/0\n" },
      {
        note: "Two halves make the whole.",
        main: "compatibility_level = 3.6\nmynetworks = 0.0.0.0/1, 128.0.0.0/1\n",
      },
    ],
    silent: [
      { main: "compatibility_level = 3.6\nmynetworks = 127.0.0.0/8, 192.168.0.0/16\n" },
      {
        note: "Only loopback listens.",
        main: "compatibility_level = 3.6\ninet_interfaces = loopback-only\nmynetworks = 0.0.0.0/0\n",
      },
      {
        note: "The relay list does not use permit_mynetworks.",
        main: "compatibility_level = 3.6\nmynetworks = 0.0.0.0/0\nsmtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination\n",
      },
    ],
  },
  *check(context) {
    for (const { placed, covering, scopes } of internetMynetworks(context)) {
      yield {
        file: placed.file,
        ...wordSpan(placed.setting, covering.text),
        message: `${servicesLabel(scopes)} is an open relay: mynetworks trusts most of the Internet with "${excerpt(covering.text)}", and permit_mynetworks lets every such client send mail to any domain. Spammers find such servers within hours and get them blocklisted. List only the networks of hosts that send through this server, e.g. 127.0.0.0/8 and your LAN.`,
      };
    }
  },
});
