import { defineRule } from "../rule";
import { PREFIXES, Report, clientsOf, isYes, joinWords, verb } from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-mandatory-unused",
    severity: "info",
    description:
      "A client `*_tls_mandatory_*` setting while every transport that reads it uses opportunistic or no TLS.",
    pitfalls: ["P16"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "The SMTP and LMTP clients keep two sets of protocol and cipher settings: the `*_tls_mandatory_*` ones apply only where TLS is required (level encrypt or stricter, or a dane destination that has TLSA records), the plain ones to opportunistic TLS. When every client that reads a mandatory setting runs at level none or may, with no policy table and no wrapper mode, the setting is never used. Administrators often set it believing it hardens opportunistic TLS, which it does not.",
    fires: [
      {
        note: "Mandatory ciphers for a client that only uses opportunistic TLS.",
        main: "smtp_tls_security_level = may\nsmtp_tls_mandatory_ciphers = high\n",
      },
    ],
    silent: [
      {
        note: "A policy table may make TLS mandatory for some destinations.",
        main: "smtp_tls_security_level = may\nsmtp_tls_mandatory_ciphers = high\nsmtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n",
      },
      {
        note: "One transport requires TLS and reads the setting.",
        main: "smtp_tls_security_level = may\nsmtp_tls_mandatory_ciphers = high\n",
        master:
          "smtp      unix  -       -       y       -       -       smtp\n" +
          "sub       unix  -       -       y       -       -       smtp -o smtp_tls_security_level=encrypt\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const prefix of PREFIXES) {
      for (const suffix of [
        "tls_mandatory_protocols",
        "tls_mandatory_ciphers",
        "tls_mandatory_exclude_ciphers",
      ]) {
        for (const { source, scopes } of clients.placements(prefix, suffix)) {
          if (scopes.some((scope) => clients.hasPolicyTable(scope))) continue;
          const levels = scopes.map((scope) => clients.level(scope).value);
          if (!levels.every((level) => level === "none" || level === "may")) continue;
          // Wrapper mode enforces TLS regardless of the level.
          if (scopes.some((scope) => isYes(clients.value(scope, `${prefix}_tls_wrappermode`))))
            continue;
          const name = source.setting.name.text;
          const opportunistic = name.replace("_mandatory", "");
          report.onSetting(
            source,
            scopes,
            (where) =>
              `${name} is never used, because no client here makes TLS mandatory. ` +
              `It only applies at level encrypt or stricter, or for a dane destination with TLSA records, but ${where} ${verb(where, "uses")} ` +
              `${joinWords([...new Set(levels)])} and no ${prefix}_tls_policy_maps. Opportunistic TLS reads ` +
              `${opportunistic} instead. Remove the setting, or keep it for destinations you make mandatory.`,
          );
        }
      }
    }
    yield* report.findings();
  },
});
