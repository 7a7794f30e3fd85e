import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { DANE_LEVELS, labels, onValue, replaceValue, scopesWithLevel } from "./shared";

export default defineRule({
  meta: {
    id: "dane-level-on-server",
    severity: "error",
    description: "dane or dane-only as a server TLS level; the server stops with a fatal error.",
    pitfalls: ["P32"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "DANE is how a sending client checks a receiving server's certificate against TLSA records in DNS. The server side has no DANE level: smtpd (and postscreen) stop with an invalid-level error, and no mail is received. A receiving server takes part in DANE by publishing TLSA records for its certificate and offering TLS.",
    fires: [
      {
        note: "The fix makes the server offer TLS.",
        main: "smtpd_tls_security_level = dane\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        },
      },
    ],
    silent: [
      {
        note: "The client side does have this level.",
        main: "smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\n",
      },
      {
        note: "Wrapper mode ignores the level.",
        main: "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=dane\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Changes the value to `may`, opportunistic TLS, which is what a DANE-protected MX offers. If the service must require TLS (submission), choose `encrypt` instead; a public port 25 service must not.",
  },
  *check(context) {
    for (const [source, items] of scopesWithLevel(context, DANE_LEVELS)) {
      const level = source.setting.value.text.trim();
      yield onValue(
        source,
        `"${excerpt(level)}" is a level for the SMTP client only; the server (${labels(items)}) stops with "Invalid TLS level" and does not run. Receiving servers take part in DANE by publishing TLSA records in DNS; the server itself just needs TLS: use may.`,
        { title: "Change to may", edits: [replaceValue(source, "may")] },
      );
    }
  },
});
