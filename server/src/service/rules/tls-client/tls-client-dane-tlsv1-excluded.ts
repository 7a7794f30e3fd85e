import { defineRule } from "../rule";
import { PREFIXES, Report, TLSV1, clientsOf, enabledProtocols } from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-dane-tlsv1-excluded",
    severity: "info",
    description: "smtp_tls_mandatory_protocols excludes TLSv1 while DANE is the default level.",
    pitfalls: ["P23"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "For a destination with TLSA records, DANE makes TLS mandatory, so the client reads the mandatory protocol list. A floor above TLSv1 there applies to every DANE-protected server at once. A few such servers still only speak TLSv1; their mail is deferred instead of being delivered over authenticated TLSv1. A higher floor is better set per destination in the policy table.",
    fires: [
      {
        note: "DANE by default with a TLSv1.2 floor for mandatory TLS.",
        main: "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\nsmtp_tls_mandatory_protocols = >=TLSv1.2\n",
      },
    ],
    silent: [
      {
        note: "TLSv1 stays allowed.",
        main: "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\nsmtp_tls_mandatory_protocols = >=TLSv1\n",
      },
      {
        note: "Without DANE the floor only affects the relay host.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = encrypt\nsmtp_tls_mandatory_protocols = >=TLSv1.2\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const prefix of PREFIXES) {
      for (const { source, scopes } of clients.placements(prefix, "tls_mandatory_protocols")) {
        const dane = scopes.filter((scope) =>
          ["dane", "dane-only"].includes(clients.level(scope).value),
        );
        if (dane.length === 0) continue;
        const value = source.setting.value.text;
        if (value.includes("$")) continue;
        const parsed = enabledProtocols(value);
        if (!parsed || parsed.gap || parsed.enabled.length === 0 || parsed.enabled[0] <= TLSV1)
          continue;
        const name = source.setting.name.text;
        report.onValue(
          source,
          dane,
          (where) =>
            `${name} = ${value} rules out TLSv1 for every DANE destination of ${where}. A few DANE-protected ` +
            `servers still only speak TLSv1, and mail to them will be deferred. Keep TLSv1 here and raise the ` +
            `minimum per destination in ${prefix}_tls_policy_maps (protocols=...).`,
        );
      }
    }
    yield* report.findings();
  },
});
