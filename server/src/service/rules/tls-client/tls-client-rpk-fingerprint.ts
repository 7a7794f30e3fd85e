import { defineRule } from "../rule";
import { Report, clientsOf, clientsWithSwitch } from "./shared";

const BASE =
  "relayhost = [relay.example.com]\nsmtp_tls_fingerprint_cert_match = 3D:95:34:51:24:66:33:B9:D2:40:99:C0:C1:17:0B:D1\nsmtp_tls_enable_rpk = yes\n";

export default defineRule({
  meta: {
    id: "tls-client-rpk-fingerprint",
    severity: "warning",
    description: "Raw public keys enabled together with the fingerprint level.",
    pitfalls: ["P51"],
    fixable: false,
    files: ["main", "master"],
    since: "3.9",
  },
  docs: {
    why: "With `smtp_tls_enable_rpk = yes` (Postfix 3.9 and later) the client tells servers it accepts a bare public key instead of a certificate. When a server takes up the offer, only the fingerprint of its key can match at level fingerprint: a list of certificate fingerprints then matches nothing, and deliveries to that server fail. Either list public-key fingerprints or leave raw public keys off.",
    fires: [
      {
        note: "Certificate fingerprints, with raw public keys offered.",
        main: `${BASE}smtp_tls_security_level = fingerprint\n`,
      },
    ],
    silent: [
      {
        note: "At level verify raw public keys are not used.",
        main: `${BASE}smtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt\n`,
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const { scope, name, source } of clientsWithSwitch(clients, "tls_enable_rpk")) {
      if (clients.level(scope).value !== "fingerprint") continue;
      const matchName = `${scope.prefix}_tls_fingerprint_cert_match`;
      report.onSetting(
        source,
        [scope],
        (where) =>
          `${name} = yes with level fingerprint: a server that sends a bare public key fails the certificate fingerprints. ` +
          `It lets a server answer ${where} with a public key instead of a certificate; once a server does that, certificate fingerprints in ${matchName} no longer ` +
          `match and delivery fails. List public-key fingerprints there, or set ${name} = no.`,
      );
    }
    yield* report.findings();
  },
});
