import { defineRule } from "../rule";
import { FILE_CHECKS_NOTE, certificateRequests, findingAt, loadedChains, quoted } from "./shared";

const FILE = "/etc/postfix/mail.pem";

export default defineRule({
  meta: {
    id: "tls-chain-incomplete",
    severity: "warning",
    description:
      "A server certificate is loaded without the intermediate certificate that issued it; clients that verify cannot build the chain.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `A client verifies a server certificate by following issuers up to a root it trusts. Roots are in its trust store, but intermediates come from the server: Postfix sends the certificates that follow the leaf in the file. With the leaf alone, clients that verify (submission clients, DANE-TA or "secure" peers) fail unless they happen to have the intermediate cached. A certificate file from a CA usually has a "fullchain" variant for this. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "cert.pem instead of fullchain.pem.",
        main: `smtpd_tls_chain_files = /etc/postfix/key.pem, ${FILE}\n`,
        host: {
          "/etc/postfix/key.pem": { about: "the key", objects: [{ key: "leaf" }] },
          [FILE]: {
            about: "the leaf certificate only, issued by an intermediate",
            objects: [{ cert: "leaf", issuer: "ca" }],
          },
        },
      },
    ],
    silent: [
      {
        note: "A self-signed certificate has no issuer to add.",
        main: `smtpd_tls_chain_files = ${FILE}\n`,
        host: {
          [FILE]: {
            about: "key and self-signed certificate",
            objects: [{ key: "leaf" }, { cert: "leaf" }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const { set, certificates } of loadedChains(context)) {
      if (!set.server || certificates.length !== 1 || set.inheritsCertificate) continue;
      const [leaf] = certificates;
      if (leaf.certificate.selfIssued) continue;
      yield findingAt(
        leaf.named,
        `${quoted(leaf.named.path)} holds the certificate for ${leaf.certificate.subject} without the certificate that issued it (${leaf.certificate.issuer}). Clients that verify cannot build the chain to a trusted root and may refuse the connection. Use the file with the full chain (for Let's Encrypt: fullchain.pem), or append the intermediate after the leaf.`,
      );
    }
  },
});
