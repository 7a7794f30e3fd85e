import { defineRule } from "../rule";
import { COMMA_SPACE, compact, finding, literalSettings, replaceValue, words } from "./shared";

export default defineRule({
  meta: {
    id: "tls-dane-digests-no-sha256",
    severity: "warning",
    description: "tls_dane_digests without sha256.",
    pitfalls: ["P58"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "A TLSA record usually publishes the SHA-256 digest of the server's certificate or key, and DANE requires every implementation to support it. tls_dane_digests lists the digests Postfix may use to check such records; without sha256 those records are unusable, and DANE authentication fails for the servers that publish only them.",
    fires: [
      {
        main: "tls_dane_digests = sha512\n",
        fixed: { main: "tls_dane_digests = sha512 sha256\n" },
      },
      {
        master: "relay unix - - n - - smtp -o tls_dane_digests=sha512\n",
        fixed: { master: "relay unix - - n - - smtp -o tls_dane_digests=sha512,sha256\n" },
      },
    ],
    silent: [
      {
        note: "sha256 with an explicit matching type.",
        main: "tls_dane_digests = sha512=2 SHA256=1\n",
      },
    ],
    fix: "Appends sha256 to the end of the list and leaves the entries already there as they are. It only adds a digest Postfix may use, so it does not weaken anything.",
  },
  *check(context) {
    for (const p of literalSettings(context, /^tls_dane_digests$/)) {
      const items = words(p.value, COMMA_SPACE);
      if (items.length === 0) continue;
      if (items.some((item) => item.text.split("=")[0].toLowerCase() === "sha256")) continue;
      const joiner = compact(p) ? "," : " ";
      yield finding(
        p,
        p.setting.value,
        `tls_dane_digests leaves out sha256. Nearly all TLSA records carry sha256 digests, and every DANE implementation must support it; without it Postfix cannot use those records, and DANE authentication fails for the servers that publish them. Add sha256.`,
        replaceValue(p, `${p.value}${joiner}sha256`, "Add sha256"),
      );
    }
  },
});
