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
    id: "tls-ca-file",
    severity: "error",
    description:
      "A CAfile that OpenSSL cannot load (no PEM certificate in it, or a damaged one); the program that names it runs without TLS.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `A CAfile lists the certificate authorities that Postfix trusts when it verifies peers (smtp_tls_CAfile for servers it sends to, smtpd_tls_CAfile for client certificates). Postfix has OpenSSL load it when the program starts (SSL_CTX_load_verify_locations), and OpenSSL refuses a file in which it finds no PEM certificate (or revocation list), or one with a damaged certificate block. Postfix then logs "cannot load Certification Authority data ...: disabling TLS support" and that program runs without TLS: smtpd offers no STARTTLS, the smtp client sends in plain text or defers mail that requires TLS. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `smtp_tls_CAfile = ${CA}\n`,
        host: {
          [CA]: { about: "a private key instead of CA certificates", objects: [{ key: "leaf" }] },
        },
      },
    ],
    silent: [
      {
        main: `smtp_tls_CAfile = ${CA}\n`,
        host: {
          [CA]: {
            about: "two CA certificates",
            objects: [
              { cert: "ca", ca: true },
              { cert: "root", ca: true },
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
      if (named.slot !== "cafile") continue;
      const facts = factsOf(context, named.path);
      if (!facts) continue;
      const problem = caFileLoadProblem(facts);
      if (!problem) continue;
      yield findingAt(
        named,
        `${named.parameter} names ${quoted(named.path)}, which ${problem}, so OpenSSL cannot load it and ${named.program} runs without TLS. At start it logs "cannot load Certification Authority data ...: disabling TLS support". Name a PEM file of CA certificates, such as /etc/ssl/certs/ca-certificates.crt.`,
      );
    }
  },
});
