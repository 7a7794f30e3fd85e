import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
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
    severity: "warning",
    description:
      "A CAfile holds no certificate Postfix can use (not PEM, or no CA certificate in it).",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `A CAfile lists the certificate authorities that Postfix trusts when it verifies peers (smtp_tls_CAfile for servers it sends to, smtpd_tls_CAfile for client certificates). A file without a usable PEM certificate trusts nothing: verification of every peer fails, and mail to "verify" or "secure" destinations is deferred. ${FILE_CHECKS_NOTE}`,
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
      const count = facts.objects.filter((object) => object.kind === "certificate").length;
      if (count > 0 && facts.encoding === "pem") continue;
      const holds =
        facts.encoding === "der"
          ? "binary DER; Postfix reads PEM only"
          : facts.encoding === "unknown"
            ? "no PEM data"
            : "no certificate";
      yield findingAt(
        named,
        `${named.parameter} names ${quoted(named.path)}, which holds ${holds}. Verification against it fails for every ${named.server ? "client certificate" : "peer"} ${named.program} checks. Name a PEM file of CA certificates, such as /etc/ssl/certs/ca-certificates.crt.`,
      );
    }
  },
});
