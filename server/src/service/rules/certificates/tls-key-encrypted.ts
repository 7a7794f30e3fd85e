import { defineRule } from "../rule";
import { FILE_CHECKS_NOTE, certificateRequests, findingAt, loadedChains, quoted } from "./shared";

const KEY = "/etc/postfix/key.pem";

export default defineRule({
  meta: {
    id: "tls-key-encrypted",
    severity: "error",
    description:
      "A private key is encrypted with a passphrase; Postfix never asks for one and cannot load it.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix daemons start without a terminal and never ask for a passphrase, so an encrypted private key ("ENCRYPTED PRIVATE KEY", or a "Proc-Type: 4,ENCRYPTED" header) cannot be loaded. In chain files Postfix skips the block as an unknown PEM type, and the certificate after it then has no key. Either way TLS is disabled. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `smtpd_tls_cert_file = /etc/postfix/cert.pem\nsmtpd_tls_key_file = ${KEY}\n`,
        host: {
          "/etc/postfix/cert.pem": { about: "the certificate", objects: [{ cert: "leaf" }] },
          [KEY]: {
            about: "its key, encrypted with a passphrase",
            objects: [{ key: "leaf", encrypted: true }],
          },
        },
      },
    ],
    silent: [
      {
        main: `smtpd_tls_cert_file = /etc/postfix/cert.pem\nsmtpd_tls_key_file = ${KEY}\n`,
        host: {
          "/etc/postfix/cert.pem": { about: "the certificate", objects: [{ cert: "leaf" }] },
          [KEY]: { about: "its key, not encrypted", objects: [{ key: "leaf" }] },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    const reported = new Set<string>();
    for (const { key, set } of loadedChains(context)) {
      if (!key || key.object.kind !== "key" || !key.object.encrypted) continue;
      const at = set.kind === "pair" ? set.files[1] : key.named;
      if (reported.has(`${at.file}:${at.span.start}:${key.named.path}`)) continue;
      reported.add(`${at.file}:${at.span.start}:${key.named.path}`);
      yield findingAt(
        at,
        `The private key in ${quoted(key.named.path)} is encrypted with a passphrase, which Postfix never asks for, so ${key.named.program} cannot load it and runs without TLS. Store it unencrypted, readable by root only: openssl pkey -in ${key.named.path} -out KEY.new, then chmod 600 KEY.new and name it here.`,
      );
    }
  },
});
