import { defineRule } from "../rule";
import { Report, clientsOf } from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-cert-unneeded",
    severity: "info",
    description:
      "A client certificate on a host that delivers directly to the Internet, where servers do not ask for one.",
    pitfalls: ["P56"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Mail servers on the Internet practically never ask the sending client for a certificate, so one configured on a host that delivers directly (no relayhost, no transport or policy tables) is not used for anything useful. Offering it is not free: some servers handle client certificates badly, and the handshake with them can fail. A client certificate belongs to setups where a specific relay or destination authenticates clients that way.",
    fires: [
      {
        note: "A client certificate for direct delivery.",
        main: "smtp_tls_cert_file = /etc/postfix/client.pem\n",
      },
    ],
    silent: [
      {
        note: "A relay host may require client certificates.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_cert_file = /etc/postfix/client.pem\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const scope = clients.internetScope();
    if (!scope || clients.hasPolicyTable(scope)) return;
    const report = new Report();
    for (const suffix of ["tls_cert_file", "tls_eccert_file", "tls_chain_files"]) {
      const name = `${scope.prefix}_${suffix}`;
      const source = clients.source(scope, name);
      if (!source || !clients.known(name) || !source.setting.value.text.trim()) continue;
      report.onSetting(
        source,
        [scope],
        (where) =>
          `${name} gives ${where} a client certificate that Internet servers practically never ask for. ` +
          `This host delivers directly to the Internet (no relayhost, no transport or policy tables), and ` +
          `offering one can cause handshake problems with some servers. Remove it unless a destination requires ` +
          `client-certificate authentication.`,
      );
    }
    yield* report.findings();
  },
});
