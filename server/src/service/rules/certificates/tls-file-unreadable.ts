import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
  certificateRequests,
  findingAt,
  loadFailure,
  namedFiles,
  quoted,
  quotedName,
} from "./shared";

const CERT = "/etc/postfix/cert.pem";

export default defineRule({
  meta: {
    id: "tls-file-unreadable",
    severity: "error",
    description:
      "A certificate, key or CA file the configuration names does not exist or is not a readable regular file; TLS fails.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix loads its certificates and keys when a daemon starts. When smtpd cannot load them it logs "disabling TLS support" and answers every STARTTLS with "454 4.7.0 TLS not available due to local problem", so mail from servers that require TLS stops. A missing CAfile disables TLS in the same way ("cannot load Certification Authority data"); a missing CApath is noticed only when a peer is verified, and the verification fails. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "The certificate file does not exist (a renewal moved it).",
        main: `smtpd_tls_cert_file = ${CERT}\nsmtpd_tls_key_file = /etc/postfix/key.pem\n`,
        host: {
          [CERT]: { about: "missing", missing: true },
          "/etc/postfix/key.pem": { about: "the key", objects: [{ key: "leaf" }] },
        },
      },
    ],
    silent: [
      {
        note: "Both files are there.",
        main: `smtpd_tls_cert_file = ${CERT}\nsmtpd_tls_key_file = /etc/postfix/key.pem\n`,
        host: {
          [CERT]: { about: "a certificate", objects: [{ cert: "leaf" }] },
          "/etc/postfix/key.pem": { about: "its key", objects: [{ key: "leaf" }] },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const named of namedFiles(context)) {
      const file = context.host.get(named.path);
      if (!file || file.status === "ok") {
        if (
          named.slot === "capath" &&
          file?.mode !== undefined &&
          (file.mode & 0o170000) !== 0o040000
        )
          yield findingAt(
            named,
            `${named.parameter} names ${quoted(named.path)}, which is not a directory. A CApath is a directory of CA certificates named by their hash (c_rehash); ${named.program} cannot use this one for verification. Name the directory, or use ${named.parameter.replace("CApath", "CAfile")} for a single file.`,
          );
        continue;
      }
      // OpenSSL opens a CAfile at start, but looks into a CApath only while it verifies a peer.
      const consequence =
        named.slot === "cafile"
          ? `At start ${named.program} logs "cannot load Certification Authority data ...: disabling TLS support" and runs without TLS.`
          : named.slot === "capath"
            ? `${named.program} starts, but every verification that needs these CAs fails.`
            : loadFailure(named);
      yield findingAt(
        named,
        `${named.parameter} names ${quotedName(named)}, which ${file.detail ?? "cannot be read"}. ${consequence} Point ${named.parameter} at the file that exists, or restore it.`,
      );
    }
  },
});
