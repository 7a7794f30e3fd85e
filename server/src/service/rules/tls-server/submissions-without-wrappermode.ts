import { defineRule } from "../rule";
import { listensOn } from "../../analysis/listeners";
import { PORT_465, addOption, onService, replaceValue, serverView, yes } from "./shared";

export default defineRule({
  meta: {
    id: "submissions-without-wrappermode",
    severity: "warning",
    description:
      "A port 465 (submissions/smtps) smtpd service without smtpd_tls_wrappermode=yes; clients expect TLS on connect.",
    pitfalls: ["P26"],
    fixable: true,
    files: ["master"],
  },
  docs: {
    why: "Mail clients that connect to port 465 start the TLS handshake at once, before any SMTP greeting. An smtpd there without wrapper mode sends its plaintext banner and waits for STARTTLS instead, so the client's handshake fails and it cannot submit mail. Port 465 needs `-o smtpd_tls_wrappermode=yes` on its master.cf entry.",
    fires: [
      {
        note: "The submissions service lacks wrapper mode; the fix adds it.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "submissions inet n - y - - smtpd\n  -o syslog_name=postfix/submissions\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "submissions inet n - y - - smtpd\n  -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
      {
        note: "An explicit no on port 465.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "0.0.0.0:465 inet n - y - - smtpd -o smtpd_tls_wrappermode=no\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "0.0.0.0:465 inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
      {
        note: "Port 587 uses STARTTLS.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "submission inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Adds `-o smtpd_tls_wrappermode=yes` after the entry's last option, or changes its `no` to `yes`. This is safe for a service on port 465; if the port was chosen for plain STARTTLS on purpose, move that service to 587 instead.",
  },
  *check(context) {
    if (!context.master) return;
    for (const scope of serverView(context).scopes) {
      const service = scope.service;
      if (scope.family !== "smtpd" || !service || !listensOn(context, service, PORT_465, false))
        continue;
      if (yes(context.valueOf("smtpd_tls_wrappermode", service))) continue;
      const own = service.settings.get("smtpd_tls_wrappermode");
      // A value other than no, or a broken "-o smtpd_tls_wrappermode = yes", is reported elsewhere.
      if (own && own.value.text.trim().toLowerCase() !== "no") continue;
      if (
        service.entry.options.some(
          (option) => option.settingProblem && option.value?.text.includes("smtpd_tls_wrappermode"),
        )
      )
        continue;
      const edit = own
        ? replaceValue({ setting: own, file: "master" }, "yes")
        : addOption(service.entry, "smtpd_tls_wrappermode", "yes");
      yield onService(
        service,
        `${service.name}/${service.type} listens on port 465 but waits for STARTTLS: smtpd_tls_wrappermode is not yes. Clients there start TLS right after connecting, and their handshake meets a plaintext greeting and fails. Add -o smtpd_tls_wrappermode=yes to this entry.`,
        { title: "Add -o smtpd_tls_wrappermode=yes", edits: [edit] },
      );
    }
  },
});
