import { defineRule } from "../rule";
import { Report, clientsAtLevel, clientsOf, levelMeaning } from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-fingerprint-without-match",
    severity: "error",
    description: "The fingerprint level with an empty *_tls_fingerprint_cert_match.",
    pitfalls: ["P48"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Level ${levelMeaning("fingerprint")} replaces CA trust with a list of expected fingerprints in \`*_tls_fingerprint_cert_match\`. With that list empty there is nothing a server could match: Postfix logs that it has no fingerprints and defers every delivery of the transport. Unless a policy table gives the fingerprints per destination, the global list must not be empty.`,
    fires: [
      {
        note: "fingerprint toward a relay, with no fingerprint listed.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = fingerprint\n",
      },
    ],
    silent: [
      {
        note: "The expected fingerprint is listed.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = fingerprint\nsmtp_tls_fingerprint_cert_match = 3D:95:34:51:24:66:33:B9:D2:40:99:C0:C1:17:0B:D1\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const { scope, source } of clientsAtLevel(clients, ["fingerprint"])) {
      if (clients.hasPolicyTable(scope)) continue;
      const matchName = `${scope.prefix}_tls_fingerprint_cert_match`;
      if (clients.value(scope, matchName).trim()) continue;
      report.onSetting(
        source,
        [scope],
        (where) =>
          `Level fingerprint has no fingerprints to compare with: ${matchName} is empty for ${where}. ` +
          `Postfix logs that there are no fingerprints to match and defers every delivery. List the ` +
          `expected fingerprints in ${matchName}.`,
      );
    }
    yield* report.findings();
  },
});
