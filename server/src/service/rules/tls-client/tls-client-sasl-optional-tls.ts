import { defineRule } from "../rule";
import { Report, capitalize, clientsOf, isYes, norm, verb, words } from "./shared";

const BASE = "relayhost = [mail.example.com]:587\nsmtp_sasl_auth_enable = yes\n";

export default defineRule({
  meta: {
    id: "tls-client-sasl-optional-tls",
    severity: "warning",
    description:
      "SMTP client authentication that allows plaintext mechanisms while TLS is optional or off.",
    pitfalls: ["P53"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "When the client logs in to a server with SASL, PLAIN and LOGIN send the password readable to anyone on the path unless the session is encrypted. At levels none, may and dane (without TLSA records) TLS is not guaranteed: a server without STARTTLS, or an attacker who strips it from the server's reply, gets the password in plaintext. Without `noplaintext` in `smtp_sasl_security_options` nothing stops that; requiring TLS toward the server that receives the password does.",
    fires: [
      {
        note: "Plaintext mechanisms allowed with opportunistic TLS.",
        main: `${BASE}smtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = may\n`,
      },
    ],
    silent: [
      {
        note: "TLS is required.",
        main: `${BASE}smtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = encrypt\n`,
      },
      {
        note: "The default options already exclude plaintext mechanisms.",
        main: `${BASE}smtp_tls_security_level = may\n`,
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const scope of clients.scopes) {
      const p = scope.prefix;
      if (!isYes(clients.value(scope, `${p}_sasl_auth_enable`))) continue;
      const optionsName = `${p}_sasl_security_options`;
      const source = clients.source(scope, optionsName);
      if (!source) continue;
      if (words(norm(clients.value(scope, optionsName))).includes("noplaintext")) continue;
      if (clients.hasPolicyTable(scope)) continue;
      const level = clients.level(scope).value;
      if (!["none", "may", "dane"].includes(level)) continue;
      const exposure =
        level === "none"
          ? "TLS is off, so a PLAIN or LOGIN password always goes over the wire unencrypted"
          : `TLS is optional (level ${level}), so when the server offers no STARTTLS, or an attacker removes it, a PLAIN or LOGIN password goes over the wire unencrypted`;
      report.onValue(
        source,
        [scope],
        (where) =>
          `The SMTP client may send a password unencrypted: ${optionsName} lacks noplaintext, and TLS is not required. ` +
          `${capitalize(where)} ${verb(where, "authenticates")} with ${p}_sasl_auth_enable = yes while ${exposure}. ` +
          `Require TLS toward the server that gets the password (${p}_tls_security_level = encrypt, or an ` +
          `encrypt entry for it in ${p}_tls_policy_maps).`,
      );
    }
    yield* report.findings();
  },
});
