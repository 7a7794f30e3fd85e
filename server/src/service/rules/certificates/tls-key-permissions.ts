import { defineRule } from "../rule";
import { FILE_CHECKS_NOTE, certificateRequests, findingAt, loadedChains, quoted } from "./shared";

const KEY = "/etc/postfix/key.pem";

export default defineRule({
  meta: {
    id: "tls-key-permissions",
    severity: "warning",
    description: "A file with a private key is readable by group or others, or not owned by root.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix reads private keys as root, before a daemon drops its privileges, so nobody else needs to read them. A key readable by a group or by everyone, or owned by another user who could change it, lets local users or a compromised service impersonate the mail server. (POSIX systems only; file modes are not checked on Windows.) ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `smtpd_tls_cert_file = /etc/postfix/cert.pem\nsmtpd_tls_key_file = ${KEY}\n`,
        host: {
          "/etc/postfix/cert.pem": { about: "the certificate", objects: [{ cert: "leaf" }] },
          [KEY]: { about: "the key, mode 0644", mode: 0o644, objects: [{ key: "leaf" }] },
        },
      },
    ],
    silent: [
      {
        main: `smtpd_tls_cert_file = /etc/postfix/cert.pem\nsmtpd_tls_key_file = ${KEY}\n`,
        host: {
          "/etc/postfix/cert.pem": {
            about: "the certificate, mode 0644",
            objects: [{ cert: "leaf" }],
          },
          [KEY]: { about: "the key, mode 0600, owned by root", objects: [{ key: "leaf" }] },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    const reported = new Set<string>();
    for (const { key, set } of loadedChains(context)) {
      if (!key) continue;
      const file = context.host?.get(key.named.path);
      if (file?.mode === undefined || file.uid === undefined) continue;
      const at = set.kind === "pair" ? set.files[1] : key.named;
      const id = `${at.file}:${at.span.start}:${key.named.path}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const path = key.named.path;
      const permissions = (file.mode & 0o777).toString(8).padStart(4, "0");
      if ((file.mode & 0o077) !== 0) {
        yield findingAt(
          at,
          `The private key file ${quoted(path)} has mode ${permissions}, so ${(file.mode & 0o007) !== 0 ? "every local user" : "its group"} can read the key and impersonate this server. Postfix reads keys as root and needs no more. Run: chmod 600 ${path}`,
        );
      }
      if (file.uid !== 0) {
        yield findingAt(
          at,
          `The private key file ${quoted(path)} is owned by user id ${file.uid}, not root, so that user can read or replace the key. Postfix reads keys as root. Run: chown root:root ${path}`,
        );
      }
    }
  },
});
