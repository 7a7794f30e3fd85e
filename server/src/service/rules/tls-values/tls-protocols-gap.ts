import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  type Placed,
  type Protocol,
  type ProtocolWord,
  atLeast,
  enumerate,
  finding,
  knownProtocols,
  listJoiner,
  replaceValue,
  validProtocolLists,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-protocols-gap",
    severity: "error",
    description:
      "A protocol list that leaves out a version between two allowed ones; only the versions below the gap stay usable.",
    pitfalls: ["P08"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "OpenSSL takes the allowed versions as one range from a lowest to a highest version. When a list turns off a version in the middle, such as TLS 1.1 while TLS 1.0 and 1.2 stay on, the range ends below the hole: TLS 1.2 and 1.3 are off as well, and peers that only speak them cannot use TLS with this service. That is rarely what the list was written for.",
    fires: [
      {
        note: "TLS 1.1 is left out, so only TLS 1.0 remains.",
        main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.1\n",
        fixed: { main: "smtp_tls_protocols = >=TLSv1.2\n" },
      },
      {
        note: "Before 3.6 the fix lists the exclusions.",
        version: "3.5",
        main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.1\n",
        fixed: { main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\n" },
      },
      {
        note: "Here the intent is not clear, so there is no quick-fix.",
        main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.2\n",
      },
    ],
    silent: [
      {
        main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\nsmtpd_tls_protocols = TLSv1.2 TLSv1.3\n",
      },
    ],
    fix: 'Offered only for a list of "!" exclusions whose intent is clear: when the hole is nearer the bottom than the top, the list becomes a lower bound just above the highest excluded version (">=TLSv1.2"; before Postfix 3.6 the matching exclusions). That turns off the versions below the hole, which the list allowed; peers that only speak those versions then cannot use TLS.',
  },
  *check(context) {
    for (const { p, list, allowed } of validProtocolLists(context)) {
      const gap = protocolGap(p, list, allowed, context.version);
      if (gap) yield gap;
    }
  },
});

/** OpenSSL cannot skip a version; it keeps only the versions below the first gap. */
function protocolGap(p: Placed, list: ProtocolWord[], allowed: Protocol[], version: string) {
  const tls = knownProtocols(version).filter((protocol) => protocol.tls);
  const flags = tls.map((protocol) => allowed.includes(protocol));
  const first = flags.indexOf(true);
  if (first < 0) return undefined;
  let runEnd = first;
  while (runEnd + 1 < flags.length && flags[runEnd + 1]) runEnd++;
  const cut = tls.slice(runEnd + 1).filter((protocol) => allowed.includes(protocol));
  if (cut.length === 0) return undefined;
  const holes = tls
    .slice(first, tls.indexOf(cut[cut.length - 1]))
    .filter((protocol) => !allowed.includes(protocol));
  const kept = tls.slice(first, runEnd + 1).map((protocol) => protocol.name);
  const message =
    `This list turns ${enumerate(holes.map((protocol) => protocol.name))} off but leaves ` +
    `${enumerate([...kept, ...cut.map((protocol) => protocol.name)])} on. ` +
    `OpenSSL cannot skip a version: it uses only the versions below the gap, so ` +
    `${enumerate(kept)} ${kept.length > 1 ? "remain" : "remains"} and ${enumerate(cut.map((protocol) => protocol.name))} ${cut.length > 1 ? "are" : "is"} off. ` +
    (atLeast(version, "3.6")
      ? `Set a lower bound instead, e.g. ">=TLSv1.2".`
      : "Exclude every version below the lowest one you want.");
  return finding(p, p.setting.value, message, gapFix(p, list, allowed, version));
}

/**
 * For a pure "!" list: the lower bound just above the highest excluded version,
 * offered only when that drops fewer of the versions the list allows than a
 * ceiling below the gap would; otherwise the intent is not clear.
 */
function gapFix(
  p: Placed,
  list: ProtocolWord[],
  allowed: Protocol[],
  version: string,
): Fix | undefined {
  if (!list.every((word) => word.kind === "exclude")) return undefined;
  const known = knownProtocols(version);
  const tls = known.filter((protocol) => protocol.tls);
  let highest = -1;
  for (const word of list)
    if (word.kind === "exclude") highest = Math.max(highest, tls.indexOf(word.protocol));
  if (highest < 0 || highest + 1 >= tls.length) return undefined;
  const below = tls.slice(0, highest).filter((protocol) => allowed.includes(protocol)).length;
  const above = tls.slice(highest + 1).filter((protocol) => allowed.includes(protocol)).length;
  if (below >= above) return undefined;
  const floor = tls[highest + 1];
  const newValue = atLeast(version, "3.6")
    ? `>=${floor.name}`
    : known
        .filter((protocol) => protocol.code < floor.code)
        .map((protocol) => `!${protocol.name}`)
        .join(listJoiner(p));
  return replaceValue(p, newValue, `Replace with ${newValue}`);
}
