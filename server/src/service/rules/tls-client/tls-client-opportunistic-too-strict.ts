import { compareVersions } from "../../data/parameters";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  type Clients,
  OPPORTUNISTIC_LEVELS,
  PREFIXES,
  PROTOCOL_NAMES,
  Report,
  type Scope,
  TLSV1,
  TLSV1_3,
  clientsOf,
  enabledProtocols,
  joinWords,
  norm,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-opportunistic-too-strict",
    severity: "warning",
    description:
      "Protocol or cipher restrictions that narrow opportunistic TLS, so Postfix falls back to plaintext with servers that do not meet them.",
    pitfalls: ["P17"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "With opportunistic TLS (level may, or dane for a destination without TLSA records) the client delivers in plaintext whenever the TLS handshake cannot succeed. Raising the protocol floor, asking for high-grade ciphers only, or excluding ciphers the grade would offer does not make such mail safer: a server that cannot meet the restriction simply gets the mail without any encryption. Stronger requirements belong to the destinations that need them, at a mandatory level in `smtp_tls_policy_maps`.",
    fires: [
      {
        note: "A protocol floor of TLSv1.2 for opportunistic TLS.",
        main: "smtp_tls_security_level = may\nsmtp_tls_protocols = >=TLSv1.2\n",
      },
      {
        note: "High-grade ciphers only; the fix returns to the default grade.",
        main: "smtp_tls_security_level = may\nsmtp_tls_ciphers = high\n",
        fixed: { main: "smtp_tls_security_level = may\nsmtp_tls_ciphers = medium\n" },
      },
      {
        note: "aNULL is part of the medium grade, so excluding it narrows it.",
        main: "smtp_tls_security_level = may\nsmtp_tls_exclude_ciphers = EXPORT, LOW, aNULL\n",
      },
    ],
    silent: [
      {
        note: "The default protocol exclusions leave every TLS version.",
        main: "smtp_tls_security_level = may\nsmtp_tls_protocols = !SSLv2, !SSLv3\n",
      },
      {
        note: "At a mandatory level the restrictions are not read.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = encrypt\nsmtp_tls_protocols = >=TLSv1.2\nsmtp_tls_ciphers = high\n",
      },
      {
        note: "Exclusions of ciphers the grade leaves out anyway.",
        main: "smtp_tls_security_level = may\nsmtp_tls_exclude_ciphers = MD5, 3DES, RC4, aDSS\n",
      },
    ],
    fix: "Offered for `*_tls_ciphers = high` only: the value becomes `medium`, the default grade. The client then encrypts with servers that have no high-grade cipher instead of sending to them in plaintext. A server that prefers a medium-grade cipher may now get one, where it got a high-grade one before; if that matters for a destination, require it there at a mandatory level in the policy table.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const prefix of PREFIXES) {
      for (const suffix of ["tls_protocols", "tls_ciphers", "tls_exclude_ciphers"]) {
        for (const { source, scopes } of clients.placements(prefix, suffix)) {
          const affected = scopes.filter((scope) =>
            OPPORTUNISTIC_LEVELS.has(clients.level(scope).value),
          );
          if (affected.length === 0) continue;
          const name = source.setting.name.text;
          const value = source.setting.value.text;
          let fallback = "a server that cannot negotiate any of them";
          const advice = `Keep the default for opportunistic TLS, and ask for more per destination in ${prefix}_tls_policy_maps at level encrypt or stricter.`;
          let what: string;
          let fix: Fix | undefined;
          if (suffix === "tls_protocols") {
            if (value.includes("$")) continue;
            const parsed = enabledProtocols(value);
            // Unreadable lists and gaps are reported by the value rules (P06, P08).
            if (!parsed || parsed.gap || parsed.enabled.length === 0) continue;
            const enabled = parsed.enabled;
            if (enabled[0] <= TLSV1 && enabled[enabled.length - 1] >= TLSV1_3) continue;
            const tls = enabled.filter((i) => i >= TLSV1).map((i) => PROTOCOL_NAMES[i]);
            what = `${name} = ${value} leaves only ${joinWords(tls)}`;
          } else if (suffix === "tls_ciphers") {
            if (norm(value) !== "high") continue;
            what = `${name} = high refuses medium-grade ciphers`;
            fallback = "a server without a high-grade cipher";
            fix = {
              title: "Change to medium",
              edits: [{ ...source.setting.value, newText: "medium" }],
            };
          } else {
            const removed = new Set<string>();
            const narrowed = affected.filter((scope) => {
              const items = exclusionsThatNarrow(clients, scope, value);
              for (const item of items) removed.add(item);
              return items.length > 0;
            });
            if (narrowed.length === 0) continue;
            affected.splice(0, affected.length, ...narrowed);
            what = `${name} removes ciphers (${[...removed].join(", ")})`;
            fallback = "a server that only offers those ciphers";
          }
          report.onValue(
            source,
            affected,
            (where) =>
              `${what} for opportunistic TLS. On ${where}, ${fallback} gets no TLS at all, because ` +
              `Postfix then delivers to it in plaintext. ${advice}`,
            fix,
          );
        }
      }
    }
    yield* report.findings();
  },
});

/** OpenSSL's strength classes: no cipher is in two of them, and eNULL ciphers are in none. */
const STRENGTH_CLASSES = new Set(["HIGH", "MEDIUM", "LOW", "EXPORT"]);
const CIPHER_ALIASES: Record<string, string> = { EXP: "EXPORT", NULL: "eNULL" };
const canonicalCipher = (word: string) => CIPHER_ALIASES[word] ?? word;

/**
 * Whether an OpenSSL cipher list already leaves out every cipher `item` names: it
 * excludes it with `!`, or everything it selects is in other strength classes
 * (`ALL` never selects eNULL). Unknown words count as removing something.
 */
function alreadyExcluded(cipherlist: string, item: string): boolean {
  const target = canonicalCipher(item);
  const tokens = cipherlist.split(/[\s:,]+/).filter(Boolean);
  let selected: string[] = [];
  for (const token of tokens) {
    const operator = token[0];
    const word = canonicalCipher(/^[!+\-@]/.test(token) ? token.slice(1) : token);
    if (operator === "!" && word === target) return true;
    if (operator === "!" || operator === "-") selected = selected.filter((s) => s !== word);
    else if (!/^[+@]/.test(token)) selected.push(word);
  }
  const disjoint = (word: string) =>
    (word === "ALL" && target === "eNULL") ||
    (STRENGTH_CLASSES.has(word) &&
      (target === "eNULL" || (STRENGTH_CLASSES.has(target) && word !== target)));
  return selected.length > 0 && selected.every(disjoint);
}

/**
 * The items of a cipher exclusion list that remove something from the cipher grade a
 * client uses with opportunistic TLS (the grade's list as the configured release
 * defines it); none when the grade is not one Postfix knows (tls-cipher-grade-invalid).
 */
function exclusionsThatNarrow(clients: Clients, scope: Scope, exclusions: string): string[] {
  let grade = norm(clients.value(scope, `${scope.prefix}_tls_ciphers`));
  // Since 3.8 the low and export grades are the medium grade.
  if (
    (grade === "low" || grade === "export") &&
    compareVersions(clients.context.version, "3.8") >= 0
  )
    grade = "medium";
  if (!["high", "medium", "null", "low", "export"].includes(grade)) return [];
  const cipherlist = clients.value(scope, `tls_${grade}_cipherlist`);
  // tls_set_ciphers() splits the exclusions at commas, whitespace and colons.
  return exclusions.split(/[\s,:]+/).filter((item) => item && !alreadyExcluded(cipherlist, item));
}
