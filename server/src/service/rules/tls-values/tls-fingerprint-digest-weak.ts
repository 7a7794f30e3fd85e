import { defineRule } from "../rule";
import { DIGEST_PARAMETER, finding, literalSettings, replaceValue } from "./shared";

export default defineRule({
  meta: {
    id: "tls-fingerprint-digest-weak",
    severity: "warning",
    description: "A fingerprint digest set to md5 or sha1.",
    pitfalls: ["P50"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "A fingerprint only identifies a certificate as long as nobody can make a second certificate with the same digest. For md5 and sha1 such collisions can be produced, so a fingerprint match made with them is weak evidence of who the peer is. sha256 is the default from compatibility level 3.6 on.",
    fires: [
      {
        main: "compatibility_level = 3.6\nsmtpd_tls_fingerprint_digest = sha1\n",
        fixed: { main: "compatibility_level = 3.6\nsmtpd_tls_fingerprint_digest = sha256\n" },
      },
      {
        master: "submission inet n - y - - smtpd -o smtpd_tls_fingerprint_digest=MD5\n",
        fixed: {
          master: "submission inet n - y - - smtpd -o smtpd_tls_fingerprint_digest=sha256\n",
        },
      },
    ],
    silent: [{ main: "smtpd_tls_fingerprint_digest = sha256\n" }],
    fix: "Changes the digest to sha256. That alone breaks every fingerprint made with the old digest (in *_fingerprint_cert_match, relay_clientcerts, check_ccert_access tables and TLS policy tables): recompute them with sha256 at the same time, or the peers they name are refused.",
  },
  *check(context) {
    for (const p of literalSettings(context, DIGEST_PARAMETER)) {
      const digest = p.value.trim().toLowerCase();
      if (digest !== "md5" && digest !== "sha1") continue;
      yield finding(
        p,
        p.setting.value,
        `${digest} is no longer a safe digest for certificate fingerprints: collisions can be forged. Use sha256, and recompute the fingerprints that go with ${p.name}.`,
        replaceValue(p, "sha256", "Change to sha256 (then recompute the fingerprints)"),
      );
    }
  },
});
