import type { HostFile } from "../../hostFiles";
import { defineRule } from "../rule";
import { FILE_CHECKS_NOTE, certificateRequests, findingAt, loadedChains, quoted } from "./shared";

const KEY = "/etc/postfix/key.pem";
/** The group id Debian's ssl-cert group often gets (any id but 0 behaves the same). */
const SSL_CERT_GID = 112;

export default defineRule({
  meta: {
    id: "tls-key-permissions",
    severity: "warning",
    description:
      "A file with a private key is readable by others, or by its group (unless a key group of its own, in a directory closed to others), or not owned by root.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix reads private keys as root, before a daemon drops its privileges, so nobody else needs to read them. A key readable by a group or by everyone, or owned by another user who could change it, lets local users or a compromised service impersonate the mail server. One shape is deliberate and not reported: a key readable by a group other than root, in a directory that others cannot enter, such as Debian's /etc/ssl/private (mode 0710, group ssl-cert) with its snakeoil key (mode 0640). Other services (PostgreSQL, for one) read keys through that group, and taking the group's access away would break them. (POSIX systems only; file modes are not checked on Windows.) ${FILE_CHECKS_NOTE}`,
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
      {
        note: "Debian's snakeoil key, shared through the ssl-cert group.",
        main: "smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem\nsmtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key\n",
        host: {
          "/etc/ssl/certs/ssl-cert-snakeoil.pem": {
            about: "the certificate, mode 0644",
            objects: [{ cert: "leaf" }],
          },
          "/etc/ssl/private/ssl-cert-snakeoil.key": {
            about:
              "the key, mode 0640, owner root, group ssl-cert, in /etc/ssl/private (mode 0710, group ssl-cert)",
            mode: 0o640,
            gid: SSL_CERT_GID,
            directory: { mode: 0o710, gid: SSL_CERT_GID },
            objects: [{ key: "leaf" }],
          },
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
      const file = context.host.get(key.named.path);
      if (file?.mode === undefined || file.uid === undefined) continue;
      const at = set.kind === "pair" ? set.files[1] : key.named;
      const id = `${at.file}:${at.span.start}:${key.named.path}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const path = key.named.path;
      const permissions = (file.mode & 0o777).toString(8).padStart(4, "0");
      if ((file.mode & 0o077) !== 0 && !sharedWithKeyGroup(file)) {
        const readers = (file.mode & 0o007) !== 0 ? "every local user" : "its group";
        // Offered only where it silences this warning: the key's group is one of its own.
        const keepGroup = readableByOwnGroupOnly(file)
          ? `. If other services read the key through group id ${file.gid} on purpose, keep the mode and close the directory to others instead: chmod o-rwx ${path.slice(0, path.lastIndexOf("/")) || "/"}`
          : "";
        yield findingAt(
          at,
          `The private key file ${quoted(path)} has mode ${permissions}, so ${readers} can read the key and impersonate this server. Postfix reads keys as root and needs no more. Run: chmod 600 ${path}${keepGroup}`,
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

/** Readable by its group, which is not root's, and by nobody else; writable by the owner only. */
const readableByOwnGroupOnly = (file: HostFile) =>
  ((file.mode ?? 0) & 0o077) === 0o040 && file.gid !== undefined && file.gid !== 0;

/**
 * A key shared on purpose through a group of its own (Debian's ssl-cert), in a
 * directory that others cannot enter. Postfix reads keys as root before it drops
 * its privileges (smtpd's pre-jail initialization), so the group is there for
 * other services, and "chmod 600" would break them.
 */
const sharedWithKeyGroup = (file: HostFile) =>
  readableByOwnGroupOnly(file) &&
  file.directory !== undefined &&
  (file.directory.mode & 0o007) === 0;
