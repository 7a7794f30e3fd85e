import { defineRule } from "../rule";
import { Report, clientsOf, levelMeaning, verb, written } from "./shared";

/** Who gets no mail at each mandatory level. */
const UNREACHABLE: Record<string, string> = {
  encrypt: "servers without STARTTLS",
  verify: "servers without STARTTLS or without a certificate your CAs trust",
  secure: "servers without STARTTLS or without a certificate your CAs trust",
  fingerprint: "every server whose fingerprint is not listed",
  "dane-only": "servers without DNSSEC-signed TLSA records",
};

export default defineRule({
  meta: {
    id: "tls-client-mandatory-internet-default",
    severity: "warning",
    description:
      "A mandatory TLS level as the default for direct delivery to the Internet (no relayhost).",
    pitfalls: ["P46"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `A host without relayhost, transport tables or a next hop in default_transport delivers straight to the MX hosts of every recipient domain. Many of them offer no STARTTLS or present certificates that no public CA signed. A mandatory level as the default (encrypt, verify, secure, fingerprint or dane-only) defers mail to all of those, and after the queue lifetime it bounces. The usual default for Internet mail is ${levelMeaning("may")} or ${levelMeaning("dane")}, with stricter levels only for chosen destinations.`,
    fires: [
      {
        note: "encrypt for all outgoing mail, delivered directly.",
        main: "smtp_tls_security_level = encrypt\n",
        master: "smtp      unix  -       -       y       -       -       smtp\n",
      },
    ],
    silent: [
      {
        note: "Everything goes to one relay host.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = encrypt\n",
      },
      {
        note: "A transport table may route the mail elsewhere.",
        main: "transport_maps = hash:/etc/postfix/transport\nsmtp_tls_security_level = encrypt\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    const scope = clients.internetScope();
    if (!scope) return;
    const level = clients.level(scope);
    if (!Object.hasOwn(UNREACHABLE, level.value) || !level.source) return;
    const source = level.source;
    report.onSetting(
      source,
      [scope],
      (where) =>
        `${written(source)} makes ${level.value} the level for all Internet mail. There is no relayhost, and ` +
        `${where} ${verb(where, "delivers")} directly. Mail to ${UNREACHABLE[level.value]} is deferred and ` +
        `eventually returned to the sender. Use may (or dane, with DNSSEC) as the default, and require ` +
        `stronger TLS for specific destinations in smtp_tls_policy_maps.`,
    );
    yield* report.findings();
  },
});
