import { defineRule } from "../rule";
import { compact, enumerate, finding, literalSettings, replaceValue, words } from "./shared";

const P256_NAMES = ["prime256v1", "p-256", "secp256r1"];

export default defineRule({
  meta: {
    id: "tls-groups-missing-recommended",
    severity: "warning",
    description: "tls_eecdh_auto_curves set without X25519 or prime256v1 (P-256).",
    pitfalls: ["P60"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "The key exchange groups Postfix offers come from tls_eecdh_auto_curves and tls_ffdhe_auto_groups together. X25519 and P-256 (prime256v1) are the groups nearly every TLS peer supports; a list without them makes handshakes take an extra round trip, or fail when peer and server have no group in common. OpenSSL's DEFAULT list, or both parameters left empty, include them.",
    fires: [
      {
        main: "tls_eecdh_auto_curves = secp384r1 secp521r1\n",
        fixed: { main: "tls_eecdh_auto_curves = X25519 prime256v1 secp384r1 secp521r1\n" },
      },
      {
        master: "relay unix - - n - - smtp -o tls_eecdh_auto_curves=X25519\n",
        fixed: { master: "relay unix - - n - - smtp -o tls_eecdh_auto_curves=prime256v1,X25519\n" },
      },
    ],
    silent: [
      { main: "tls_eecdh_auto_curves = x25519, P-256, secp384r1\n" },
      { main: "tls_eecdh_auto_curves = ?X25519MLKEM768:DEFAULT\n" },
      { main: "tls_eecdh_auto_curves =\ntls_ffdhe_auto_groups =\n" },
    ],
    fix: "Puts the missing groups in front of the list, so they are preferred, and keeps the rest. That only adds groups nearly every peer already uses; if you removed them on purpose (a compliance profile, for instance), turn the rule off instead.",
  },
  *check(context) {
    for (const p of literalSettings(context, /^tls_eecdh_auto_curves$/)) {
      const ffdhe = context.valueOf("tls_ffdhe_auto_groups", p.service);
      const groups = words(`${p.value} ${ffdhe}`, /[\s,:/]/)
        .map((word) => word.text.toLowerCase())
        .filter((word) => !word.startsWith("-"))
        .map((word) => word.replace(/^[?*]+/, ""));
      // Both lists empty: OpenSSL's own defaults, which include both.
      if (groups.length === 0 || groups.includes("default")) continue;
      const missing: string[] = [];
      if (!groups.includes("x25519")) missing.push("X25519");
      if (!groups.some((group) => P256_NAMES.includes(group))) missing.push("prime256v1");
      if (missing.length === 0) continue;
      const joiner = compact(p) ? "," : " ";
      const newValue = [...missing, ...(p.value.trim() ? [p.value] : [])].join(joiner);
      yield finding(
        p,
        p.setting.value,
        `The key exchange groups lack ${enumerate(missing)}. Almost every TLS peer offers X25519 and P-256 (prime256v1); without them handshakes need an extra round trip or fail for lack of a common group. Add ${missing.length > 1 ? "them" : "it"}, or remove the setting to get the built-in list.`,
        replaceValue(p, newValue, `Add ${enumerate(missing)}`),
      );
    }
  },
});
