import { defineRule } from "../rule";
import { ByOrigin, type Scope, familyName, labels, onName, originOf, serverView } from "./shared";

/** Each mandatory parameter and the one the server uses while TLS is optional. */
const MANDATORY = [
  ["smtpd_tls_mandatory_protocols", "smtpd_tls_protocols"],
  ["smtpd_tls_mandatory_ciphers", "smtpd_tls_ciphers"],
  ["smtpd_tls_mandatory_exclude_ciphers", "smtpd_tls_exclude_ciphers"],
] as const;

export default defineRule({
  meta: {
    id: "tls-server-mandatory-unused",
    severity: "info",
    description:
      "smtpd_tls_mandatory_* settings on services where TLS is never required; they never apply.",
    pitfalls: ["P16"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "The server has two sets of protocol and cipher settings: the `mandatory` ones apply where TLS is required (level encrypt or wrapper mode), the others where TLS is optional. Tightening smtpd_tls_mandatory_protocols on a server where every service uses `may` changes nothing; the setting that takes effect there is smtpd_tls_protocols.",
    fires: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\n",
      },
    ],
    silent: [
      {
        note: "The submission service requires TLS and reads it.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
  },
  *check(context) {
    const { scopes, tls } = serverView(context);
    for (const [mandatory, optional] of MANDATORY) {
      const readers = new ByOrigin<Scope>();
      for (const scope of scopes) {
        const name = familyName(context, scope.family, mandatory);
        if (name) readers.add(originOf(context, name, scope.service), scope);
      }
      for (const [source, items] of readers) {
        if (items.some((scope) => tls(scope).enforce || tls(scope).invalid)) continue;
        const name = source.setting.name.text;
        const optionalName = name.replace(
          mandatory.slice("smtpd".length),
          optional.slice("smtpd".length),
        );
        yield onName(
          source,
          `${name} never takes effect: TLS is optional or off on ${labels(items)}, which use${items.length > 1 ? "" : "s"} this setting. It is only used where TLS is required (encrypt or wrapper mode). With optional TLS the server uses ${optionalName}; change that instead, or remove this setting.`,
        );
      }
    }
  },
});
