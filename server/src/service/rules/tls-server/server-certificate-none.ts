import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  certificateScopes,
  familyName,
  labels,
  onValue,
  originOf,
  serverView,
  written,
  yes,
} from "./shared";

export default defineRule({
  meta: {
    id: "server-certificate-none",
    severity: "warning",
    description:
      "smtpd_tls_cert_file = none: the server offers only anonymous TLS, which TLS 1.3 and most clients lack.",
    pitfalls: ["P29"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "The value `none` runs the server without a certificate. Only anonymous cipher suites remain, which TLS 1.3 does not define and many clients refuse, so their handshakes fail. A server that asks clients for certificates also needs one of its own; without it TLS stays off. For opportunistic TLS any certificate, even a self-signed one, is better.",
    fires: [{ main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = none\n" }],
    silent: [
      {
        note: "Another certificate is configured.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = none\nsmtpd_tls_eccert_file = /etc/ssl/ec.pem\n",
      },
      {
        note: "TLS is off.",
        main: "smtpd_tls_security_level = none\nsmtpd_tls_cert_file = none\n",
      },
    ],
  },
  *check(context) {
    const { tls } = serverView(context);
    const none = new ByOrigin<Scope>();
    for (const { scope, certName, certNone, others, chain } of certificateScopes(context))
      if (!chain && !others.length && certNone)
        none.add(originOf(context, certName, scope.service), scope);
    for (const [source, items] of none) {
      const asks = items.some((scope) => {
        const ask = familyName(context, scope.family, "smtpd_tls_ask_ccert");
        const req = familyName(context, scope.family, "smtpd_tls_req_ccert");
        return (
          (ask && yes(context.valueOf(ask, scope.service))) ||
          (req && yes(context.valueOf(req, scope.service)) && tls(scope).enforce)
        );
      });
      yield onValue(
        source,
        `${written(source)} runs ${labels(items)} without a certificate. Only anonymous cipher suites are left, which TLS 1.3 does not have and many clients refuse, so their TLS handshakes fail${asks ? '. Asking clients for certificates also needs a server certificate; the server logs "Need a server cert to request client certs" and TLS stays off' : ""}. Configure a certificate; a self-signed one is enough for opportunistic TLS.`,
      );
    }
  },
});
