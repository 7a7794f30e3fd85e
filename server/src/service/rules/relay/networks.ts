/**
 * mynetworks entries as smtpd matches them (match_list.c, match_ops.c,
 * cidr_match.c): `!` negates, `/file` and `type:table` are looked up, a pattern
 * with `/` or `:` made of address characters is parsed as an address or
 * net/mask, anything else is a host or domain name.
 */

import { COMMA_SPACE, bracedWordSpans } from "../../parser/bracedWords";

export type NetworkEntry =
  | {
      kind: "network";
      text: string;
      family: 4 | 6;
      prefix: number;
      address: bigint;
      negated: boolean;
    }
  /** A net/mask or address pattern smtpd cannot parse: matching stops there with an error. */
  | { kind: "invalid"; text: string; reason: string; negated: boolean }
  /** A static: table, which matches every client. */
  | { kind: "everything"; text: string; negated: boolean }
  | { kind: "other"; text: string; negated: boolean };

/** An entry before its `!` is read. */
type Unnegated = NetworkEntry extends infer E
  ? E extends NetworkEntry
    ? Omit<E, "negated">
    : never
  : never;

/** The characters of address patterns that smtpd parses as networks. */
const ADDRESS_CHARS = /^[0-9A-Fa-f.:[\]/]+$/;

/** The entries of a mynetworks value (already `$`-expanded). */
export function parseNetworks(value: string): NetworkEntry[] {
  return bracedWordSpans(value, COMMA_SPACE).map(([start, end]) => {
    const word = value.slice(start, end);
    const bare = word.replace(/^!+/, "");
    const negated = (word.length - bare.length) % 2 === 1;
    return { ...classify(bare), negated } as NetworkEntry;
  });
}

function classify(pattern: string): Unnegated {
  if (pattern.startsWith("/")) return { kind: "other", text: pattern };
  // Unbracketed text with a colon is a lookup table (MATCH_DICTIONARY in match_list.c).
  if (!pattern.startsWith("[") && pattern.includes(":")) {
    const type = pattern.slice(0, pattern.indexOf(":"));
    if (type.toLowerCase() === "static") return { kind: "everything", text: pattern };
    if (/^[0-9A-Fa-f]*$/.test(type) && ADDRESS_CHARS.test(pattern))
      return invalid(
        pattern,
        `an IPv6 address must be written in brackets ([${pattern.replace(/\/.*/, "")}]${pattern.includes("/") ? pattern.slice(pattern.indexOf("/")) : ""}); without them smtpd reads a lookup table of type "${type}"`,
      );
    return { kind: "other", text: pattern };
  }
  // Names and lone IPv4 addresses are compared as text, never parsed as networks.
  if (!/[:/]/.test(pattern) || !ADDRESS_CHARS.test(pattern))
    return { kind: "other", text: pattern };
  return parseNetwork(pattern);
}

/** cidr_match_parse(): `[addr]/len`, `[addr/len]`, `addr/len` or `addr`. */
export function parseNetwork(pattern: string): Unnegated {
  let text = pattern;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return invalid(pattern, "the ']' is missing");
    const after = text.slice(close + 1);
    if (after !== "" && !after.startsWith("/")) return invalid(pattern, "text follows the ']'");
    text = text.slice(1, close) + after;
  }
  const slash = text.indexOf("/");
  const host = slash < 0 ? text : text.slice(0, slash);
  const family: 4 | 6 = host.includes(":") ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const mask = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^[0-9]+$/.test(mask)) return invalid(pattern, "the mask is not a number");
  const prefix = Number(mask);
  if (prefix > bits) return invalid(pattern, `the mask is longer than ${bits} bits`);
  const address = family === 4 ? parseIpv4(host) : parseIpv6(host);
  if (address === undefined) return invalid(pattern, "it is not a valid address");
  const hostBits = BigInt(bits - prefix);
  if (address & ((1n << hostBits) - 1n)) {
    const network = (address >> hostBits) << hostBits;
    return invalid(
      pattern,
      `address bits are set after the /${prefix} mask (the network is ${formatAddress(network, family)}/${prefix})`,
    );
  }
  return { kind: "network", text: pattern, family, prefix, address };
}

function invalid(text: string, reason: string): Unnegated {
  return { kind: "invalid", text, reason };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (
    parts.length !== 4 ||
    !parts.every((part) => /^(?:0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)
  )
    return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  let groups = text;
  // A trailing dotted quad stands for the last two groups.
  const lastColon = groups.lastIndexOf(":");
  const quad = groups.slice(lastColon + 1);
  if (quad.includes(".")) {
    const v4 = parseIpv4(quad);
    if (v4 === undefined) return undefined;
    groups = `${groups.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = groups.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (![...head, ...rest].every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return undefined;
  const count = head.length + rest.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const values = [...head, ...Array<string>(8 - count).fill("0"), ...rest];
  return values.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatAddress(address: bigint, family: 4 | 6): string {
  if (family === 4)
    return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 255n)).join(".");
  const groups = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n)
    groups.push(((address >> shift) & 0xffffn).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** The number of addresses a network covers. */
export function networkSize(entry: { family: 4 | 6; prefix: number }): bigint {
  return 1n << BigInt((entry.family === 4 ? 32 : 128) - entry.prefix);
}

/** IPv4 ranges that are not public: loopback, private, link-local, shared, reserved. */
const V4_NOT_PUBLIC: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 3],
];

/** Whether a network lies inside one of the non-public ranges. */
export function isPublic(entry: { family: 4 | 6; prefix: number; address: bigint }): boolean {
  if (entry.family === 6) {
    // Global unicast is 2000::/3; loopback, unique local and link-local are not public.
    const top = entry.address >> 125n;
    return entry.prefix < 3 || top === 1n;
  }
  return !V4_NOT_PUBLIC.some(([network, prefix]) => {
    const base = parseIpv4(network)!;
    const shift = BigInt(32 - prefix);
    return entry.prefix >= prefix && entry.address >> shift === base >> shift;
  });
}

/** Whether a network is loopback only (127/8, ::1, ::ffff:127.0.0.0/104). */
export function isLoopbackNetwork(entry: {
  family: 4 | 6;
  prefix: number;
  address: bigint;
}): boolean {
  if (entry.family === 4) return entry.prefix >= 8 && entry.address >> 24n === 127n;
  if (entry.prefix === 128 && entry.address === 1n) return true;
  const mapped = (0xffffn << 32n) | (127n << 24n);
  return entry.prefix >= 104 && entry.address >> 24n === mapped >> 24n;
}

/**
 * Whether the networks cover most of the Internet: at least half of the IPv4
 * addresses, or all of IPv6's global unicast range (2000::/3), not counting
 * networks after a negation (whose effect depends on the order).
 */
export function coversInternet(entries: NetworkEntry[]): NetworkEntry | undefined {
  const everything = entries.find((entry) => entry.kind === "everything" && !entry.negated);
  const firstNegation = entries.findIndex((entry) => entry.negated);
  const considered = firstNegation < 0 ? entries : entries.slice(0, firstNegation);
  if (everything && considered.includes(everything)) return everything;
  const networks = considered.filter(
    (entry): entry is Extract<NetworkEntry, { kind: "network" }> => entry.kind === "network",
  );
  const v6 = networks.find(
    (entry) =>
      entry.family === 6 && entry.prefix <= 3 && (entry.address >> 125n === 1n || entry.prefix < 3),
  );
  if (v6) return v6;
  // The IPv4 union, as sorted intervals.
  const intervals = networks
    .filter((entry) => entry.family === 4)
    .map((entry) => [entry.address, entry.address + networkSize(entry)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let covered = 0n;
  let end = -1n;
  for (const [from, to] of intervals) {
    if (to <= end) continue;
    covered += to - (from > end ? from : end);
    end = to;
  }
  if (covered * 2n >= 1n << 32n)
    return networks.filter((entry) => entry.family === 4).sort((a, b) => a.prefix - b.prefix)[0];
  return undefined;
}

/** How many addresses a network holds, in words ("65,536" or "2^80"). */
export function sizeInWords(entry: { family: 4 | 6; prefix: number }): string {
  return entry.family === 4
    ? networkSize(entry).toLocaleString("en-US")
    : `2^${128 - entry.prefix}`;
}
