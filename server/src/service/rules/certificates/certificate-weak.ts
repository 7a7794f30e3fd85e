import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
  certificateRequests,
  findingAt,
  presentedCertificates,
  quoted,
} from "./shared";

const CERT = "/etc/postfix/mail.pem";
const MIN_RSA_BITS = 2048;

export default defineRule({
  meta: {
    id: "certificate-weak",
    severity: "warning",
    description: "A certificate with an RSA key under 2048 bits, or signed with SHA-1 or MD5.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `RSA keys under 2048 bits can be factored with resources within reach, and SHA-1 and MD5 signatures can be forged through collisions. Current TLS libraries refuse such certificates at their default security level (OpenSSL level 2 rejects RSA under 2048 bits and SHA-1 signatures), so peers fail to verify them or refuse the handshake. A self-signed root's own signature is not checked by anyone, so only the keys count there. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "A 1024-bit RSA key.",
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "a 1024-bit RSA key and its certificate",
            objects: [{ key: "rsa1024" }, { cert: "rsa1024" }],
          },
        },
      },
      {
        note: "A SHA-1 signature.",
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate signed with SHA-1 by a CA",
            objects: [
              { key: "leaf" },
              { cert: "leaf", issuer: "ca", hash: "sha1" },
              { cert: "ca", ca: true },
            ],
          },
        },
      },
    ],
    silent: [
      {
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "an EC P-256 key and its SHA-256 certificate",
            objects: [{ key: "leaf" }, { cert: "leaf" }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const { named, certificate } of presentedCertificates(context)) {
      const { bits, type } = certificate.key;
      if ((type === "rsa" || type === "dsa") && bits !== undefined && bits < MIN_RSA_BITS) {
        yield findingAt(
          named,
          `The certificate for ${certificate.subject} in ${quoted(named.path)} has a ${bits}-bit ${type.toUpperCase()} key, under the ${MIN_RSA_BITS} bits that TLS libraries require by default. Peers may refuse it. Issue a new certificate with an RSA key of 2048 bits or more, or an EC P-256 key.`,
        );
      }
      if (certificate.weakHash && !certificate.selfIssued) {
        yield findingAt(
          named,
          `The certificate for ${certificate.subject} in ${quoted(named.path)} is signed with ${certificate.weakHash.toUpperCase()}, which can be forged. TLS libraries reject such signatures by default, so peers that verify fail. Have it reissued with a SHA-256 signature.`,
        );
      }
    }
  },
});
