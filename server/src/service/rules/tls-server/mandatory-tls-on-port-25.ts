import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  onValue,
  ownSettingOf,
  place,
  port25Labels,
  port25TlsScopes,
  replaceValue,
  serverView,
  written,
} from "./shared";

export default defineRule({
  meta: {
    id: "mandatory-tls-on-port-25",
    severity: "warning",
    description:
      "The public SMTP service on port 25 requires TLS; mail from servers without TLS is refused.",
    pitfalls: ["P24"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Port 25 is where other mail servers deliver to you, and many of them send without TLS when it is not offered or fails. With `encrypt` (or wrapper mode) on that service, smtpd refuses every command before STARTTLS, so those servers cannot deliver at all; a public MX must keep TLS optional. The rule follows postscreen to the smtpd behind it and skips services bound to loopback addresses. It needs master.cf to know which service is on port 25.",
    fires: [
      {
        note: "A main.cf level that the port 25 service inherits.",
        main: "smtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp      inet  n       -       y       -       -       smtpd\ntlsmgr    unix  -       -       y       1000?   1       tlsmgr\n",
      },
      {
        note: "An -o on the port 25 service itself; the fix makes it may.",
        main: "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "smtp inet n - y - - smtpd -o smtpd_tls_security_level=may\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
    ],
    silent: [
      {
        note: "TLS is required on submission only.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
      {
        note: "A port 25 service on a loopback address is not public.",
        main: "smtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "127.0.0.1:smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Offered only for an `-o …_tls_security_level` on the port 25 service itself: it changes the value to `may`. TLS stays on, but clients may send without it, which is what a public MX needs. A main.cf level is not changed, since other services (submission) may rely on it; set may on port 25 with an -o there instead.",
  },
  *check(context) {
    if (!context.master) return;
    const { tls } = serverView(context);
    const mandatory = new ByOrigin<Scope>();
    for (const scope of port25TlsScopes(context))
      if (tls(scope).enforce) mandatory.add(tls(scope).origin, scope);
    for (const [source, items] of mandatory) {
      const wrapper = /_wrappermode$/.test(source.setting.name.text);
      // Wrapper mode from main.cf is wrappermode-in-main-cf's finding.
      if (wrapper && source.file === "main") continue;
      const message = wrapper
        ? `${written(source)} ${place(context, source)} puts the port 25 service (${port25Labels(items)}) in wrapper mode: it expects TLS right after connect, which mail servers never send on port 25, so no mail comes in. Use wrapper mode only on the submissions (465) service.`
        : `${written(source)} ${place(context, source)} makes TLS mandatory on port 25 (${port25Labels(items)}). Servers that do not use STARTTLS can no longer deliver to you, and a public MX must not demand it. Use may for port 25 and require TLS only on submission, e.g. with -o smtpd_tls_security_level=encrypt there.`;
      const fix =
        !wrapper &&
        /_tls_security_level$/.test(source.setting.name.text) &&
        ownSettingOf(items, source)
          ? { title: "Change to may", edits: [replaceValue(source, "may")] }
          : undefined;
      yield onValue(source, message, fix);
    }
  },
});
