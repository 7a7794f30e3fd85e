import { defineRule } from "../rule";
import { listensOn } from "../../analysis/listeners";
import { PORT_465, labels, onName, serverView, yes } from "./shared";

export default defineRule({
  meta: {
    id: "wrappermode-in-main-cf",
    severity: "error",
    description:
      "smtpd_tls_wrappermode = yes in main.cf makes every smtpd service, port 25 included, expect TLS on connect.",
    pitfalls: ["P25"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Wrapper mode means the TLS handshake starts as soon as the client connects, as on port 465. Set in main.cf it applies to every smtpd service that does not override it: the MX on port 25 and submission on 587 then wait for a handshake that their clients, which speak plain SMTP and use STARTTLS, never start. smtpd_tls_security_level is ignored while wrapper mode is on. With master.cf known, the rule stays silent when only port 465 services inherit the setting.",
    fires: [
      {
        note: "Every smtpd inherits wrapper mode.",
        main: "smtpd_tls_wrappermode = yes\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    silent: [
      {
        note: "Only the submissions service inherits it.",
        main: "smtpd_tls_wrappermode = yes\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "submissions inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
      { main: "smtpd_tls_wrappermode = no\nsmtpd_tls_security_level = may\n" },
    ],
  },
  *check(context) {
    const setting = context.mainSettings.get("smtpd_tls_wrappermode");
    if (!setting || !yes(context.valueOf("smtpd_tls_wrappermode"))) return;
    // With master.cf known: only when a service other than 465 inherits it.
    const inheriting = serverView(context).scopes.filter(
      (scope) =>
        scope.family === "smtpd" &&
        !scope.service?.settings.has("smtpd_tls_wrappermode") &&
        !(scope.service && listensOn(context, scope.service, PORT_465, false)),
    );
    if (context.master && inheriting.length === 0) return;
    const affected = context.master ? ` (here: ${labels(inheriting)})` : "";
    yield onName(
      { setting, file: "main" },
      `smtpd_tls_wrappermode = yes in main.cf puts every smtpd service${affected} in wrapper mode, port 25 and 587 included. They then expect TLS immediately on connect, so mail servers and mail clients that use STARTTLS cannot talk to them, and smtpd_tls_security_level is ignored. Remove it from main.cf and add -o smtpd_tls_wrappermode=yes to the submissions (465) entry in master.cf only.`,
    );
  },
});
