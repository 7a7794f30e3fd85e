import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  type Placed,
  type Protocol,
  type ProtocolWord,
  atLeast,
  contiguous,
  enumerate,
  finding,
  knownProtocols,
  listJoiner,
  replaceValue,
  validProtocolLists,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-protocols-allow-ssl",
    severity: "warning",
    description: "A protocol list that still allows SSLv3 or SSLv2.",
    pitfalls: ["P22"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "SSL 2 and SSL 3 have practical attacks (POODLE among them), so a session on them gives no real protection. A list that only excludes some words, or only sets an upper bound, keeps whatever it does not name, SSL 3 included. Whether OpenSSL still has SSL 3 compiled in varies, so the list itself should leave it out.",
    fires: [
      {
        note: "Only SSLv2 is excluded.",
        main: "smtpd_tls_protocols = !SSLv2\n",
        fixed: { main: "smtpd_tls_protocols = >=TLSv1\n" },
      },
      {
        note: "An upper bound alone sets no lower limit.",
        main: "smtp_tls_protocols = <=TLSv1.2\n",
        fixed: { main: "smtp_tls_protocols = >=TLSv1, <=TLSv1.2\n" },
      },
      {
        note: "Before 3.6 the fix adds the exclusion.",
        version: "3.4",
        main: "smtpd_tls_protocols = !SSLv2\n",
        fixed: { main: "smtpd_tls_protocols = !SSLv2, !SSLv3\n" },
      },
    ],
    silent: [
      { main: "smtpd_tls_protocols = >=TLSv1\nsmtp_tls_protocols = !SSLv2, !SSLv3\n" },
      { note: "An empty list keeps the built-in setting.", main: "lmtp_tls_protocols =\n" },
    ],
    fix: 'Rewrites the list so that it allows the same TLS versions and no SSL: a ">=" bound at the lowest TLS version it allowed, plus its "<=" bound if it had one (before Postfix 3.6, the "!" exclusions with "!SSLv3" added). Not offered when the TLS versions the list allows have a hole. A peer that can only speak SSL 3 then gets no TLS at all; with opportunistic TLS its mail goes in plaintext, so check your logs for such peers first.',
  },
  *check(context) {
    for (const { p, list, allowed } of validProtocolLists(context)) {
      const ssl = sslAllowed(p, list, allowed, context.version);
      if (ssl) yield ssl;
    }
  },
});

/** SSLv3 or SSLv2 still allowed by an explicit list. */
function sslAllowed(p: Placed, list: ProtocolWord[], allowed: Protocol[], version: string) {
  if (list.length === 0) return undefined;
  const ssl = allowed.filter((protocol) => !protocol.tls).map((protocol) => protocol.name);
  if (ssl.length === 0) return undefined;
  const hasFloor = list.some((word) => word.kind === "floor" && word.bound > 0);
  const why =
    hasFloor || list.some((word) => word.kind === "include") ? "" : " (it sets no lower limit)";
  const message =
    `This list still allows ${enumerate(ssl)}${why}. SSL protocols are broken, and any handshake that ends up on them is not protected. ` +
    (atLeast(version, "3.6") ? `Use ">=TLSv1" or higher.` : `Exclude them with "!SSLv2, !SSLv3".`);
  return finding(p, p.setting.value, message, sslFix(p, list, allowed, version));
}

function sslFix(
  p: Placed,
  list: ProtocolWord[],
  allowed: Protocol[],
  version: string,
): Fix | undefined {
  const known = knownProtocols(version);
  const tls = allowed.filter((protocol) => protocol.tls);
  if (tls.length === 0 || !contiguous(tls, known)) return undefined;
  let newValue: string;
  if (atLeast(version, "3.6")) {
    const top = known.filter((protocol) => protocol.tls).pop()!;
    const highest = tls[tls.length - 1];
    newValue = `>=${tls[0].name}` + (highest === top ? "" : `${listJoiner(p)}<=${highest.name}`);
  } else {
    if (!list.every((word) => word.kind === "exclude")) return undefined;
    newValue = known
      .filter((protocol) => !protocol.tls || !allowed.includes(protocol))
      .map((protocol) => `!${protocol.name}`)
      .join(listJoiner(p));
  }
  return replaceValue(p, newValue, `Replace with ${newValue}`);
}
