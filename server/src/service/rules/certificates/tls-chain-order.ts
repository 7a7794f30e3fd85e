import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
  certificateRequests,
  findingAt,
  keySets,
  loadFailure,
  loadedChains,
  objectsOf,
  quoted,
} from "./shared";

const FILE = "/etc/postfix/mail.pem";

export default defineRule({
  meta: {
    id: "tls-chain-order",
    severity: "error",
    description:
      "A certificate chain in the wrong order: in chain files a key must come before its certificates, and each chain runs from the leaf to its issuers.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `In smtpd_tls_chain_files (and the other *_tls_chain_files) Postfix reads keys and certificates as one sequence: each private key first, then its certificate, then the certificates that issued it, leaf to root. A certificate before any key makes Postfix log "key not first" and disable TLS. In any certificate file, the server certificate must come first and each next certificate must have issued the one before it; clients that get the chain in another order cannot build the path and fail verification. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "The certificate before its key in chain files.",
        main: `smtpd_tls_chain_files = ${FILE}\n`,
        host: {
          [FILE]: {
            about: "certificate, then key",
            objects: [{ cert: "leaf", issuer: "ca" }, { key: "leaf" }, { cert: "ca", ca: true }],
          },
        },
      },
      {
        note: "The intermediate before the server certificate.",
        main: `smtpd_tls_cert_file = ${FILE}\nsmtpd_tls_key_file = /etc/postfix/key.pem\n`,
        host: {
          [FILE]: {
            about: "intermediate, then leaf",
            objects: [
              { cert: "ca", ca: true },
              { cert: "leaf", issuer: "ca" },
            ],
          },
          "/etc/postfix/key.pem": { about: "the key", objects: [{ key: "leaf" }] },
        },
      },
    ],
    silent: [
      {
        main: `smtpd_tls_chain_files = ${FILE}\n`,
        host: {
          [FILE]: {
            about: "key, leaf, intermediate",
            objects: [{ key: "leaf" }, { cert: "leaf", issuer: "ca" }, { cert: "ca", ca: true }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const set of keySets(context)) {
      if (set.kind !== "chain") continue;
      const first = objectsOf(context, set)?.find(
        (placed) => placed.object.kind === "key" || placed.object.kind === "certificate",
      );
      if (first?.object.kind === "certificate") {
        yield findingAt(
          first.named,
          `In ${first.named.parameter}, certificate ${first.object.subject} (PEM object ${first.object.number} of ${quoted(first.named.path)}) comes before any private key; Postfix needs each key before its certificates and stops loading ("key not first"). ${loadFailure(first.named)} Move the private key to the top of the first file (or list the key file first).`,
        );
      }
    }
    for (const { certificates, set } of loadedChains(context)) {
      if (set.inheritsCertificate) continue;
      for (let i = 1; i < certificates.length; i++) {
        const previous = certificates[i - 1];
        const next = certificates[i];
        if (previous.certificate.x509.checkIssued(next.certificate.x509)) continue;
        const issuerLater = certificates
          .slice(i + 1)
          .some((later) => previous.certificate.x509.checkIssued(later.certificate.x509));
        const issuedByNext = next.certificate.x509.checkIssued(previous.certificate.x509);
        if (!issuerLater && !issuedByNext && i > 1) continue;
        yield findingAt(
          next.named,
          `In ${quoted(next.named.path)}, ${next.certificate.subject} follows ${previous.certificate.subject}, which it did not issue: the chain is out of order. Clients get the certificates in this order and may fail to verify the server. Put the server certificate first, then the certificate that issued it, and so on towards the root.`,
        );
        break;
      }
    }
  },
});
