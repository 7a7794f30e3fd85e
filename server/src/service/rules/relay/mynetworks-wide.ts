import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { isLoopbackNetwork, isPublic, sizeInWords } from "./networks";
import { internetMynetworks } from "./mynetworks-internet";
import { mynetworksSettings } from "./shared";

/** Wider than this prefix, a network counts as wide (more than 65,536 IPv4 addresses). */
export const WIDE_PREFIX = { 4: 16, 6: 48 } as const;
/** Public networks wider than this prefix get a warning. */
export const PUBLIC_WARNING_PREFIX = { 4: 16, 6: 32 } as const;

/** The wide networks of each mynetworks setting, public ones (warning) or not (info). */
export function* wideNetworks(
  context: Parameters<typeof mynetworksSettings>[0],
  publicOnes: boolean,
) {
  const open = new Set(internetMynetworks(context).map(({ placed }) => placed.setting));
  for (const { placed, entries } of mynetworksSettings(context)) {
    // An open relay through mynetworks is reported by mynetworks-internet.
    if (open.has(placed.setting)) continue;
    for (const entry of entries) {
      if (entry.kind !== "network" || entry.negated || isLoopbackNetwork(entry)) continue;
      const warned = isPublic(entry) && entry.prefix < PUBLIC_WARNING_PREFIX[entry.family];
      if (publicOnes ? warned : !warned && entry.prefix < WIDE_PREFIX[entry.family])
        yield { placed, entry, span: wordSpan(placed.setting, entry.text) };
    }
  }
}

export default defineRule({
  meta: {
    id: "mynetworks-wide",
    severity: "info",
    description: "mynetworks trusts a wide private range; every client in it may relay.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Clients in mynetworks pass `permit_mynetworks`, which usually comes first in the relay restrictions: they may send mail to any domain without logging in. A range wider than a /16 (IPv4) or /48 (IPv6) trusts many hosts, and any one of them that gets infected can send spam through this server. Loopback ranges are not reported. Public ranges that wide get the warning `mynetworks-public-wide`.",
    fires: [{ note: "A whole private /8.", main: "mynetworks = 127.0.0.0/8, 10.0.0.0/8\n" }],
    silent: [
      { main: "mynetworks = 127.0.0.0/8, 10.1.2.0/24\n" },
      { note: "A /16 is not wider than a /16.", main: "mynetworks = 192.168.0.0/16\n" },
    ],
  },
  *check(context) {
    for (const { placed, entry, span } of wideNetworks(context, false)) {
      yield {
        file: placed.file,
        ...span,
        message: `mynetworks trusts ${sizeInWords(entry)} addresses with ${entry.text}. Every client in that range passes permit_mynetworks and may relay mail to any domain without logging in. List only the networks of hosts that send through this server.`,
      };
    }
  },
});
