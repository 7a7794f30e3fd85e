import { defineRule } from "../rule";
import { Report, clientsAtLevel, clientsOf, joinWords } from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-verify-without-ca",
    severity: "error",
    description:
      "The verify or secure level without any CAfile, CApath or trust-anchor file: every certificate fails verification.",
    pitfalls: ["P45"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Levels verify and secure accept a server only when its certificate chains to a trusted CA. The client's trust store is what `*_tls_CAfile`, `*_tls_CApath` and `*_tls_trust_anchor_file` give it; the system's default CAs are added only to a CAfile or CApath that is configured. With all three empty nothing is trusted, so every certificate fails verification and all mail for the transport is deferred.",
    fires: [
      {
        note: "verify toward a relay, with no CA configured.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = verify\n",
      },
      {
        note: "The level set with -o on one transport.",
        main: "relayhost = [relay.example.com]\n",
        master:
          "smtp      unix  -       -       y       -       -       smtp\n" +
          "v         unix  -       -       y       -       -       smtp -o smtp_tls_security_level=secure\n",
      },
    ],
    silent: [
      {
        note: "A CA directory is configured.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = verify\nsmtp_tls_CApath = /etc/ssl/certs\n",
      },
      {
        note: "A policy table may supply what the destinations need.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = verify\nsmtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const { scope, level, source } of clientsAtLevel(clients, ["verify", "secure"])) {
      if (clients.hasPolicyTable(scope)) continue;
      const p = scope.prefix;
      const anchors = [`${p}_tls_CAfile`, `${p}_tls_CApath`, `${p}_tls_trust_anchor_file`];
      if (anchors.some((name) => clients.value(scope, name).trim())) continue;
      report.onSetting(
        source,
        [scope],
        (where) =>
          `Level ${level} needs trusted CAs, but ${joinWords(anchors)} are all empty for ${where}. ` +
          `Postfix then trusts no CA at all (the system CAs are only added to a configured CAfile or CApath), ` +
          `so every server certificate fails verification and all mail is deferred. Set ${p}_tls_CAfile to ` +
          `your system's CA bundle.`,
      );
    }
    yield* report.findings();
  },
});
