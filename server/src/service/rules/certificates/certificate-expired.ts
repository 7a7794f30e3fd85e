import { defineRule } from "../rule";
import {
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
    id: "certificate-expired",
    severity: "error",
    description: "A certificate Postfix presents has expired or is not valid yet.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix loads an expired certificate without complaint and presents it. Clients that verify (submission clients, DANE-TA and "secure" peers) then refuse the connection; others log a verification failure. A certificate that is not valid yet fails the same way until its start date, usually because the clock of the machine that issued it was wrong. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate that expired 3 days ago",
            objects: [{ key: "leaf" }, { cert: "leaf", days: [-93, -3] }],
          },
        },
      },
      {
        note: "A certificate whose validity starts in 3 days.",
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate valid from 3 days from now",
            objects: [{ key: "leaf" }, { cert: "leaf", days: [3, 93] }],
          },
        },
      },
    ],
    silent: [
      {
        note: "A certificate that is still valid, if only for a few days (certificate-expiring warns about it).",
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate that expires in 2 days",
            objects: [{ key: "leaf" }, { cert: "leaf", days: [-88, 2] }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    const { now } = context.host;
    for (const { named, certificate } of presentedCertificates(context)) {
      if (certificate.notAfter < now) {
        yield findingAt(
          named,
          `The certificate for ${certificate.subject} in ${quoted(named.path)} expired ${daysFrom(now, certificate.notAfter)} (${dateOf(certificate.notAfter)}). Clients that verify refuse it. Renew it, install the new file and run "postfix reload".`,
        );
      } else if (certificate.notBefore > now) {
        yield findingAt(
          named,
          `The certificate for ${certificate.subject} in ${quoted(named.path)} is not valid until ${dateOf(certificate.notBefore)} (${daysFrom(now, certificate.notBefore)}). Clients that verify refuse it until then. Check the clock of the machine that issued it, or keep the previous certificate until that date.`,
        );
      }
    }
  },
});
