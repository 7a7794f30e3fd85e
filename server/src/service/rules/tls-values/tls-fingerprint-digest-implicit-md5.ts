import { parseCompatibilityLevel } from "../../parser/expansion";
import type { RuleContext } from "../context";
import { defineRule } from "../rule";
import { atLeast, enumerate } from "./shared";

const CLIENT_CERT_CHECKS = /(^|[\s,])(check_ccert_access|permit_tls_clientcerts)($|[\s,])/i;

export default defineRule({
  meta: {
    id: "tls-fingerprint-digest-implicit-md5",
    severity: "info",
    description:
      "A compatibility_level below 3.6 that keeps md5 as the default digest of fingerprints in use.",
    pitfalls: ["P50"],
    fixable: false,
    files: ["main"],
    since: "3.6",
  },
  docs: {
    why: "From Postfix 3.6 on the fingerprint digests default to sha256, but only with compatibility_level 3.6 or later; a lower level keeps the old md5 default. Nothing in main.cf then says md5, yet every fingerprint comparison uses it, and md5 collisions can be forged. The rule speaks up only where fingerprints are in use: the fingerprint security level, relay_clientcerts, permit_tls_clientcerts or check_ccert_access.",
    fires: [
      {
        note: "The fingerprint level, with the md5 default of the old compatibility level.",
        main: "compatibility_level = 2\nsmtp_tls_security_level = fingerprint\n",
      },
      {
        main: "compatibility_level = 2\nsmtpd_client_restrictions = check_ccert_access hash:/etc/postfix/ccerts\n",
      },
    ],
    silent: [
      {
        note: "The digest is set explicitly.",
        main: "compatibility_level = 3.5\nsmtp_tls_security_level = fingerprint\nsmtp_tls_fingerprint_digest = sha256\n",
      },
      {
        note: "No fingerprints in use.",
        main: "compatibility_level = 2\nsmtp_tls_security_level = may\n",
      },
    ],
  },
  *check(context) {
    if (!atLeast(context.version, "3.6")) return;
    const setting = context.mainSettings.get("compatibility_level");
    if (!setting) return;
    const level = parseCompatibilityLevel(context.valueOf("compatibility_level"));
    if (level === undefined || level >= parseCompatibilityLevel("3.6")!) return;
    const uses = fingerprintUses(context);
    const names = [...uses.keys()].filter(
      (name) =>
        !context.mainSettings.has(name) && context.valueOf(name).trim().toLowerCase() === "md5",
    );
    if (names.length === 0) return;
    const users = [...new Set(names.map((name) => uses.get(name)!))];
    yield {
      file: "main",
      start: setting.value.start,
      end: setting.value.end,
      message: `With compatibility_level ${setting.value.text}, ${enumerate(names)} ${names.length > 1 ? "default" : "defaults"} to md5, which is no longer safe for fingerprints. ${enumerate(users)} ${users.length > 1 ? "use" : "uses"} certificate fingerprints, and md5 ones can be forged. Set ${names.length > 1 ? "them" : "it"} to sha256 explicitly (and recompute the fingerprints), or raise compatibility_level to 3.6 or later once the other changed defaults are reviewed.`,
    };
  },
});

/** The fingerprint digests a fingerprint is used with, each with the setting that uses it. */
function fingerprintUses(context: RuleContext): Map<string, string> {
  const uses = new Map<string, string>();
  for (const record of context.settings) {
    const name = record.setting.name.text;
    const value = record.setting.value.text;
    const client = /^(smtp|lmtp)_tls_security_level$/.exec(name)?.[1];
    if (client && value.trim().toLowerCase() === "fingerprint")
      uses.set(`${client}_tls_fingerprint_digest`, `${name} = fingerprint`);
    else if (name === "relay_clientcerts" && value.trim())
      uses.set("smtpd_tls_fingerprint_digest", "relay_clientcerts");
    else if (CLIENT_CERT_CHECKS.test(value))
      uses.set("smtpd_tls_fingerprint_digest", CLIENT_CERT_CHECKS.exec(value)![2].toLowerCase());
  }
  return uses;
}
