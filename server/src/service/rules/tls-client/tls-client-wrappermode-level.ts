import { defineRule } from "../rule";
import { Report, clientsOf, clientsWithSwitch, setValueFix, verb } from "./shared";

const SMTPS_SERVICE = "smtps     unix  -       -       y       -       -       smtp\n";

export default defineRule({
  meta: {
    id: "tls-client-wrappermode-level",
    severity: "error",
    description: "Client wrapper mode (SMTPS) with a level below encrypt: every server is skipped.",
    pitfalls: ["P52"],
    fixable: true,
    files: ["main", "master"],
    since: "3.0",
  },
  docs: {
    why: "In wrapper mode (`smtp_tls_wrappermode = yes`, port 465) the client starts TLS before the first SMTP byte, so it cannot fall back to plaintext. Postfix therefore insists on level encrypt or stricter for it: at none or may it skips every server with a warning, and the mail stays in the queue.",
    fires: [
      {
        note: "A wrapper-mode service under the main.cf level may; the fix adds the level to the service.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = may\n",
        master: `${SMTPS_SERVICE}  -o smtp_tls_wrappermode=yes\n`,
        fixed: {
          master: `${SMTPS_SERVICE}  -o smtp_tls_wrappermode=yes\n  -o smtp_tls_security_level=encrypt\n`,
        },
      },
      {
        note: "Wrapper mode in main.cf; the fix changes the level there.",
        main: "relayhost = [relay.example.com]:465\nsmtp_tls_security_level = may\nsmtp_tls_wrappermode = yes\n",
        fixed: {
          main: "relayhost = [relay.example.com]:465\nsmtp_tls_security_level = encrypt\nsmtp_tls_wrappermode = yes\n",
        },
      },
    ],
    silent: [
      {
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = may\n",
        master: `${SMTPS_SERVICE}  -o smtp_tls_wrappermode=yes\n  -o smtp_tls_security_level=encrypt\n`,
      },
    ],
    fix: "Sets `<prefix>_tls_security_level = encrypt` for the clients that use wrapper mode: it changes the level where it is set in the same file, or adds it after the wrapper-mode setting (as an `-o` on the same service in master.cf). This only raises the level. No fix when wrapper mode is set in main.cf while a service sets its level with `-o`: that service's setting is yours to change.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const { scope, name, source } of clientsWithSwitch(clients, "tls_wrappermode")) {
      if (clients.hasPolicyTable(scope)) continue;
      const level = clients.level(scope).value;
      if (level !== "none" && level !== "may") continue;
      const levelName = `${scope.prefix}_tls_security_level`;
      report.onSetting(
        source,
        [scope],
        (where) =>
          `${name} = yes needs mandatory TLS, but ${where} ${verb(where, "uses")} level ${level}. ` +
          `Postfix skips every server with a warning that wrapper mode requires encrypt, and the mail is ` +
          `deferred. Set ${levelName} = encrypt (or stricter) for the same transport.`,
        setValueFix(clients, source, scope, levelName, "encrypt"),
      );
    }
    yield* report.findings();
  },
});
