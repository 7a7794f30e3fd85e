import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { findingAt, namedFiles, quoted, unresolvedFiles } from "./shared";

export default defineRule({
  meta: {
    id: "tls-file-relative",
    severity: "info",
    description:
      "A certificate, key or CA path is relative: Postfix reads it from queue_directory, not from the directory of main.cf.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix daemons change to queue_directory (and chroot there, when the service is chrooted) before they load their certificates and keys, so a relative path such as `cert.pem` names a file in the queue directory, usually /var/spool/postfix. It is easy to read it as a file beside main.cf, which Postfix never opens. When main.cf sets queue_directory, the file checks look at the file in it; otherwise the directory is the one chosen when Postfix was built (`postconf -d queue_directory`), which the editor does not guess, and the file is not checked. Like the other certificate rules, this one speaks only when file checks are on.",
    fires: [
      {
        note: "queue_directory is set: the file is looked for there.",
        main: "queue_directory = /var/spool/postfix\nsmtpd_tls_chain_files = mail.pem\n",
        host: {},
      },
      {
        note: "queue_directory is the build's default: the file is not checked.",
        main: "smtpd_tls_cert_file = certs/mail.pem\n",
        host: {},
      },
    ],
    silent: [
      {
        note: '"none" is how smtpd_tls_cert_file says that there is no RSA certificate.',
        main: "smtpd_tls_cert_file = none\nsmtpd_tls_eccert_file = /etc/postfix/ec.pem\n",
        host: {},
      },
    ],
  },
  *check(context) {
    // Like the rest of the family, silent when file checks are off.
    if (!context.host) return;
    for (const named of namedFiles(context)) {
      if (named.relative === undefined) continue;
      yield findingAt(
        named,
        `${named.parameter} names the relative path "${excerpt(named.relative)}", which ${named.program} reads from queue_directory: ${quoted(named.path)}. Postfix daemons change to queue_directory before they load TLS files; a relative path never means a file beside main.cf. Write the absolute path of the file you mean.`,
      );
    }
    for (const named of unresolvedFiles(context)) {
      yield findingAt(
        named,
        `${named.parameter} names the relative path "${excerpt(named.path)}", which ${named.program} reads from queue_directory, and this configuration leaves queue_directory at the default Postfix was built with, so the file is not checked here. Postfix daemons change to queue_directory before they load TLS files ("postconf -d queue_directory" shows it); a relative path never means a file beside main.cf. Write the absolute path of the file you mean.`,
      );
    }
  },
});
