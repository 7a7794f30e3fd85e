/**
 * Where master.cf's inet services listen, in one place for every rule family:
 * the `[host:]port` of an inet service name (host_port.c with an empty default
 * host), whether a service listens beyond loopback (its own host, else
 * inet_interfaces), the smtpd services the Internet reaches, and which host
 * names and addresses are this host's own. Pure: the rule context in, answers out.
 */

import type { RuleContext, ServiceView } from "../rules/context";
import { evaluate } from "../rules/startup/shared";

// ---------------------------------------------------------------------------
// inet service names

export type HostPort = { host: string; port: string; hostGiven: boolean } | { error: string };

/** An inet service name parsed as master(8) parses it; the errors are master's. */
export function hostPort(name: string): HostPort {
  let host: string;
  let port: string;
  let hostGiven: boolean;
  if (name.startsWith("[")) {
    let rest = name.slice(1);
    const ipv6 = /^ipv6:/i.test(rest);
    if (ipv6) rest = rest.slice(5);
    const close = rest.indexOf("]");
    if (close < 0) return { error: 'missing "]"' };
    host = rest.slice(0, close);
    rest = rest.slice(close + 1);
    if (rest && !rest.startsWith(":")) return { error: 'garbage after "]"' };
    if (ipv6 && !validIpv6(host)) return { error: "malformed IPv6 address" };
    port = rest.slice(1);
    hostGiven = true;
  } else {
    const colon = name.lastIndexOf(":");
    host = colon >= 0 ? name.slice(0, colon) : "";
    port = colon >= 0 ? name.slice(colon + 1) : name;
    hostGiven = host !== "";
  }
  if (!port) return { error: "missing service information" };
  if (hostGiven && !validHost(host)) return { error: "valid hostname or network address required" };
  if (/^[0-9]/.test(port) && !/^[0-9]+$/.test(port))
    return { error: "garbage after numerical service" };
  return { host, port, hostGiven };
}

function validHost(host: string): boolean {
  // Non-ASCII names are converted with IDNA by Postfix; not checked here.
  if (/[^\x20-\x7e]/.test(host)) return true;
  return host.includes(":") ? validIpv6(host) : validIpv4(host) || validHostname(host);
}

function validHostname(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const labels = name.split(".");
  if (labels.some((label) => !/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label)))
    return false;
  return /[^0-9.]/.test(name);
}

function validIpv4(address: string): boolean {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= 255))
    return false;
  // Postfix allows 0.0.0.0 but no other address with a leading 0 octet.
  return Number(parts[0]) !== 0 || parts.every((p) => Number(p) === 0);
}

function validIpv6(address: string): boolean {
  let text = address;
  const last = text.lastIndexOf(":");
  if (last < 0) return false;
  const tail = text.slice(last + 1);
  if (tail.includes(".")) {
    if (!validIpv4(tail)) return false;
    text = `${text.slice(0, last + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const all = halves.flatMap(groups);
  if (!all.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** The TCP port a port name stands for (the few mail ports), or undefined. */
export function portNumber(port: string): number | undefined {
  const lower = port.toLowerCase();
  if (/^[0-9]+$/.test(lower)) return Number(lower);
  return { smtp: 25, submission: 587, submissions: 465, smtps: 465, lmtp: 24 }[lower];
}

// ---------------------------------------------------------------------------
// Loopback and inet_interfaces

/** Whether a host (of a service name or inet_interfaces) is a loopback address or name. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/^ipv6:/i, "")
    .toLowerCase();
  return (
    /^127\./.test(bare) ||
    bare === "::1" ||
    bare === "localhost" ||
    bare === "loopback-only" ||
    /^::ffff:127\./.test(bare)
  );
}

/** inet_interfaces as words, brackets removed ("all", "loopback-only" or hosts). */
export function interfaceHosts(context: RuleContext): string[] {
  return context
    .valueOf("inet_interfaces")
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.replace(/^\[(.*)\]$/, "$1"));
}

/** Whether a service that names no host of its own listens beyond loopback (inet_interfaces). */
export function interfacesBeyondLoopback(context: RuleContext): boolean {
  const hosts = interfaceHosts(context);
  return hosts.length === 0 || !hosts.every(isLoopbackHost);
}

/** Whether an inet service listens on a non-loopback address. */
export function listensBeyondLoopback(context: RuleContext, service: ServiceView): boolean {
  if (service.type !== "inet") return false;
  const parsed = hostPort(service.name);
  if ("error" in parsed) return false;
  if (parsed.hostGiven) return !isLoopbackHost(parsed.host);
  return interfacesBeyondLoopback(context);
}

/** An inet service bound to a loopback address of its own (reinjection from a content filter and the like). */
export function loopbackOnly(service: ServiceView | undefined): boolean {
  if (service?.type !== "inet") return false;
  const parsed = hostPort(service.name);
  return !("error" in parsed) && parsed.hostGiven && isLoopbackHost(parsed.host);
}

/**
 * An inet service listening on one of these ports (names as written, lower
 * case); with `beyondLoopback`, only when it listens beyond loopback.
 */
export function listensOn(
  context: RuleContext,
  service: ServiceView,
  ports: string[],
  beyondLoopback: boolean,
): boolean {
  if (service.type !== "inet") return false;
  const parsed = hostPort(service.name);
  if ("error" in parsed) return false;
  if (beyondLoopback && !listensBeyondLoopback(context, service)) return false;
  return ports.includes(parsed.port.toLowerCase());
}

// ---------------------------------------------------------------------------
// smtpd services the Internet reaches

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
  return interfacesBeyondLoopback(context);
}

// ---------------------------------------------------------------------------
// This host's own addresses (own_inet_addr.c, as the smtp client's loop check uses them)

/** The addresses of the loopback interface; 127.0.0.2 and the like are not interface addresses. */
const LOOPBACK_ADDRESSES = ["127.0.0.1", "::1", "localhost"];

/**
 * Whether the smtp client counts a next-hop host as this host's own address:
 * an interface address Postfix listens on (inet_interfaces; "all" and
 * "loopback-only" include the loopback interface) or a proxy_interfaces
 * address. Host names other than localhost are compared as written; this
 * host's name (myhostname) counts too, as it names this machine.
 */
export function isOwnHost(context: RuleContext, host: string): boolean {
  const bare = host
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/^ipv6:/i, "")
    .toLowerCase();
  if (bare === "") return false;
  if (bare === knownHostname(context)) return true;
  const interfaces = interfaceHosts(context);
  const proxies = context
    .valueOf("proxy_interfaces")
    .toLowerCase()
    .split(/[\s,]+/)
    .map((word) => word.replace(/^\[(.*)\]$/, "$1"));
  const loopback = LOOPBACK_ADDRESSES.includes(bare);
  if (loopback && (interfaces.includes("all") || interfaces.includes("loopback-only"))) return true;
  // A master.cf service can only bind to an interface address, which "all" includes.
  if (interfaces.includes("all") && boundHosts(context).includes(bare)) return true;
  const same = (other: string) =>
    other === bare || (loopback && LOOPBACK_ADDRESSES.includes(other));
  return interfaces.some(same) || proxies.some(same);
}

/** The hosts master.cf's inet services bind to, in lower case. */
function boundHosts(context: RuleContext): string[] {
  return context.services.flatMap((service) => {
    if (service.type !== "inet") return [];
    const parsed = hostPort(service.name);
    return "error" in parsed || !parsed.hostGiven ? [] : [parsed.host.toLowerCase()];
  });
}

/** myhostname in lower case, when main.cf sets it to a value that does not depend on the host. */
export function knownHostname(context: RuleContext): string | undefined {
  const source = context.sourceOf("myhostname");
  if (!source) return undefined;
  const evaluated = evaluate(context, source.setting.value.text);
  if (evaluated.error || evaluated.hostDependent) return undefined;
  const name = evaluated.value.trim().toLowerCase().replace(/\.$/, "");
  return name === "" ? undefined : name;
}

/**
 * The smtpd (or postscreen) inet services that a connection to host:port
 * reaches: bound to that address, or to no address of their own while the
 * host is one of this host's own.
 */
export function ownSmtpListeners(context: RuleContext, host: string, port: number): ServiceView[] {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return context.services.filter((service) => {
    if (service.type !== "inet") return false;
    if (service.command !== "smtpd" && service.command !== "postscreen") return false;
    const parsed = hostPort(service.name);
    if ("error" in parsed || portNumber(parsed.port) !== port) return false;
    if (!parsed.hostGiven) return isOwnHost(context, bare);
    const bound = parsed.host.toLowerCase();
    return (
      bound === bare || (LOOPBACK_ADDRESSES.includes(bound) && LOOPBACK_ADDRESSES.includes(bare))
    );
  });
}
