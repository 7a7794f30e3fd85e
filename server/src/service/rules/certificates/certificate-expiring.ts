import { DEFAULT_EXPIRY_WARNING_DAYS } from "../../hostFiles";
import { defineRule } from "../rule";
import {
  DAY_MS,
  FILE_CHECKS_NOTE,
  certificateRequests,
  dateOf,
  daysFrom,
  findingAt,
  presentedCertificates,
  quoted,
} from "./shared";

const CERT = "/etc/postfix/cert.pem";

export default defineRule({
  meta: {
    id: "certificate-expiring",
    severity: "warning",
    description:
      "A certificate Postfix presents expires within postfix.certificates.expiryWarningDays (default 21 days).",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Automated renewal fails silently more often than it fails loudly: a changed web server, a firewall, a hook that never reloaded Postfix. A certificate this close to its end date has most likely missed its renewal. The number of days is the postfix.certificates.expiryWarningDays setting (postfix-lint --expiry-warning-days). ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate that expires in 5 days",
            objects: [{ key: "leaf" }, { cert: "leaf", days: [-85, 5] }],
          },
        },
      },
    ],
    silent: [
      {
        note: "More days left than postfix.certificates.expiryWarningDays (default 21).",
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate that expires in 30 days",
            objects: [{ key: "leaf" }, { cert: "leaf", days: [-60, 30] }],
          },
        },
      },
      {
        note: "An expired certificate is reported by certificate-expired instead.",
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate that expired yesterday",
            objects: [{ key: "leaf" }, { cert: "leaf", days: [-90, -1] }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    const { now } = context.host;
    const limit = now + (context.host.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS) * DAY_MS;
    for (const { named, certificate } of presentedCertificates(context)) {
      if (certificate.notAfter < now || certificate.notAfter > limit) continue;
      yield findingAt(
        named,
        `The certificate for ${certificate.subject} in ${quoted(named.path)} expires ${daysFrom(now, certificate.notAfter)} (${dateOf(certificate.notAfter)}). Its renewal has probably failed. Check the renewal job (certbot renew --dry-run, or your CA's tool), then run "postfix reload".`,
      );
    }
  },
});
