import type { SettingSource } from "../context";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import { addNextTo, masterComplete, onName, replaceValue, serverView } from "./shared";

export default defineRule({
  meta: {
    id: "server-certificate-unused",
    severity: "info",
    description:
      "A server certificate is configured in main.cf, but no smtpd service turns TLS on.",
    pitfalls: ["P62"],
    fixable: true,
    files: ["main"],
  },
  docs: {
    why: "A certificate alone does not turn on TLS: smtpd offers STARTTLS only when its security level is `may` or higher, and the level is empty by default. A main.cf with a certificate but no level usually means TLS was meant to be on, while the server does not announce STARTTLS and receives all mail in plaintext.",
    fires: [
      {
        note: "The fix turns on opportunistic TLS.",
        main: "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        fixed: {
          main: "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_security_level = may\n",
        },
      },
      {
        note: "An explicit none is changed to may.",
        main: "smtpd_tls_security_level = none\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
      },
      {
        note: "A submission service uses it.",
        main: "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Sets `smtpd_tls_security_level = may` in main.cf (changing the existing line, or adding one after the certificate setting). Offered only when no master.cf `-o` decides a service's level, since the main.cf value would not reach that service. Opportunistic TLS is safe for a public MX; make sure the certificate and key are readable by Postfix first.",
  },
  *check(context) {
    if (context.master && !masterComplete(context)) return;
    const certificate = ["smtpd_tls_chain_files", "smtpd_tls_cert_file", "smtpd_tls_eccert_file"]
      .map((name) => context.mainSettings.get(name))
      .find(
        (setting) =>
          setting &&
          setting.value.text.trim() &&
          setting.value.text.trim().toLowerCase() !== "none",
      );
    if (!certificate) return;
    const { scopes, tls } = serverView(context);
    if (scopes.some((scope) => tls(scope).use || tls(scope).invalid)) return;
    const source: SettingSource = { setting: certificate, file: "main" };
    // A main.cf level fixes it only where no -o decides the level.
    const levelInMain = context.mainSettings.get("smtpd_tls_security_level");
    const decidedInMaster = scopes.some((scope) => tls(scope).origin?.file === "master");
    let fix: Fix | undefined;
    if (!decidedInMaster) {
      const edit = levelInMain
        ? replaceValue({ setting: levelInMain, file: "main" }, "may")
        : addNextTo(context, source, "smtpd_tls_security_level", "may");
      if (edit) fix = { title: "Set smtpd_tls_security_level = may", edits: [edit] };
    }
    yield onName(
      source,
      `A server certificate is configured, but TLS is off for ${scopes.length ? "every smtpd service" : "the SMTP server"}, so it is never used. smtpd_tls_security_level is ${context.valueOf("smtpd_tls_security_level").trim() || "empty"}, and STARTTLS is not offered. Set smtpd_tls_security_level = may to offer TLS.`,
      fix,
    );
  },
});
