import type { FileFacts } from "../../certificates";
import { defineRule } from "../rule";
import {
  FILE_CHECKS_NOTE,
  type NamedFile,
  certificateRequests,
  factsOf,
  findingAt,
  keySets,
  namedFiles,
  quoted,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-file-content",
    severity: "error",
    description:
      "A certificate or key file holds the wrong thing: not PEM, binary DER, a CSR or a key where a certificate belongs, a certificate where a key belongs.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix reads certificates and keys in PEM form only ("-----BEGIN CERTIFICATE-----"). A DER file, a certificate signing request (what you send to the CA, not what it sends back), or a key in the certificate's place cannot be loaded, and smtpd then runs without TLS: it answers STARTTLS with "454 4.7.0 TLS not available due to local problem". ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "The CSR was installed instead of the certificate the CA issued.",
        main: "smtpd_tls_cert_file = /etc/postfix/mail.csr\nsmtpd_tls_key_file = /etc/postfix/key.pem\n",
        host: {
          "/etc/postfix/mail.csr": {
            about: "a certificate signing request",
            objects: [{ csr: "leaf" }],
          },
          "/etc/postfix/key.pem": { about: "the key", objects: [{ key: "leaf" }] },
        },
      },
      {
        note: "A DER certificate.",
        main: "smtpd_tls_cert_file = /etc/postfix/cert.der\nsmtpd_tls_key_file = /etc/postfix/key.pem\n",
        host: {
          "/etc/postfix/cert.der": {
            about: "a certificate in binary DER",
            objects: [{ cert: "leaf" }],
            der: true,
          },
          "/etc/postfix/key.pem": { about: "the key", objects: [{ key: "leaf" }] },
        },
      },
      {
        note: "The key and certificate parameters are swapped.",
        main: "smtpd_tls_cert_file = /etc/postfix/key.pem\nsmtpd_tls_key_file = /etc/postfix/cert.pem\n",
        host: {
          "/etc/postfix/cert.pem": { about: "the certificate", objects: [{ cert: "leaf" }] },
          "/etc/postfix/key.pem": { about: "the key", objects: [{ key: "leaf" }] },
        },
      },
    ],
    silent: [
      {
        note: "One file with the key and the certificate (the key file defaults to the certificate file).",
        main: "smtpd_tls_cert_file = /etc/postfix/mail.pem\n",
        host: {
          "/etc/postfix/mail.pem": {
            about: "key and certificate",
            objects: [{ key: "leaf" }, { cert: "leaf" }],
          },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    // A file that holds both (one file for key and certificate) is checked for both.
    const mixed = new Set(
      keySets(context)
        .filter((set) => set.kind !== "pair")
        .flatMap((set) => set.files.map((named) => named.path)),
    );
    for (const named of namedFiles(context)) {
      if (named.slot === "capath" || named.slot === "cafile") continue;
      const facts = factsOf(context, named.path);
      if (!facts) continue;
      const problem = problemOf(named, facts, mixed.has(named.path));
      if (problem) yield findingAt(named, problem);
    }
  },
});

function problemOf(named: NamedFile, facts: FileFacts, mixed: boolean): string | undefined {
  const where = `${named.parameter} names ${quoted(named.path)}`;
  const failing = `${named.program} cannot load it and runs without TLS`;
  if (facts.encoding === "der")
    return `${where}, which is binary DER; Postfix reads PEM only. ${failing}. Convert it: openssl ${facts.objects[0]?.kind === "key" ? "pkey" : "x509"} -inform DER -in ${named.path} -out ${named.path}.pem, and name the .pem file.`;
  if (facts.encoding === "unknown")
    return `${where}, which holds no PEM data ("-----BEGIN ...-----" blocks). ${failing}. Name the PEM file your CA issued.`;
  const kinds = new Set(facts.objects.map((object) => object.kind));
  const broken = facts.objects.find((object) => object.kind === "broken");
  if (broken)
    return `${where}, whose PEM object number ${broken.number} (${"label" in broken ? broken.label : ""}) cannot be parsed. ${failing}. Replace the damaged block with the original.`;
  const wantsCert = named.slot === "cert" || named.slot === "chain" || mixed;
  const wantsKey = named.slot === "key" || (mixed && named.slot === "cert");
  if (wantsCert && !kinds.has("certificate")) {
    if (kinds.has("csr"))
      return `${where}, which holds a certificate signing request, not a certificate. The CSR is what you send to the CA; ${failing}. Install the certificate the CA returned.`;
    if (kinds.has("key") && named.slot === "cert")
      return `${where}, which holds a private key but no certificate. ${failing}. Name the certificate file here (and the key in ${named.parameter.replace(/cert_file$/, "key_file")}).`;
    if (named.slot !== "chain")
      return `${where}, which holds no certificate. ${failing}. Name the certificate file.`;
  }
  if (wantsKey && !kinds.has("key") && named.slot === "key")
    return `${where}, which holds ${kinds.has("certificate") ? "a certificate" : "nothing"} but no private key. ${failing}. Name the private key file here.`;
  return undefined;
}
