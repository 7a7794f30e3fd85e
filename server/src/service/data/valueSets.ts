// Value sets for completion: the words a parameter (or a master.cf field)
// accepts, with the release line that introduced each one. The facts come from
// the Postfix sources (tls_level.c, tls_misc.c, smtpd_check.c, mail_params.h,
// dict_*.h, master_ent.c) and the project's verified TLS facts catalogue; the one-line
// explanations are our own. Everything here is data plus pure lookups.

import {
  type ParameterType,
  type PostfixVersion,
  type VersionRange,
  compareVersions,
  getParameter,
  inVersionRange,
  releaseLine,
} from "./parameters";
import type { MasterFieldName } from "../parser/masterCf";

/** What follows a restriction keyword in a restriction list. */
export type ArgumentKind =
  /** A `type:table` lookup (check_*_access). */
  | "table"
  /** A policy server endpoint (check_policy_service). */
  | "endpoint"
  /** A DNS list domain (reject_rbl_client and friends). */
  | "domain"
  /** A number of seconds (sleep). */
  | "seconds";

export interface ValueChoice {
  /** The text that is inserted. */
  value: string;
  /** One line that says what the choice does. */
  detail: string;
  /** First release line that accepts it. */
  since?: PostfixVersion;
  /** Last release line that accepts it. */
  until?: PostfixVersion;
  /** Accepted, but a weak or obsolete choice: ranked after the others. */
  discouraged?: boolean;
  /** Kept for old configurations only; a newer spelling exists. */
  deprecated?: boolean;
  /** A complete value (a list): only offered as the first word of a value. */
  wholeValue?: boolean;
  /** The keyword takes an argument in the next word. */
  argument?: ArgumentKind;
  /** The inserted text is an LSP snippet (`$0` marks the cursor). */
  snippet?: string;
}

/** The kinds of value this module knows; see valueKind(). */
export type ValueKind =
  | "tls-client-level"
  | "tls-server-level"
  | "dane-insecure-mx-policy"
  | "cipher-grade"
  | "mandatory-cipher-grade"
  | "tls-protocols"
  | "fingerprint-digest"
  | "dns-support-level"
  | "tls-loglevel"
  | "tls-servername"
  | "inet-protocols"
  | "boolean"
  | "lookup-table"
  | "restrictions"
  | "postscreen-access";

// ---------------------------------------------------------------------------
// TLS

/** The client-side TLS security levels, with the release that added each (rules use these too). */
export const TLS_CLIENT_LEVELS: readonly ValueChoice[] = [
  { value: "none", detail: "Never use TLS, even when the server offers STARTTLS." },
  {
    value: "may",
    detail: "Opportunistic: encrypt when offered, no certificate check, plaintext fallback.",
  },
  { value: "encrypt", detail: "TLS is mandatory; the certificate is not checked." },
  {
    value: "dane",
    detail: "DANE when the MX host has DNSSEC-signed TLSA records, otherwise like may.",
    since: "2.11",
  },
  {
    value: "dane-only",
    detail: "Mandatory DANE: servers without usable TLSA records get no mail.",
    since: "2.11",
  },
  {
    value: "fingerprint",
    detail: "Mandatory TLS; the certificate or public key must match a listed fingerprint.",
    since: "2.5",
  },
  {
    value: "verify",
    detail: "Mandatory TLS with a CA-signed certificate naming the MX host.",
  },
  {
    value: "secure",
    detail: "Mandatory TLS with a CA-signed certificate naming the next-hop domain.",
  },
];

/** The server-side TLS security levels. */
export const TLS_SERVER_LEVELS: readonly ValueChoice[] = [
  { value: "none", detail: "Do not announce STARTTLS." },
  { value: "may", detail: "Announce STARTTLS; clients may still send in plaintext." },
  {
    value: "encrypt",
    detail: "Clients must start TLS first; never on a public port-25 server.",
  },
];

const DANE_INSECURE_MX_POLICIES: readonly ValueChoice[] = [
  {
    value: "dane",
    detail: "Keep using TLSA records of the MX host although the MX lookup is unsigned.",
  },
  { value: "may", detail: "Fall back to opportunistic TLS when the MX lookup is unsigned." },
  {
    value: "encrypt",
    detail: "Require TLS without certificate checks when the MX lookup is unsigned.",
  },
];

/** Cipher grades; export and low are mapped to medium from 3.8 on. */
function cipherGrades(version: PostfixVersion, mandatory: boolean): ValueChoice[] {
  const weakNote = atLeast(version, "3.8")
    ? "Obsolete: Postfix 3.8 and later use medium instead."
    : "Admits weak ciphers; do not use.";
  const grades: ValueChoice[] = [
    {
      value: "medium",
      detail: "Medium and strong ciphers (tls_medium_cipherlist); the usual choice.",
    },
    { value: "high", detail: "Only strong ciphers (tls_high_cipherlist); may lock out old peers." },
    {
      value: "null",
      detail: "Only ciphers that authenticate without encrypting; almost never wanted.",
      discouraged: true,
    },
  ];
  if (!mandatory) {
    grades.push(
      { value: "low", detail: `Low-strength ciphers too. ${weakNote}`, discouraged: true },
      { value: "export", detail: `Export-grade ciphers too. ${weakNote}`, discouraged: true },
    );
  }
  return grades;
}

const TLS_PROTOCOLS: readonly ValueChoice[] = [
  { value: ">=TLSv1.2", detail: "TLS 1.2 or newer; a sensible floor today.", since: "3.6" },
  {
    value: ">=TLSv1",
    detail: "TLS 1.0 or newer (the built-in setting from 3.6 on).",
    since: "3.6",
  },
  { value: ">=TLSv1.3", detail: "TLS 1.3 only; peers without it cannot use TLS.", since: "3.6" },
  { value: "<=TLSv1.3", detail: "Upper bound: nothing newer than TLS 1.3.", since: "3.6" },
  {
    value: "!SSLv2, !SSLv3",
    detail: "Exclusion style: everything except SSL 2 and 3.",
    wholeValue: true,
  },
  {
    value: "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1",
    detail: "Exclusion style: only TLS 1.2 and newer.",
    since: "2.10",
    wholeValue: true,
  },
  { value: "!SSLv2", detail: "Exclude SSL 2." },
  { value: "!SSLv3", detail: "Exclude SSL 3." },
  { value: "!TLSv1", detail: "Exclude TLS 1.0." },
  { value: "!TLSv1.1", detail: "Exclude TLS 1.1.", since: "2.10" },
  { value: "!TLSv1.2", detail: "Exclude TLS 1.2.", since: "2.10" },
  { value: "!TLSv1.3", detail: "Exclude TLS 1.3.", since: "3.0" },
  {
    value: "TLSv1.2",
    detail: "Enable TLS 1.2; versions that are not listed are off.",
    since: "2.10",
  },
  {
    value: "TLSv1.3",
    detail: "Enable TLS 1.3; versions that are not listed are off.",
    since: "3.0",
  },
  {
    value: "TLSv1.1",
    detail: "Enable TLS 1.1 (outdated); versions that are not listed are off.",
    since: "2.10",
    discouraged: true,
  },
  {
    value: "TLSv1",
    detail: "Enable TLS 1.0 (outdated); versions that are not listed are off.",
    discouraged: true,
  },
  {
    value: "SSLv3",
    detail: "Enable SSL 3 (broken); versions that are not listed are off.",
    discouraged: true,
  },
];

const FINGERPRINT_DIGESTS: readonly ValueChoice[] = [
  { value: "sha256", detail: "SHA-256 fingerprints; the recommended digest." },
  { value: "sha512", detail: "SHA-512 fingerprints." },
  {
    value: "sha1",
    detail: "SHA-1 fingerprints; weak, only to match old tables.",
    discouraged: true,
  },
  {
    value: "md5",
    detail: "MD5 fingerprints; weak, the built-in choice before 3.6.",
    discouraged: true,
  },
];

const DNS_SUPPORT_LEVELS: readonly ValueChoice[] = [
  { value: "enabled", detail: "Normal DNS lookups." },
  { value: "dnssec", detail: "DNS lookups that ask for DNSSEC validation; needed for dane." },
  { value: "disabled", detail: "No DNS: host names come from the hosts file or NIS." },
];

const TLS_LOGLEVELS: readonly ValueChoice[] = [
  { value: "0", detail: "No TLS logging beyond errors." },
  {
    value: "1",
    detail:
      "One summary line per TLS session: protocol, cipher, and whether the peer was Untrusted, Trusted or Verified. The production choice.",
  },
  { value: "2", detail: "Also the progress of the handshake; for debugging." },
  {
    value: "3",
    detail: "Also a hex and ASCII dump of the handshake; very verbose.",
    discouraged: true,
  },
  {
    value: "4",
    detail: "Also a dump of all traffic after STARTTLS. Avoid it.",
    discouraged: true,
  },
];

const TLS_SERVERNAMES: readonly ValueChoice[] = [
  { value: "hostname", detail: "Send the server's host name as SNI." },
  { value: "nexthop", detail: "Send the next-hop domain as SNI." },
];

const INET_PROTOCOLS: readonly ValueChoice[] = [
  { value: "all", detail: "IPv4 and IPv6, as far as the host supports them." },
  { value: "ipv4", detail: "IPv4 only." },
  { value: "ipv6", detail: "IPv6 only." },
  { value: "ipv4, ipv6", detail: "IPv4 and IPv6, listed explicitly.", wholeValue: true },
];

const BOOLEANS: readonly ValueChoice[] = [
  { value: "yes", detail: "Turn it on." },
  { value: "no", detail: "Turn it off." },
];

// ---------------------------------------------------------------------------
// Lookup tables (DATABASE_README, dict_*.h per release)

const LOOKUP_TABLES: readonly ValueChoice[] = [
  { value: "hash:", detail: "Berkeley DB hash file made by postmap." },
  { value: "lmdb:", detail: "LMDB file made by postmap.", since: "2.11" },
  {
    value: "cdb:",
    detail: "Constant database file made by postmap; fast, read-only.",
    since: "2.2",
  },
  { value: "btree:", detail: "Berkeley DB B-tree file made by postmap." },
  {
    value: "texthash:",
    detail: "Plain text file read at start-up; no postmap needed.",
    since: "2.8",
  },
  {
    value: "inline:{ }",
    snippet: "inline:{ $0 }",
    detail: "Entries written in the value itself: inline:{ key=value, ... }.",
    since: "3.0",
  },
  { value: "regexp:", detail: "File of POSIX regular expressions." },
  { value: "pcre:", detail: "File of Perl-compatible regular expressions." },
  { value: "cidr:", detail: "File of network/prefix patterns for IP addresses.", since: "2.1" },
  { value: "proxy:", detail: "Reach the following table through proxymap.", since: "2.1" },
  { value: "ldap:", detail: "LDAP directory; settings in a file or main.cf." },
  { value: "mysql:", detail: "MySQL/MariaDB queries; settings in a file." },
  { value: "pgsql:", detail: "PostgreSQL queries; settings in a file.", since: "2.1" },
  { value: "sqlite:", detail: "SQLite queries; settings in a file.", since: "2.8" },
  { value: "memcache:", detail: "memcached, optionally in front of another table.", since: "2.9" },
  { value: "mongodb:", detail: "MongoDB queries; settings in a file.", since: "3.9" },
  { value: "unix:", detail: "The system's passwd or group database (unix:passwd.byname)." },
  { value: "static:", detail: "Returns the text after the colon for every key." },
  {
    value: "randmap:",
    detail: "Picks one of several results at random: randmap:{ a, b }.",
    since: "3.0",
  },
  {
    value: "pipemap:",
    detail: "Feeds each result into the next table: pipemap:{ t1, t2 }.",
    since: "3.0",
  },
  { value: "unionmap:", detail: "Asks several tables and joins the results.", since: "3.0" },
  {
    value: "socketmap:",
    detail: "Sendmail-style socketmap server (inet: or unix:).",
    since: "2.10",
  },
  { value: "tcp:", detail: "Simple request/reply lookup server over TCP." },
  { value: "nis:", detail: "NIS map." },
  { value: "nisplus:", detail: "NIS+ table." },
  { value: "sdbm:", detail: "SDBM file made by postmap.", since: "2.2" },
  { value: "dbm:", detail: "Classic DBM file made by postmap." },
  { value: "environ:", detail: "The process environment (environ:table)." },
  {
    value: "fail:",
    detail: "Every lookup fails (fail:name); for testing and fallbacks.",
    since: "2.9",
  },
  { value: "debug:", detail: "Logs every lookup of the following table.", since: "3.11" },
];

/** Table types that wrap another `type:table`. */
const WRAPPER_TABLES = new Set(["proxy:", "debug:"]);

export function isWrapperTable(type: string): boolean {
  return WRAPPER_TABLES.has(type);
}

// ---------------------------------------------------------------------------
// smtpd restrictions (smtpd_check.c, mail_params.h)

function accessCheck(name: string, what: string, since?: PostfixVersion): ValueChoice {
  const choice: ValueChoice = {
    value: name,
    detail: `Look up ${what} in the table that follows.`,
    argument: "table",
  };
  if (since) choice.since = since;
  return choice;
}

/**
 * The items of postscreen_access_list besides `type:table` lookups (server_acl.c;
 * postscreen_access.c before 3.0), compared ignoring case.
 */
export const POSTSCREEN_ACCESS_ITEMS: readonly ValueChoice[] = [
  { value: "permit_mynetworks", detail: "Let clients in mynetworks skip the postscreen tests." },
  {
    value: "permit",
    detail: "Let every client that gets this far skip the tests (put it last, if at all).",
  },
  { value: "reject", detail: "Refuse every client that gets this far, without any test." },
  { value: "dunno", detail: "Stop the list here; the client goes through the usual tests." },
];

const RESTRICTIONS: readonly ValueChoice[] = [
  { value: "permit_mynetworks", detail: "Accept clients whose address matches mynetworks." },
  { value: "permit_sasl_authenticated", detail: "Accept clients that logged in with SMTP AUTH." },
  {
    value: "reject_unauth_destination",
    detail: "Refuse to relay: only local, hosted or relay_domains recipients pass.",
  },
  {
    value: "defer_unauth_destination",
    detail: "As reject_unauth_destination, but with a temporary error.",
    since: "2.10",
  },
  {
    value: "permit_tls_clientcerts",
    detail: "Accept clients whose certificate is listed in relay_clientcerts.",
    since: "2.2",
  },
  {
    value: "permit_tls_all_clientcerts",
    detail: "Accept every client with a verified certificate.",
    since: "2.2",
  },
  {
    value: "permit_inet_interfaces",
    detail: "Accept clients that connect from this host's own addresses.",
    since: "2.2",
  },
  {
    value: "permit_auth_destination",
    detail: "Accept recipients this server delivers or relays for.",
  },
  {
    value: "permit_mx_backup",
    detail: "Accept domains that list this host as an MX; use relay_domains instead.",
    deprecated: true,
  },
  {
    value: "reject_unauth_pipelining",
    detail: "Reject clients that send commands early without PIPELINING support.",
  },
  {
    value: "reject_unknown_client_hostname",
    detail: "Reject clients whose address and host name do not map to each other in DNS.",
    since: "2.3",
  },
  {
    value: "reject_unknown_reverse_client_hostname",
    detail: "Reject clients whose address has no reverse DNS name.",
    since: "2.3",
  },
  {
    value: "reject_invalid_helo_hostname",
    detail: "Reject HELO/EHLO names with bad syntax.",
    since: "2.3",
  },
  {
    value: "reject_non_fqdn_helo_hostname",
    detail: "Reject HELO/EHLO names that are not fully qualified.",
    since: "2.3",
  },
  {
    value: "reject_unknown_helo_hostname",
    detail: "Reject HELO/EHLO names without DNS A or MX records.",
    since: "2.3",
  },
  { value: "reject_non_fqdn_sender", detail: "Reject sender addresses without a full domain." },
  {
    value: "reject_non_fqdn_recipient",
    detail: "Reject recipient addresses without a full domain.",
  },
  {
    value: "reject_unknown_sender_domain",
    detail: "Reject senders whose domain has no DNS A or MX record.",
  },
  {
    value: "reject_unknown_recipient_domain",
    detail: "Reject recipients whose domain has no DNS A or MX record.",
  },
  {
    value: "reject_unlisted_recipient",
    detail: "Reject recipients that our recipient tables do not list.",
    since: "2.1",
  },
  {
    value: "reject_unlisted_sender",
    detail: "Reject senders in our domains that our recipient tables do not list.",
    since: "2.1",
  },
  {
    value: "reject_unverified_recipient",
    detail: "Reject recipients that address verification found undeliverable.",
    since: "2.1",
  },
  {
    value: "reject_unverified_sender",
    detail: "Reject senders that address verification found undeliverable.",
    since: "2.1",
  },
  {
    value: "reject_multi_recipient_bounce",
    detail: "Reject mail from the null sender that has more than one recipient.",
    since: "2.1",
  },
  {
    value: "reject_plaintext_session",
    detail: "Reject clients that have not started TLS.",
    since: "2.3",
  },
  {
    value: "reject_sender_login_mismatch",
    detail: "Reject senders not owned by the client's login (smtpd_sender_login_maps).",
  },
  {
    value: "reject_authenticated_sender_login_mismatch",
    detail: "As reject_sender_login_mismatch, for logged-in clients only.",
    since: "2.1",
  },
  {
    value: "reject_known_sender_login_mismatch",
    detail: "As reject_sender_login_mismatch, for senders listed in the login table only.",
    since: "2.11",
  },
  {
    value: "reject_unauthenticated_sender_login_mismatch",
    detail: "Reject clients that did not log in but use a sender owned by a login.",
    since: "2.1",
  },
  {
    value: "reject_rbl_client",
    detail: "Reject clients whose IP address a DNS blocklist lists (domain follows).",
    argument: "domain",
  },
  {
    value: "reject_rhsbl_client",
    detail: "Reject clients whose host name a domain blocklist lists (domain follows).",
    argument: "domain",
  },
  {
    value: "reject_rhsbl_reverse_client",
    detail: "Reject clients whose reverse name a domain blocklist lists (domain follows).",
    argument: "domain",
    since: "2.8",
  },
  {
    value: "reject_rhsbl_helo",
    detail: "Reject HELO names a domain blocklist lists (domain follows).",
    argument: "domain",
    since: "2.1",
  },
  {
    value: "reject_rhsbl_sender",
    detail: "Reject sender domains a domain blocklist lists (domain follows).",
    argument: "domain",
  },
  {
    value: "reject_rhsbl_recipient",
    detail: "Reject recipient domains a domain blocklist lists (domain follows).",
    argument: "domain",
  },
  {
    value: "permit_dnswl_client",
    detail: "Accept clients a DNS allowlist lists (domain follows).",
    argument: "domain",
    since: "2.8",
  },
  {
    value: "permit_rhswl_client",
    detail: "Accept clients whose host name a domain allowlist lists (domain follows).",
    argument: "domain",
    since: "2.8",
  },
  accessCheck("check_client_access", "the client's name and address"),
  accessCheck("check_reverse_client_hostname_access", "the client's reverse DNS name", "2.6"),
  accessCheck("check_helo_access", "the HELO/EHLO name"),
  accessCheck("check_sender_access", "the MAIL FROM address"),
  accessCheck("check_recipient_access", "the RCPT TO address"),
  accessCheck("check_etrn_access", "the ETRN domain"),
  accessCheck("check_ccert_access", "the client certificate fingerprint", "2.2"),
  accessCheck("check_sasl_access", "the SASL login name", "2.11"),
  accessCheck("check_client_mx_access", "the MX hosts of the client's name", "2.7"),
  accessCheck("check_client_ns_access", "the DNS servers of the client's name", "2.7"),
  accessCheck("check_client_a_access", "the addresses of the client's name", "3.0"),
  accessCheck("check_reverse_client_hostname_mx_access", "the MX hosts of the reverse name", "2.7"),
  accessCheck(
    "check_reverse_client_hostname_ns_access",
    "the DNS servers of the reverse name",
    "2.7",
  ),
  accessCheck("check_reverse_client_hostname_a_access", "the addresses of the reverse name", "3.0"),
  accessCheck("check_helo_mx_access", "the MX hosts of the HELO name", "2.1"),
  accessCheck("check_helo_ns_access", "the DNS servers of the HELO name", "2.1"),
  accessCheck("check_helo_a_access", "the addresses of the HELO name", "3.0"),
  accessCheck("check_sender_mx_access", "the MX hosts of the sender domain", "2.1"),
  accessCheck("check_sender_ns_access", "the DNS servers of the sender domain", "2.1"),
  accessCheck("check_sender_a_access", "the addresses of the sender domain", "3.0"),
  accessCheck("check_recipient_mx_access", "the MX hosts of the recipient domain", "2.1"),
  accessCheck("check_recipient_ns_access", "the DNS servers of the recipient domain", "2.1"),
  accessCheck("check_recipient_a_access", "the addresses of the recipient domain", "3.0"),
  {
    value: "check_policy_service",
    detail: "Ask an external policy server (inet:host:port or unix:path follows).",
    argument: "endpoint",
    since: "2.1",
  },
  { value: "permit", detail: "Accept; later restrictions in this list are skipped." },
  { value: "reject", detail: "Reject with a permanent error." },
  { value: "defer", detail: "Reject with a temporary error." },
  { value: "defer_if_permit", detail: "Turn a later permit into a temporary error." },
  { value: "defer_if_reject", detail: "Turn a later reject into a temporary error." },
  { value: "warn_if_reject", detail: "Only log what the next restriction would reject." },
  {
    value: "sleep",
    detail: "Pause for the number of seconds that follows.",
    argument: "seconds",
    since: "2.2",
  },
  // Old spellings that smtpd still accepts.
  {
    value: "reject_unknown_client",
    detail: "Old name of reject_unknown_client_hostname.",
    deprecated: true,
  },
  {
    value: "reject_unknown_hostname",
    detail: "Old name of reject_unknown_helo_hostname.",
    deprecated: true,
  },
  {
    value: "reject_invalid_hostname",
    detail: "Old name of reject_invalid_helo_hostname.",
    deprecated: true,
  },
  {
    value: "reject_non_fqdn_hostname",
    detail: "Old name of reject_non_fqdn_helo_hostname.",
    deprecated: true,
  },
  {
    value: "check_relay_domains",
    detail: "Old relay check; use reject_unauth_destination.",
    deprecated: true,
  },
];

const RESTRICTIONS_BY_NAME: ReadonlyMap<string, ValueChoice> = new Map(
  RESTRICTIONS.map((choice) => [choice.value, choice]),
);

const POLICY_ENDPOINTS: readonly ValueChoice[] = [
  { value: "unix:", detail: "A UNIX-domain socket, e.g. unix:private/policy." },
  { value: "inet:", detail: "A TCP endpoint, e.g. inet:127.0.0.1:10023." },
];

// ---------------------------------------------------------------------------
// Which parameters take which values

/** Parameters whose values include `type:table` lookups beyond the name patterns. */
const TABLE_PARAMETERS = new Set([
  "alias_database",
  "mydestination",
  "mynetworks",
  "permit_mx_backup_networks",
  "smtpd_sasl_exceptions_networks",
  "smtp_tls_per_site",
  "lmtp_tls_per_site",
  "tlsproxy_client_per_site",
  "tlsproxy_client_policy",
  "debug_peer_list",
]);

/** Names ending in `_domains` that hold plain domain names, not lookups. */
const NOT_TABLE_PARAMETERS = new Set(["masquerade_domains", "maps_rbl_domains"]);

/** The parameter's kind in that release (typeHistory applied). */
export function parameterTypeAt(name: string, version: PostfixVersion): ParameterType | undefined {
  const facts = getParameter(name);
  if (!facts) return undefined;
  let type = facts.type;
  for (const [since, kind] of facts.typeHistory ?? []) {
    if (atLeast(version, since)) type = kind;
  }
  return type;
}

/** Which value set applies to a parameter, or undefined when we have none. */
export function valueKind(parameter: string, version: PostfixVersion): ValueKind | undefined {
  const name = parameter;
  if (/^(smtp|lmtp)_tls_security_level$|^tlsproxy_client_(security_)?level$/.test(name))
    return "tls-client-level";
  if (/^(smtpd|postscreen|tlsproxy)_tls_security_level$/.test(name)) return "tls-server-level";
  if (/^(smtp|lmtp)_tls_dane_insecure_mx_policy$/.test(name)) return "dane-insecure-mx-policy";
  if (/_tls_mandatory_ciphers$/.test(name)) return "mandatory-cipher-grade";
  if (/_tls_ciphers$/.test(name)) return "cipher-grade";
  if (/_tls_(mandatory_)?protocols$/.test(name)) return "tls-protocols";
  if (/_fingerprint_digest$/.test(name)) return "fingerprint-digest";
  if (/^(smtp|lmtp)_dns_support_level$/.test(name)) return "dns-support-level";
  if (/_tls_loglevel$|^tlsproxy_client_loglevel$/.test(name)) return "tls-loglevel";
  if (/^(smtp|lmtp)_tls_servername$/.test(name)) return "tls-servername";
  if (name === "inet_protocols") return "inet-protocols";
  if (name === "postscreen_access_list") return "postscreen-access";
  if (/^smtpd_[a-z_]*restrictions$/.test(name)) return "restrictions";
  if (
    !NOT_TABLE_PARAMETERS.has(name) &&
    (/_(maps|map|checks|domains)$/.test(name) || TABLE_PARAMETERS.has(name))
  )
    return "lookup-table";
  const type = parameterTypeAt(name, version);
  if (type === "bool" || type === "nbool") return "boolean";
  return undefined;
}

/** Whether a parameter's value lists lookup tables (`type:name` words are tables there). */
export function lookupTableSetting(parameter: string, version: PostfixVersion): boolean {
  const kind = valueKind(parameter, version);
  return kind === "lookup-table" || kind === "postscreen-access";
}

/** The choices of one kind that exist in that release. */
export function valuesOfKind(kind: ValueKind, version: PostfixVersion): ValueChoice[] {
  return available(choicesOfKind(kind, version), version);
}

function choicesOfKind(kind: ValueKind, version: PostfixVersion): readonly ValueChoice[] {
  switch (kind) {
    case "tls-client-level":
      return TLS_CLIENT_LEVELS;
    case "tls-server-level":
      return TLS_SERVER_LEVELS;
    case "dane-insecure-mx-policy":
      return DANE_INSECURE_MX_POLICIES;
    case "cipher-grade":
      return cipherGrades(version, false);
    case "mandatory-cipher-grade":
      return cipherGrades(version, true);
    case "tls-protocols":
      return TLS_PROTOCOLS;
    case "fingerprint-digest":
      return FINGERPRINT_DIGESTS;
    case "dns-support-level":
      return DNS_SUPPORT_LEVELS;
    case "tls-loglevel":
      return TLS_LOGLEVELS;
    case "tls-servername":
      return TLS_SERVERNAMES;
    case "inet-protocols":
      return INET_PROTOCOLS;
    case "boolean":
      return BOOLEANS;
    case "lookup-table":
      return LOOKUP_TABLES;
    case "restrictions":
      return RESTRICTIONS;
    case "postscreen-access":
      return [...POSTSCREEN_ACCESS_ITEMS, ...LOOKUP_TABLES];
  }
}

/**
 * A value list in Markdown (`- \`v\` — what it does`), for the hand-written docs'
 * `[[values:KIND]]` lines: a meaning shared by several parameters is written once,
 * here, and both the docs and completion show it.
 */
export function valueListMarkdown(kind: ValueKind, version: PostfixVersion): string {
  return valuesOfKind(kind, version)
    .map((choice) => `- \`${choice.value}\` — ${choice.detail}`)
    .join("\n");
}

/** The choices for a parameter's value in that release (empty when we have none). */
export function valuesFor(parameter: string, version: PostfixVersion): ValueChoice[] {
  const kind = valueKind(parameter, version);
  return kind ? valuesOfKind(kind, version) : [];
}

/** The `type:` prefixes of lookup tables that exist in that release. */
export function lookupTableTypes(version: PostfixVersion): ValueChoice[] {
  return available(LOOKUP_TABLES, version);
}

/** A restriction keyword's facts, when it is one. */
export function restrictionKeyword(word: string): ValueChoice | undefined {
  return RESTRICTIONS_BY_NAME.get(word.toLowerCase());
}

/**
 * What may follow a restriction keyword that takes an argument: table types,
 * policy endpoints, or nothing to offer (a domain or a number).
 */
export function argumentValues(keyword: string, version: PostfixVersion): ValueChoice[] {
  switch (restrictionKeyword(keyword)?.argument) {
    case "table":
      return lookupTableTypes(version);
    case "endpoint":
      return [...POLICY_ENDPOINTS];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------
// master.cf fields (master(5), master_ent.c)

const SERVICE_TYPES: readonly ValueChoice[] = [
  { value: "inet", detail: "TCP listener; the service name is [host:]port." },
  { value: "unix", detail: "UNIX-domain stream socket under the queue directory." },
  {
    value: "unix-dgram",
    detail: "UNIX-domain datagram socket; used by postlogd.",
    since: "3.4",
  },
  {
    value: "pass",
    detail: "UNIX socket that receives connections accepted by another process (postscreen).",
    since: "2.5",
  },
  { value: "fifo", detail: "Named pipe; obsolete, use unix.", discouraged: true },
];

const COMMANDS: readonly ValueChoice[] = [
  { value: "smtpd", detail: "SMTP server: receives mail from the network." },
  { value: "smtp", detail: "SMTP client: delivers to other mail servers." },
  { value: "lmtp", detail: "LMTP client: delivers to a mail store such as Dovecot or Cyrus." },
  { value: "pipe", detail: "Hands each message to an external command (flags=, user=, argv=)." },
  { value: "local", detail: "Delivers to UNIX accounts, aliases and .forward files." },
  { value: "virtual", detail: "Delivers to mailboxes of virtual (non-UNIX) users." },
  { value: "qmgr", detail: "Queue manager: schedules every delivery." },
  {
    value: "oqmgr",
    detail: "Older queue manager without the preemptive scheduler.",
    since: "2.1",
  },
  { value: "pickup", detail: "Collects mail that sendmail dropped into the maildrop queue." },
  { value: "cleanup", detail: "Cleans up and enqueues new mail; runs header/body checks." },
  { value: "trivial-rewrite", detail: "Rewrites addresses and picks the transport." },
  { value: "bounce", detail: "Writes delivery status notices (bounce, defer, trace)." },
  { value: "error", detail: "Bounces or defers everything it is given (error, retry)." },
  { value: "discard", detail: "Accepts mail and throws it away.", since: "2.2" },
  { value: "showq", detail: "Reports the queue contents for mailq and postqueue." },
  { value: "flush", detail: "Tracks deferred mail per destination for ETRN and postqueue -s." },
  { value: "verify", detail: "Address verification service and cache.", since: "2.1" },
  { value: "proxymap", detail: "Serves proxy: lookup tables to other processes.", since: "2.1" },
  {
    value: "anvil",
    detail: "Counts connections and requests for smtpd rate limits.",
    since: "2.2",
  },
  { value: "scache", detail: "Keeps SMTP connections open for reuse.", since: "2.2" },
  {
    value: "tlsmgr",
    detail: "Maintains the TLS session caches and the random pool.",
    since: "2.2",
  },
  {
    value: "tlsproxy",
    detail: "TLS for postscreen and for reused client connections.",
    since: "2.8",
  },
  {
    value: "postscreen",
    detail: "Screens port-25 clients for bots before smtpd sees them.",
    since: "2.8",
  },
  { value: "dnsblog", detail: "Does the DNS list lookups for postscreen.", since: "2.8" },
  { value: "postlogd", detail: "Writes logs to a file or stdout instead of syslog.", since: "3.4" },
  { value: "spawn", detail: "Starts a non-Postfix server for each connection." },
  { value: "qmqpd", detail: "QMQP server, used by some mailing-list managers." },
  {
    value: "nbdb_reindexd",
    detail: "Temporary helper that rebuilds Berkeley DB tables in another format.",
    since: "3.11",
    discouraged: true,
  },
];

const WAKEUP_TIMES: readonly ValueChoice[] = [
  { value: "-", detail: "No wakeup timer (same as 0)." },
  { value: "60", detail: "Wake the service every 60 seconds (pickup does this)." },
  { value: "300", detail: "Wake the service every 300 seconds (qmgr does this)." },
  {
    value: "1000?",
    detail: "Every 1000 seconds, but only once the service has been used (tlsmgr, flush).",
  },
  { value: "60?", detail: "Every 60 seconds, but only once the service has been used." },
];

const PROCESS_LIMITS: readonly ValueChoice[] = [
  { value: "-", detail: "Use default_process_limit (100 unless changed)." },
  { value: "0", detail: "No limit on the number of processes." },
  { value: "1", detail: "A single process (qmgr, pickup, anvil and similar need this)." },
  { value: "100", detail: "At most 100 processes." },
];

function yesNoField(field: "private" | "unprivileged" | "chroot", version: PostfixVersion) {
  const meaning = {
    private: {
      y: "Socket in the private directory: only Postfix itself can connect.",
      n: "Socket in the public directory, or a network service (inet must be n).",
      dash: "default: y (private)",
    },
    unprivileged: {
      y: "Runs as the mail_owner account, without root privileges.",
      n: "Runs as root (local, virtual and pipe need this).",
      dash: "default: y (unprivileged)",
    },
    chroot: {
      y: "Runs in a chroot jail at the queue directory; needs copies of system files.",
      n: "Runs without a chroot jail.",
      dash: atLeast(version, "3.0")
        ? "default: n (y when compatibility_level is below 1)"
        : "default: y (chroot)",
    },
  }[field];
  return [
    { value: "-", detail: `Use the built-in default; ${meaning.dash}.` },
    { value: "y", detail: meaning.y },
    { value: "n", detail: meaning.n },
  ];
}

/**
 * The choices for one master.cf field in that release. `serviceType` is the
 * entry's type field, if known: an inet service cannot be private, so only `n`
 * is offered there.
 */
export function masterFieldValues(
  field: MasterFieldName,
  version: PostfixVersion,
  serviceType?: string,
): ValueChoice[] {
  switch (field) {
    case "service":
      return [];
    case "type":
      return available(SERVICE_TYPES, version);
    case "private": {
      const choices = yesNoField("private", version);
      return serviceType === "inet" ? choices.filter((c) => c.value === "n") : choices;
    }
    case "unprivileged":
    case "chroot":
      return yesNoField(field, version);
    case "wakeup":
      return [...WAKEUP_TIMES];
    case "process_limit":
      return [...PROCESS_LIMITS];
    case "command":
      return available(COMMANDS, version);
  }
}

// ---------------------------------------------------------------------------
// Versions

function atLeast(version: PostfixVersion, since: PostfixVersion): boolean {
  return compareVersions(releaseLine(version), since) >= 0;
}

/** Whether a choice exists in that release line. */
export function choiceAvailable(choice: ValueChoice, version: PostfixVersion): boolean {
  const range: VersionRange = { since: choice.since ?? "0.0" };
  if (choice.until !== undefined) range.until = choice.until;
  return inVersionRange(range, version);
}

function available(choices: readonly ValueChoice[], version: PostfixVersion): ValueChoice[] {
  return choices.filter((choice) => choiceAvailable(choice, version));
}
