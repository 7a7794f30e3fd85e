import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  familyName,
  onValue,
  originOf,
  ownSettingOf,
  place,
  port25Labels,
  port25TlsScopes,
  replaceValue,
  written,
  yes,
} from "./shared";

export default defineRule({
  meta: {
    id: "ask-ccert-on-port-25",
    severity: "info",
    description: "The public SMTP service on port 25 asks every client for a certificate.",
    pitfalls: ["P43"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "With `smtpd_tls_ask_ccert = yes` the server requests a certificate in every TLS handshake. On port 25 the clients are other mail servers, which seldom present one; the request costs work on each connection and makes some clients fail the handshake and fall back or defer. Client certificates are useful on services where you authorise clients by them, not on the public MX. Without master.cf the rule assumes main.cf reaches port 25.",
    fires: [
      {
        note: "Asked for on the port 25 service; the fix turns it off there.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd -o smtpd_tls_ask_ccert=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "smtp inet n - y - - smtpd -o smtpd_tls_ask_ccert=no\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
      {
        note: "Asked for in main.cf, without master.cf.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_ask_ccert = yes\n",
      },
    ],
    silent: [
      {
        note: "Asked for on submission only.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_ask_ccert=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Offered only for an `-o …_tls_ask_ccert=yes` on the port 25 service itself: it changes the value to `no`. Not safe if restrictions on that service (check_ccert_access, permit_tls_clientcerts) rely on client certificates; move those to a service of their own first.",
  },
  *check(context) {
    const asking = new ByOrigin<Scope>();
    for (const scope of port25TlsScopes(context)) {
      const ask = familyName(context, scope.family, "smtpd_tls_ask_ccert");
      if (ask && yes(context.valueOf(ask, scope.service)))
        asking.add(originOf(context, ask, scope.service), scope);
    }
    for (const [source, items] of asking) {
      const fix = ownSettingOf(items, source)
        ? { title: "Change to no", edits: [replaceValue(source, "no")] }
        : undefined;
      yield onValue(
        source,
        `${written(source)} ${place(context, source)} makes the public port 25 service (${port25Labels(items)}) ask every client for a certificate. Mail servers rarely have one to offer, it costs extra work per connection, and some clients fail the handshake. Ask for client certificates only on services that use them.`,
        fix,
      );
    }
  },
});
