/**
 * The domains family: how trivial-rewrite routes an address (resolve.c) and
 * where the smtp client then sends it (smtp_connect.c), as far as main.cf and
 * master.cf tell.
 */

import { bracedWords } from "../../parser/bracedWords";
import type { RuleContext } from "../context";
import { evaluate } from "../startup/shared";

/** A `transport[:nexthop]` value split at its first colon. */
export function transportParts(value: string): { transport: string; nexthop: string } {
  const colon = value.indexOf(":");
  return colon < 0
    ? { transport: value, nexthop: "" }
    : { transport: value.slice(0, colon), nexthop: value.slice(colon + 1) };
}

/**
 * A main.cf value as Postfix evaluates it, or undefined when it cannot be known
 * from the files: an expansion error, or a default computed from the host.
 */
export function knownValue(context: RuleContext, name: string): string | undefined {
  const source = context.sourceOf(name);
  const evaluated = source
    ? evaluate(context, source.setting.value.text)
    : evaluate(context, `$${name}`);
  if (evaluated.error || evaluated.hostDependent) return undefined;
  return evaluated.value.trim();
}

/**
 * Whether a domain list (mydestination, virtual_*_domains, relay_domains) holds
 * `domain`: true or false when its entries are all literal names, undefined when
 * a table, a file or a negation could decide (string_list / domain_list matching,
 * match_ops.c). `parentMatches`: a name also matches its subdomains (relay_domains).
 */
export function domainListHolds(
  value: string,
  domain: string,
  parentMatches: boolean,
): boolean | undefined {
  let unknown = false;
  for (const word of bracedWords(value.toLowerCase())) {
    if (/^[!/]/.test(word) || (word.includes(":") && !word.startsWith("["))) {
      unknown = true;
      continue;
    }
    const pattern = word.replace(/\.$/, "");
    if (pattern === domain) return true;
    const suffix = pattern.startsWith(".") ? pattern : parentMatches ? `.${pattern}` : undefined;
    if (suffix && domain.endsWith(suffix) && domain.length > suffix.length) return true;
  }
  return unknown ? undefined : false;
}

/**
 * Whether a transport is an SMTP client (the smtp program, not LMTP): its
 * master.cf service runs `smtp`; without master.cf, the stock smtp and relay.
 */
export function isSmtpTransport(context: RuleContext, transport: string): boolean {
  if (!context.master) return transport === "smtp" || transport === "relay";
  return context.services.some(
    (service) =>
      service.name === transport && service.type === "unix" && service.command === "smtp",
  );
}

/** A next-hop destination `[host]:port`, `host:port`, `[host]` or `host`, with the port in effect. */
export function parseDestination(
  destination: string,
  defaultPort: string,
): { host: string; port: string; bracketed: boolean } | undefined {
  if (destination.startsWith("[")) {
    const close = destination.indexOf("]");
    if (close < 0) return undefined;
    const host = destination.slice(1, close).replace(/^ipv6:/i, "");
    const rest = destination.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return undefined;
    return { host, port: rest.slice(1) || defaultPort, bracketed: true };
  }
  const colon = destination.lastIndexOf(":");
  if (colon < 0) return { host: destination, port: defaultPort, bracketed: false };
  return {
    host: destination.slice(0, colon),
    port: destination.slice(colon + 1) || defaultPort,
    bracketed: false,
  };
}
