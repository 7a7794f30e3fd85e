import { defineRule } from "../rule";
import { PREFIXES, Report, clientsOf, joinWords, verb } from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-ca-unused",
    severity: "info",
    description:
      "A client CAfile/CApath where no transport verifies certificates: it only changes logging, and a bad path turns TLS off.",
    pitfalls: ["P44"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "At levels may and encrypt the client delivers whether or not it trusts the server certificate. The CA file or directory then only decides whether the log calls the connection Trusted or Untrusted. It is not harmless, though: when the file or directory cannot be loaded, the client gives up on TLS for the delivery. A CA setting that protects nothing but can switch TLS off deserves a second look.",
    fires: [
      {
        note: "A CA bundle for opportunistic TLS.",
        main: "smtp_tls_security_level = may\nsmtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt\n",
      },
    ],
    silent: [
      {
        note: "One transport verifies certificates with it.",
        main: "smtp_tls_security_level = may\nsmtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt\n",
        master:
          "smtp      unix  -       -       y       -       -       smtp\n" +
          "v         unix  -       -       y       -       -       smtp -o smtp_tls_security_level=verify\n",
      },
      {
        note: "A policy table may ask for verification.",
        main: "smtp_tls_security_level = may\nsmtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt\nsmtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const prefix of PREFIXES) {
      for (const suffix of ["tls_CAfile", "tls_CApath"]) {
        for (const { source, scopes } of clients.placements(prefix, suffix)) {
          if (!source.setting.value.text.trim()) continue;
          if (scopes.some((scope) => clients.hasPolicyTable(scope))) continue;
          const levels = scopes.map((scope) => clients.level(scope).value);
          if (!levels.every((level) => ["none", "may", "encrypt"].includes(level))) continue;
          if (!levels.some((level) => level !== "none")) continue;
          const name = source.setting.name.text;
          report.onSetting(
            source,
            scopes,
            (where) =>
              `${name} does not change how ${where} ${verb(where, "delivers")}. At level ` +
              `${joinWords([...new Set(levels)])} mail goes out whether or not the server certificate is trusted, ` +
              `and the CA data only decides whether the log says "Trusted" or "Untrusted". If the path cannot be ` +
              `loaded, though, the client turns TLS off. Remove it unless you want that log detail, and make sure ` +
              `the path exists if you keep it.`,
          );
        }
      }
    }
    yield* report.findings();
  },
});
