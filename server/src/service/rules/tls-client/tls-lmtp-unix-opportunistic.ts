import { defineRule } from "../rule";
import { Report, clientsOf, joinWords, norm, verb, written } from "./shared";

const DOVECOT =
  "lmtp_tls_security_level = may\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n";

export default defineRule({
  meta: {
    id: "tls-lmtp-unix-opportunistic",
    severity: "info",
    description:
      "lmtp_tls_security_level = may for an LMTP transport that only delivers to UNIX-domain sockets.",
    pitfalls: ["P54"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "TLS over a UNIX-domain socket protects nothing, so the LMTP client does not try it: at level may it turns TLS off for such a destination and logs a warning for every delivery. When all destinations of the LMTP transport are sockets (a local Dovecot, for example), the setting only fills the log.",
    fires: [
      {
        note: "Opportunistic TLS toward a local Dovecot socket.",
        main: DOVECOT,
        fixed: {
          main: "lmtp_tls_security_level = none\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n",
        },
      },
    ],
    silent: [
      {
        note: "A TCP destination can use TLS.",
        main: "lmtp_tls_security_level = may\nvirtual_transport = lmtp:inet:127.0.0.1:24\n",
      },
      {
        note: "A transport table may send mail elsewhere.",
        main: `${DOVECOT}transport_maps = hash:/etc/postfix/transport\n`,
      },
    ],
    fix: "Changes the value to `none`, which is what Postfix already does for these destinations, so delivery does not change and the warnings stop. If you later add a TCP destination for the same transport, choose its level again.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const { source, scopes } of clients.placements("lmtp", "tls_security_level")) {
      if (norm(source.setting.value.text) !== "may") continue;
      // Only when every LMTP transport that reads this setting delivers to sockets alone.
      const sockets = scopes.map((scope) => clients.unixOnlyDestinations(scope));
      if (!sockets.every((list) => list !== undefined)) continue;
      const unix = [...new Set(sockets.flat() as string[])];
      report.onSetting(
        source,
        scopes,
        (where) =>
          `${written(source)} does nothing for ${where}, which ${verb(where, "delivers")} only over UNIX-domain sockets. ` +
          `Its destinations are ${joinWords(unix)}: on ${unix.length > 1 ? "UNIX-domain sockets" : "a UNIX-domain socket"}, Postfix turns opportunistic TLS off and logs a warning for each ` +
          `delivery. Set the level to none (what happens now), or to encrypt if the LMTP server must present ` +
          `a certificate.`,
        { title: "Change to none", edits: [{ ...source.setting.value, newText: "none" }] },
      );
    }
    yield* report.findings();
  },
});
