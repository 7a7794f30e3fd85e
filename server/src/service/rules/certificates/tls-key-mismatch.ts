import { keyMatches } from "../../certificates";
import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
  certificateRequests,
  findingAt,
  loadFailure,
  loadedChains,
  quoted,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-key-mismatch",
    severity: "error",
    description: "A private key does not belong to the certificate it is loaded with; TLS fails.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix checks that each private key matches the certificate it is loaded with. When it does not (a key from an earlier request, a certificate renewed with a new key but the old key still named), smtpd logs "private key ... does not match public key" or "key at index N ... does not match next certificate", disables TLS and answers STARTTLS with "454 4.7.0 TLS not available due to local problem". ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "The certificate was renewed with a new key; main.cf still names the old key.",
        main: "smtpd_tls_cert_file = /etc/postfix/cert.pem\nsmtpd_tls_key_file = /etc/postfix/old-key.pem\n",
        host: {
          "/etc/postfix/cert.pem": { about: "the renewed certificate", objects: [{ cert: "new" }] },
          "/etc/postfix/old-key.pem": { about: "the previous key", objects: [{ key: "old" }] },
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_chain_files = /etc/postfix/mail.pem\n",
        host: {
          "/etc/postfix/mail.pem": {
            about: "key, certificate and intermediate",
            objects: [{ key: "leaf" }, { cert: "leaf", issuer: "ca" }, { cert: "ca", ca: true }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const { key, certificates, set } of loadedChains(context)) {
      const leaf = certificates[0];
      if (!key || key.object.kind !== "key" || !key.object.key || !leaf) continue;
      if (keyMatches(leaf.certificate.x509, key.object.key)) continue;
      const where =
        key.named.path === leaf.named.path
          ? `The private key in ${quoted(key.named.path)} (PEM object ${key.object.number})`
          : `The private key in ${quoted(key.named.path)}`;
      yield findingAt(
        set.kind === "pair" ? set.files[1] : leaf.named,
        `${where} does not match the certificate after it for ${leaf.certificate.subject} in ${quoted(leaf.named.path)}. ${loadFailure(leaf.named)} Name the key that was generated with this certificate's request (compare: openssl x509 -noout -pubkey -in CERT and openssl pkey -pubout -in KEY).`,
      );
    }
  },
});
