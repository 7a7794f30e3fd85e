import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { CLIENT_LEVELS, labels, onValue, replaceValue, scopesWithLevel } from "./shared";

export default defineRule({
  meta: {
    id: "client-level-on-server",
    severity: "warning",
    description:
      "fingerprint, verify or secure as a server TLS level; the server warns and uses encrypt.",
    pitfalls: ["P32"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "`fingerprint`, `verify` and `secure` describe how the SMTP client checks the certificate of the server it connects to. The server has no such levels: smtpd logs a warning about an unsupported level and runs with `encrypt`. The setting looks like it checks client certificates, but it does not; that is done with smtpd_tls_ask_ccert or smtpd_tls_req_ccert and check_ccert_access.",
    fires: [
      {
        note: "The fix writes the level the server really uses.",
        main: "smtpd_tls_security_level = verify\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        fixed: {
          main: "smtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
      },
      {
        note: "The client side does have this level.",
        main: "smtp_tls_security_level = verify\n",
      },
    ],
    fix: "Changes the value to `encrypt`, the level the server already runs with, so behaviour stays the same and the warning goes away. Note that `encrypt` on the public port 25 service refuses mail from servers without TLS (see mandatory-tls-on-port-25).",
  },
  *check(context) {
    for (const [source, items] of scopesWithLevel(context, CLIENT_LEVELS)) {
      const level = source.setting.value.text.trim();
      yield onValue(
        source,
        `"${excerpt(level)}" is an SMTP client level; the server side (${labels(items)}) has no such level. The client uses it to check the certificate of the server it connects to; the server logs "unsupported TLS level" and uses encrypt. Write encrypt; to check client certificates, use smtpd_tls_ask_ccert or smtpd_tls_req_ccert with check_ccert_access.`,
        { title: "Change to encrypt", edits: [replaceValue(source, "encrypt")] },
      );
    }
  },
});
