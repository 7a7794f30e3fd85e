import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  certificateScopes,
  familyName,
  labels,
  onName,
  place,
  serverView,
  written,
} from "./shared";

export default defineRule({
  meta: {
    id: "server-tls-without-certificate",
    severity: "error",
    description:
      "Server TLS is turned on but no certificate is configured; STARTTLS is still announced, then refused with 454.",
    pitfalls: ["P28"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "A server needs a certificate and key to do TLS. Without one, smtpd logs that TLS cannot be enabled but still announces STARTTLS, and answers the command with a temporary 454 error; in wrapper mode it drops the connection. Clients that insist on TLS defer their mail, and where TLS is required nobody can send. A quick look at the EHLO response hides the problem, since STARTTLS is listed.",
    fires: [
      { note: "TLS is on, no certificate anywhere.", main: "smtpd_tls_security_level = may\n" },
      {
        note: "Wrapper mode on the submissions service.",
        master:
          "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
      },
      { main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/mx.pem\n" },
    ],
  },
  *check(context) {
    const { tls } = serverView(context);
    const missing = new ByOrigin<Scope>();
    for (const { scope, cert, certNone, others, chain } of certificateScopes(context))
      if (!chain && !others.length && !certNone && !cert) missing.add(tls(scope).origin, scope);
    for (const [source, items] of missing) {
      const enforce = items.some((scope) => tls(scope).enforce);
      const wrapper = items.some((scope) => tls(scope).wrapper);
      const [chainName, certName, eccertName] = [
        "smtpd_tls_chain_files",
        "smtpd_tls_cert_file",
        "smtpd_tls_eccert_file",
      ].map((base) => familyName(context, items[0].family, base) ?? base);
      yield onName(
        source,
        `${written(source)} ${place(context, source)} turns on TLS for ${labels(items)}, but no server certificate is configured. ${chainName}, ${certName} and ${eccertName} are all empty: the server logs "No server certs available. TLS won't be enabled", still announces STARTTLS, and answers it with "454 4.7.0 TLS not available due to local problem"${wrapper ? "; in wrapper mode it drops the connection" : ""}. A quick test looks as if TLS were on, but clients that insist on TLS defer${enforce ? ", and where TLS is required no client can send mail at all" : ""}. Set smtpd_tls_chain_files to the private key followed by the certificate chain, or set smtpd_tls_cert_file and smtpd_tls_key_file.`,
      );
    }
  },
});
