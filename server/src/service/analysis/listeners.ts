/**
 * Which SMTP servers the Internet can reach: a master.cf inet service bound to a
 * non-loopback address (its own `host:port`, else inet_interfaces), and an smtpd
 * behind such a postscreen. Pure: the rule context in, services out.
 *
 * The TLS server rules have their own copy of this (rules/tls-server); the two
 * are to be unified.
 */

import type { RuleContext, ServiceView } from "../rules/context";

/** Whether a host (from a service name or inet_interfaces) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return (
    /^127\./.test(bare) ||
    bare === "::1" ||
    bare === "localhost" ||
    bare === "loopback-only" ||
    bare === "::ffff:127.0.0.1"
  );
}

/** The host part of an inet service name `[host:]port`, or undefined when none is given. */
export function serviceHost(name: string): string | undefined {
  const bracketed = /^\[([^\]]*)\]:[^:]+$/.exec(name);
  if (bracketed) return bracketed[1];
  const colon = name.lastIndexOf(":");
  return colon > 0 ? name.slice(0, colon) : undefined;
}

/** Whether an inet service listens on a non-loopback address. */
export function listensBeyondLoopback(context: RuleContext, service: ServiceView): boolean {
  if (service.type !== "inet") return false;
  const host = serviceHost(service.name);
  if (host !== undefined) return !isLoopbackHost(host);
  const interfaces = context
    .valueOf("inet_interfaces")
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);
  return interfaces.length === 0 || !interfaces.every(isLoopbackHost);
}

/**
 * Whether clients from the Internet reach this smtpd: it listens itself, or it
 * is the `pass` service that a listening postscreen hands connections to.
 */
export function reachableSmtpd(context: RuleContext, service: ServiceView): boolean {
  if (service.command !== "smtpd") return false;
  if (service.type === "inet") return listensBeyondLoopback(context, service);
  if (service.type !== "pass") return false;
  return context.services.some(
    (screen) =>
      screen.command === "postscreen" &&
      listensBeyondLoopback(context, screen) &&
      (context.valueOf("smtpd_service_name", screen) || "smtpd") === service.name,
  );
}

/** Without master.cf: whether the default smtp service would listen beyond loopback. */
export function defaultSmtpdReachable(context: RuleContext): boolean {
  const interfaces = context
    .valueOf("inet_interfaces")
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);
  return interfaces.length === 0 || !interfaces.every(isLoopbackHost);
}
