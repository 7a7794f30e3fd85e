import { compareVersions, isKnownParameter } from "../../data/parameters";
import { defineRule } from "../rule";
import { settingSpan } from "./shared";

const DSA_CERTIFICATES = [
  "smtp_tls_dcert_file",
  "lmtp_tls_dcert_file",
  "smtpd_tls_dcert_file",
  "tlsproxy_tls_dcert_file",
  "tlsproxy_client_dcert_file",
  "postscreen_tls_dcert_file",
];

export default defineRule({
  meta: {
    id: "tls-dsa-certificate",
    severity: "info",
    description: "A DSA certificate (*_dcert_file); DSA is obsolete.",
    pitfalls: ["P56"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "TLS 1.3 has no place for DSA keys, and most peers no longer negotiate DSA-signed cipher suites. From Postfix 3.8 on the default cipher lists leave those suites (aDSS) out, so a DSA certificate is not used at all unless the lists are changed. It is better replaced with an RSA or ECDSA certificate, on the client side as on the server side.",
    fires: [
      {
        note: "A DSA certificate for the SMTP server.",
        main: "smtpd_tls_dcert_file = /etc/postfix/dsa-cert.pem\nsmtpd_tls_dkey_file = /etc/postfix/dsa-key.pem\n",
      },
    ],
    silent: [
      { note: "An empty setting configures nothing.", main: "smtpd_tls_dcert_file =\n" },
      {
        note: "An RSA certificate.",
        main: "smtpd_tls_cert_file = /etc/postfix/cert.pem\nsmtpd_tls_key_file = /etc/postfix/key.pem\n",
      },
    ],
  },
  *check(context) {
    const newDefaults = compareVersions(context.version, "3.8") >= 0;
    for (const source of context.settingsNamed(DSA_CERTIFICATES)) {
      const name = source.setting.name.text;
      if (!isKnownParameter(name, context.version)) continue;
      if (!source.setting.value.text.trim()) continue;
      yield {
        file: source.file,
        ...settingSpan(source.setting),
        message:
          `${name} configures a DSA certificate. DSA is obsolete: TLS 1.3 cannot use it` +
          (newDefaults
            ? `, and since Postfix 3.8 the default cipher lists leave out DSA-signed (aDSS) ciphers, so it is not used at all.`
            : `, and few peers still accept it.`) +
          ` Use an RSA or ECDSA certificate instead, and remove this setting and ${name.replace("dcert", "dkey")}.`,
      };
    }
  },
});
