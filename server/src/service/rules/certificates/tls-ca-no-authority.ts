import type { CertificateFacts } from "../../certificates";
import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
  caFileLoadProblem,
  certificateRequests,
  factsOf,
  findingAt,
  namedFiles,
  quoted,
} from "./shared";

const CA = "/etc/postfix/ca.pem";

export default defineRule({
  meta: {
    id: "tls-ca-no-authority",
    severity: "info",
    description:
      "A CAfile that loads but holds no CA certificate, or a CApath without certificates named by hash: it can verify no certificate chain.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `OpenSSL loads a CAfile that holds any certificate, but only a CA certificate (basic constraints CA:TRUE) can vouch for the certificates it issued. A file of server or client certificates verifies no chain. The one exception is a self-signed certificate: a peer that presents exactly that certificate is verified, which some setups use to pin a peer. If that is what you want, this note can be switched off; to pin a mail server, the fingerprint security level says so more plainly. In a CApath OpenSSL looks a CA up by the hash of its name, in files named like \`4042bcee.0\` that \`openssl rehash\` (or c_rehash) creates; a directory without such names gives it nothing to find. Only the names are listed; no file in the directory is opened. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "The server certificate of the relay instead of the CA that issued it.",
        main: `smtp_tls_CAfile = ${CA}\n`,
        host: {
          [CA]: {
            about: "one certificate, issued by a CA, not a CA itself",
            objects: [{ cert: "relay.example.com", issuer: "Example CA" }],
          },
        },
      },
      {
        note: "A CApath with the certificates but without their hash names.",
        main: "smtp_tls_CApath = /etc/postfix/ca\n",
        host: {
          "/etc/postfix/ca": {
            about: "a directory with ca.pem only",
            entries: ["ca.pem"],
          },
        },
      },
    ],
    silent: [
      {
        note: "A CApath after openssl rehash.",
        main: "smtp_tls_CApath = /etc/postfix/ca\n",
        host: {
          "/etc/postfix/ca": {
            about: "a directory with ca.pem and its hash name 4042bcee.0",
            entries: ["ca.pem", "4042bcee.0"],
          },
        },
      },
      {
        main: `smtp_tls_CAfile = ${CA}\n`,
        host: {
          [CA]: {
            about: "an intermediate and a root CA certificate",
            objects: [
              { cert: "Example CA", issuer: "Example Root", ca: true },
              { cert: "Example Root", ca: true },
            ],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const named of namedFiles(context)) {
      if (named.slot === "capath") {
        const listing = context.host.get(named.path)?.listing;
        if (listing?.complete && listing.hashNamed === 0)
          yield findingAt(
            named,
            `${named.parameter} names ${quoted(named.path)}, a directory with no file named by certificate hash (such as 4042bcee.0), so OpenSSL finds no CA in it and every verification that relies on it fails in ${named.program}. Run "openssl rehash ${named.path}" (or c_rehash) after you put the CA certificates there.`,
          );
        continue;
      }
      if (named.slot !== "cafile") continue;
      const facts = factsOf(context, named.path);
      // A file OpenSSL refuses is tls-ca-file's; "TRUSTED CERTIFICATE" blocks are not parsed here.
      if (!facts || caFileLoadProblem(facts)) continue;
      if (facts.objects.some((object) => object.kind === "other" && object.label !== "X509 CRL"))
        continue;
      const certificates = facts.objects.filter(
        (object): object is CertificateFacts => object.kind === "certificate",
      );
      if (certificates.some((certificate) => certificate.x509.ca)) continue;
      const selfSigned = certificates.filter((certificate) => certificate.selfIssued).length;
      const holds =
        certificates.length === 0
          ? "only certificate revocation lists"
          : `${certificates.length === 1 ? "1 certificate" : `${certificates.length} certificates`} and no CA certificate among them`;
      const exception =
        selfSigned > 0
          ? ` Only a peer that presents ${selfSigned === 1 ? "its self-signed certificate" : `one of its ${selfSigned} self-signed certificates`} itself is verified.`
          : "";
      yield findingAt(
        named,
        `${named.parameter} names ${quoted(named.path)}, which holds ${holds}, so ${named.program} can verify no certificate chain with it.${exception} Add the certificates of the CAs you trust (the root, and the intermediates if you do not trust the root), or use /etc/ssl/certs/ca-certificates.crt.`,
      );
    }
  },
});
