import { defineRule } from "../rule";
import { addNextTo, onValue } from "./shared";

/** File names that usually hold certificates only, without the key. */
const CERTIFICATE_ONLY = /(^|[/._-])(fullchain|cert|chain|crt)\.pem$|\.(crt|cer)$/i;

// Only smtpd's key files default to the certificate file; the postscreen and
// tlsproxy copies default to smtpd's key file.
const PAIRS = [
  ["smtpd_tls_cert_file", "smtpd_tls_key_file"],
  ["smtpd_tls_eccert_file", "smtpd_tls_eckey_file"],
];

export default defineRule({
  meta: {
    id: "server-key-file-default",
    severity: "warning",
    description:
      "A certificate-only file without a key file; Postfix then looks for the private key in the certificate file.",
    pitfalls: ["P30"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "When `smtpd_tls_key_file` is not set, smtpd reads the private key from the certificate file. That works for a combined file, but names such as `fullchain.pem`, `cert.pem` or `*.crt` usually hold certificates only. The key is then not found, loading fails, and the server runs without TLS.",
    fires: [
      {
        note: "certbot's layout; the fix names its key file.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/letsencrypt/live/mx/fullchain.pem\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/letsencrypt/live/mx/fullchain.pem\nsmtpd_tls_key_file = /etc/letsencrypt/live/mx/privkey.pem\n",
        },
      },
      {
        note: "A .crt file set with -o.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/a.pem\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_cert_file=/etc/ssl/mx.crt\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/letsencrypt/live/mx/fullchain.pem\nsmtpd_tls_key_file = /etc/letsencrypt/live/mx/privkey.pem\n",
      },
      {
        note: "A file name that does not say it holds certificates only.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/mx-combined.pem\n",
      },
    ],
    fix: "Offered for certbot's `/etc/letsencrypt/live/<name>/fullchain.pem` or `cert.pem` only: it adds the key file setting with that directory's `privkey.pem`, next to the certificate setting. It is not safe if the key lives elsewhere; check that the file exists and is readable by root only.",
  },
  *check(context) {
    for (const source of context.settingsNamed(PAIRS.map(([cert]) => cert))) {
      const pair = PAIRS.find(([cert]) => cert === source.setting.name.text);
      if (!pair) continue;
      const service = source.service;
      const [certName, keyName] = pair;
      const path = context.valueOf(certName, service).trim();
      const chainName = certName.replace(/_(ec)?cert_file$/, "_chain_files");
      if (
        !CERTIFICATE_ONLY.test(path) ||
        context.isSet(keyName, service) ||
        context.valueOf(chainName, service).trim()
      )
        continue;
      const certbot = /^(\/.*\/letsencrypt\/live\/[^/]+\/)(fullchain|cert)\.pem$/.exec(path);
      const edit = certbot
        ? addNextTo(context, source, keyName, `${certbot[1]}privkey.pem`)
        : undefined;
      yield onValue(
        source,
        `${keyName} is not set, so the private key is read from the certificate file. ${path} looks like a file with certificates only. If the key is not in it, loading fails and TLS is turned off. Set ${keyName} to the private key file.`,
        edit ? { title: `Set ${keyName} to ${certbot![1]}privkey.pem`, edits: [edit] } : undefined,
      );
    }
  },
});
