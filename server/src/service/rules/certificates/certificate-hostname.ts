import { defineRule } from "../rule";
import { FILE_CHECKS_NOTE, certificateRequests, findingAt, loadedChains, quoted } from "./shared";

const CERT = "/etc/postfix/mail.pem";

export default defineRule({
  meta: {
    id: "certificate-hostname",
    severity: "info",
    description:
      "smtpd's certificate does not name $myhostname (subjectAltName, else the CN); submission clients that verify the host name refuse it.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Mail servers that connect to yours on port 25 rarely check the name in your certificate (DANE checks the key instead). Mail clients on the submission ports do: they compare the host name they connected to with the certificate's DNS names (subjectAltName, or the common name when there are none). The name they connect to is usually $myhostname, the name smtpd announces. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `myhostname = mail.example.com\nsmtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate for www.example.com",
            objects: [{ key: "leaf" }, { cert: "leaf", names: ["www.example.com"] }],
          },
        },
      },
    ],
    silent: [
      {
        note: "A wildcard covers one label.",
        main: `myhostname = mail.example.com\nsmtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "key and a certificate for *.example.com",
            objects: [{ key: "leaf" }, { cert: "leaf", names: ["*.example.com"] }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    for (const { set, certificates } of loadedChains(context)) {
      const leaf = certificates[0];
      if (!leaf || set.program !== "smtpd" || set.inheritsCertificate) continue;
      // The default is the machine's name, which only the host knows.
      if (!context.isSet("myhostname", set.service)) continue;
      const hostname = context.valueOf("myhostname", set.service).toLowerCase();
      if (leaf.certificate.names.some((name) => covers(name.toLowerCase(), hostname))) continue;
      const names = leaf.certificate.names.join(", ") || "no DNS name";
      yield findingAt(
        leaf.named,
        `The certificate in ${quoted(leaf.named.path)} names ${names}, not myhostname ${hostname}. Mail servers on port 25 rarely check this, but mail clients on submission ports that connect to ${hostname} refuse the certificate. Add ${hostname} to the certificate's names when you renew it, or set myhostname to a name it covers.`,
      );
    }
  },
});

/** A certificate name covers a host name: equal, or a wildcard for exactly one label. */
function covers(name: string, hostname: string): boolean {
  if (name === hostname) return true;
  if (!name.startsWith("*.")) return false;
  const dot = hostname.indexOf(".");
  return dot > 0 && hostname.slice(dot + 1) === name.slice(2);
}
