import {
  type CertificateFacts,
  type FileFacts,
  fileFacts,
  fingerprint,
  tlsaSpkiSha256,
} from "./certificates";
import type { HostFile, HostFiles } from "./hostFiles";
import { cursorContext } from "./cursor";
import { type ParsedConfig, configText } from "./parser/document";
import { type RuleContext, createRuleContext } from "./rules/context";
import { loadedChains } from "./rules/certificates/shared";
import { NEWEST_VERSION, type PostfixVersion } from "./data/parameters";

/**
 * What the editor shows about certificate files: the hover on a path, the TLSA
 * records of the server certificates, a fingerprint to paste. Pure: the caller
 * passes the host files it read.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Parameters whose value names certificate, key or CA files (any role). */
export const CERTIFICATE_PARAMETER =
  /^(smtpd_tls_|smtp_tls_|lmtp_tls_|tlsproxy_tls_|tlsproxy_client_|postscreen_tls_)(cert_file|key_file|eccert_file|eckey_file|dcert_file|dkey_file|chain_files|CAfile|CApath)$/;

/** A DANE TLSA record for port 25 of a host. */
export interface TlsaRecord {
  /** `_25._tcp.mail.example.com. IN TLSA 3 1 1 <hex>` */
  record: string;
  /** What it pins: "the key of CN=mail.example.com in /etc/…" */
  describes: string;
}

export function tlsaRecord(hostname: string, usage: 2 | 3, certificate: CertificateFacts): string {
  return `_25._tcp.${hostname.replace(/\.$/, "")}. IN TLSA ${usage} 1 1 ${tlsaSpkiSha256(certificate.x509)}`;
}

/** The hover text for a file the configuration names, from what the reader found. */
export function certificateFileMarkdown(
  file: HostFile,
  options: { hostname: string; digest: string; now: number },
): string {
  if (file.listing) {
    const { entries, hashNamed, complete } = file.listing;
    const atLeast = complete ? "" : "at least ";
    return `**${file.path}**: a directory of ${atLeast}${entries} entries, ${atLeast}${hashNamed} of them named by certificate hash (the names OpenSSL looks CA certificates up by).`;
  }
  if (file.status !== "ok" || !file.contents)
    return `**${file.path}** ${file.detail ?? "was not read"}.`;
  const facts: FileFacts = fileFacts(file.contents);
  const lines = [`**${file.path}**: ${describeContents(facts)}`, ""];
  const certificates = facts.objects.filter(
    (object): object is CertificateFacts => object.kind === "certificate",
  );
  for (const [index, certificate] of certificates.slice(0, 3).entries()) {
    if (index > 0) lines.push("---", "");
    lines.push(...certificateLines(certificate, options, index === 0));
  }
  if (certificates.length > 3) lines.push(`…and ${certificates.length - 3} more certificates.`);
  return lines.join("\n");
}

function describeContents(facts: FileFacts): string {
  if (facts.encoding === "der") return "binary DER (Postfix reads PEM only)";
  if (facts.encoding === "unknown") return "no PEM data";
  const counts = new Map<string, number>();
  for (const object of facts.objects) {
    const label =
      object.kind === "certificate"
        ? "certificate"
        : object.kind === "key"
          ? object.encrypted
            ? "encrypted private key"
            : "private key"
          : object.kind === "csr"
            ? "certificate request"
            : "other PEM object";
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  // What a CAfile trusts: only CA certificates can verify the chains they issued.
  const authorities = facts.objects.filter(
    (object) => object.kind === "certificate" && object.x509.ca,
  ).length;
  return [...counts]
    .map(([label, count]) => {
      const text = `${count} ${label}${count > 1 ? "s" : ""}`;
      return label === "certificate" && authorities > 0
        ? `${text} (${authorities === 1 ? "1 CA" : `${authorities} CAs`})`
        : text;
    })
    .join(", ");
}

function certificateLines(
  certificate: CertificateFacts,
  options: { hostname: string; digest: string; now: number },
  leaf: boolean,
): string[] {
  const days = Math.round((certificate.notAfter - options.now) / DAY_MS);
  const validity =
    certificate.notAfter < options.now
      ? `**expired** ${-days} days ago`
      : certificate.notBefore > options.now
        ? "**not valid yet**"
        : `${days} days left`;
  const digest = options.digest.toLowerCase();
  const lines = [
    `- Subject: ${certificate.subject}`,
    `- Names: ${certificate.names.join(", ") || "none"}`,
    `- Issuer: ${certificate.selfIssued ? "itself (self-signed)" : certificate.issuer}`,
    `- Valid: ${isoDate(certificate.notBefore)} to ${isoDate(certificate.notAfter)} (${validity})`,
    `- Key: ${certificate.key.description}`,
  ];
  try {
    lines.push(
      `- Certificate ${digest}: \`${fingerprint(certificate.x509, "certificate", digest)}\``,
      `- Public key ${digest}: \`${fingerprint(certificate.x509, "public-key", digest)}\``,
    );
  } catch {
    lines.push(`- Fingerprints: the digest "${digest}" is not available here.`);
  }
  if (leaf) {
    lines.push(
      "",
      "DANE TLSA record (key of this certificate, SHA-256):",
      "",
      "```",
      tlsaRecord(options.hostname, 3, certificate),
      "```",
    );
  }
  return lines;
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The TLSA records for smtpd's certificates: `3 1 1` for each leaf key and
 * `2 1 1` for the certificate that issued it, when the file holds it.
 */
export function tlsaRecords(
  main: ParsedConfig | undefined,
  master: ParsedConfig | undefined,
  host: HostFiles,
  version: PostfixVersion = NEWEST_VERSION,
): TlsaRecord[] {
  const context = createRuleContext(main, master, version, host);
  const records: TlsaRecord[] = [];
  const seen = new Set<string>();
  for (const { set, certificates } of loadedChains(context)) {
    if (set.program !== "smtpd" || certificates.length === 0) continue;
    // Without myhostname in the configuration its value is the host's name, unknown here.
    const hostname = context.isSet("myhostname", set.service)
      ? context.valueOf("myhostname", set.service)
      : "<myhostname>";
    const add = (usage: 2 | 3, entry: (typeof certificates)[number], what: string) => {
      const record = tlsaRecord(hostname, usage, entry.certificate);
      if (seen.has(record)) return;
      seen.add(record);
      records.push({
        record,
        describes: `${what} ${entry.certificate.subject} in ${entry.named.path}`,
      });
    };
    add(3, certificates[0], "the key of the server certificate");
    const [leaf, issuer] = certificates;
    if (issuer && leaf.certificate.x509.checkIssued(issuer.certificate.x509))
      add(2, issuer, "the key of the issuing CA");
  }
  return records;
}

/** Where "Insert fingerprint" puts a fingerprint at the cursor, and how. */
export interface FingerprintSlot {
  /** The parameter that selects the digest: smtp_tls_fingerprint_digest or lmtp_tls_fingerprint_digest. */
  digestParameter: string;
  /** Where the text goes: after the word or attribute under the cursor. */
  offset: number;
  /** What goes before the fingerprint: nothing in an empty place, else the list's separator. */
  separator: "" | " " | "|";
}

/** The digest parameters a FingerprintSlot names (checked again when the client sends one back). */
export const FINGERPRINT_DIGEST_PARAMETER = /^(smtp|lmtp)_tls_fingerprint_digest$/;

/** Parameters that take fingerprints: the client's list, and policy tables with match=. */
const FINGERPRINT_PLACES = /^(smtp|lmtp)_tls_(fingerprint_cert_match|policy_maps)$/;

/**
 * The place for a fingerprint at `offset`, if there is one: in
 * smtp_tls_fingerprint_cert_match (or lmtp_), where fingerprints are separated
 * by spaces, and in the match= attribute of a policy at the fingerprint level
 * written inline in smtp_tls_policy_maps, where they are separated by "|"
 * (smtp_tls_policy.c; at other levels match= lists host name patterns).
 */
export function fingerprintSlotAt(
  config: ParsedConfig,
  offset: number,
): FingerprintSlot | undefined {
  const cursor = cursorContext(config, offset);
  if (cursor.kind !== "value") return undefined;
  const place = FINGERPRINT_PLACES.exec(cursor.parameter);
  if (!place) return undefined;
  const digestParameter = `${place[1]}_tls_fingerprint_digest`;
  if (place[2] === "fingerprint_cert_match") {
    const { word } = cursor;
    return { digestParameter, offset: word.end, separator: word.text === "" ? "" : " " };
  }
  const { start, end } = cursor.setting.value;
  const match = matchAttributeAt(configText(config).slice(start, end), offset - start);
  return match && { digestParameter, offset: start + match.end, separator: match.empty ? "" : "|" };
}

/**
 * The fingerprint-level `match=` attribute around `at` in a table list: its end,
 * and whether it has no value yet. The policy is a `{ key = fingerprint ... }`
 * item of an inline:{ } table, or the whole of a static:{ } table; an item
 * without braces ends at the first space, so an attribute after it is an item
 * of its own.
 */
function matchAttributeAt(value: string, at: number): { end: number; empty: boolean } | undefined {
  const delimiter = /[\s,{}]/;
  let start = at;
  while (start > 0 && !delimiter.test(value[start - 1])) start--;
  let end = at;
  while (end < value.length && !delimiter.test(value[end])) end++;
  if (!/^match=/i.test(value.slice(start, end))) return undefined;
  let depth = 0;
  let open = start - 1;
  for (; open >= 0; open--) {
    if (value[open] === "}") depth++;
    else if (value[open] === "{") {
      if (depth === 0) break;
      depth--;
    }
  }
  if (open < 0) return undefined;
  const table = /([A-Za-z]+):$/.exec(value.slice(0, open))?.[1];
  const policy = value.slice(open + 1, start);
  const level =
    table === "static"
      ? /^\s*fingerprint[\s,]/i
      : table === undefined
        ? /^\s*[^\s={}]+\s*=\s*fingerprint[\s,]/i
        : undefined;
  if (!level?.test(policy)) return undefined;
  return { end, empty: end - start === "match=".length };
}

/**
 * The digest a fingerprint at `offset` is compared in: the digest parameter's
 * value in main.cf, or for master.cf in the service at `offset`.
 */
export function fingerprintDigestAt(
  context: RuleContext,
  config: ParsedConfig,
  offset: number,
  digestParameter: string,
): string {
  const service =
    config.kind === "master"
      ? context.services.find(({ entry }) => entry.start <= offset && offset <= entry.end)
      : undefined;
  return context.valueOf(digestParameter, service).trim().toLowerCase();
}

/**
 * The fingerprint to paste for a certificate file: of its first certificate, in
 * `digest` (md5, sha1, sha256…), colon-separated as Postfix logs and matches it.
 */
export function certificateFingerprint(
  bytes: Uint8Array,
  digest: string,
): { fingerprint: string } | { error: string } {
  const facts = fileFacts(bytes);
  const certificate = facts.objects.find(
    (object): object is CertificateFacts => object.kind === "certificate",
  );
  if (!certificate)
    return {
      error:
        facts.encoding === "der"
          ? "The file is DER, not PEM."
          : "The file holds no PEM certificate.",
    };
  try {
    return { fingerprint: fingerprint(certificate.x509, "certificate", digest.toLowerCase()) };
  } catch {
    return { error: `The digest "${digest}" is not available.` };
  }
}
