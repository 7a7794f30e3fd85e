import { type KeyObject, X509Certificate, createHash, createPrivateKey } from "node:crypto";

/**
 * What certificate and key files hold, as Postfix's loader sees them: the PEM
 * objects in order, each parsed with node:crypto (no OpenSSL process). Pure: bytes
 * in, facts out. Used by the certificates rules, the hover and the TLSA request.
 */

/** The PEM labels Postfix loads as private keys (tls_certkey.c); others are skipped. */
const KEY_LABELS = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"]);
const CERT_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);

export interface CertificateFacts {
  kind: "certificate";
  /** 1-based position among the file's PEM objects (Postfix's "PEM object number"). */
  number: number;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  /** DNS names from subjectAltName; the CN when there are none. */
  names: string[];
  notBefore: number;
  notAfter: number;
  selfIssued: boolean;
  /** The signature algorithm's hash, when it is a weak one (sha1, md5). */
  weakHash?: "sha1" | "md5";
  key: KeyFacts;
}

export interface KeyFacts {
  /** "RSA 2048", "EC prime256v1", "Ed25519". */
  description: string;
  type: string;
  bits?: number;
}

export type PemObject =
  | CertificateFacts
  | { kind: "key"; number: number; key?: KeyObject; encrypted: boolean; facts?: KeyFacts }
  | { kind: "csr"; number: number }
  | { kind: "other"; number: number; label: string }
  | { kind: "broken"; number: number; label: string };

export interface FileFacts {
  /** How the file is encoded: PEM, binary DER, or neither. */
  encoding: "pem" | "der" | "unknown";
  objects: PemObject[];
}

const memo = new WeakMap<Uint8Array, FileFacts>();

/** The facts of a file's bytes, parsed once per byte buffer (the reader caches buffers). */
export function fileFacts(bytes: Uint8Array): FileFacts {
  let facts = memo.get(bytes);
  if (!facts) memo.set(bytes, (facts = parseFile(bytes)));
  return facts;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

function parseFile(bytes: Uint8Array): FileFacts {
  const text = Buffer.from(bytes).toString("latin1");
  const objects: PemObject[] = [];
  let number = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    number++;
    objects.push(parseObject(match[1], match[2], match[0], number));
  }
  if (objects.length > 0) return { encoding: "pem", objects };
  // DER starts with a SEQUENCE tag; Postfix reads PEM only.
  if (bytes.length > 2 && bytes[0] === 0x30) {
    return { encoding: "der", objects: derObject(Buffer.from(bytes)) };
  }
  return { encoding: "unknown", objects: [] };
}

function parseObject(label: string, body: string, block: string, number: number): PemObject {
  if (CERT_LABELS.has(label)) {
    try {
      return certificateFacts(new X509Certificate(block), number);
    } catch {
      return { kind: "broken", number, label };
    }
  }
  if (label === "CERTIFICATE REQUEST" || label === "NEW CERTIFICATE REQUEST")
    return { kind: "csr", number };
  if (label === "ENCRYPTED PRIVATE KEY") return { kind: "key", number, encrypted: true };
  if (KEY_LABELS.has(label)) {
    // Traditional OpenSSL encryption: a "Proc-Type: 4,ENCRYPTED" header inside the block.
    if (/^Proc-Type:\s*4,ENCRYPTED/m.test(body)) return { kind: "key", number, encrypted: true };
    try {
      const key = createPrivateKey(block);
      return { kind: "key", number, key, encrypted: false, facts: keyFacts(key) };
    } catch {
      return { kind: "broken", number, label };
    }
  }
  return { kind: "other", number, label };
}

/** A DER file: a certificate or a key Postfix would not read, said so by what it is. */
function derObject(bytes: Buffer): PemObject[] {
  try {
    return [certificateFacts(new X509Certificate(bytes), 1)];
  } catch {
    try {
      const key = createPrivateKey({ key: bytes, format: "der", type: "pkcs8" });
      return [{ kind: "key", number: 1, key, encrypted: false, facts: keyFacts(key) }];
    } catch {
      return [];
    }
  }
}

function certificateFacts(x509: X509Certificate, number: number): CertificateFacts {
  const names = (x509.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  const commonName = /^CN=(.*)$/m.exec(x509.subject)?.[1];
  const facts: CertificateFacts = {
    kind: "certificate",
    number,
    x509,
    subject: x509.subject.replace(/\n/g, ", "),
    issuer: x509.issuer.replace(/\n/g, ", "),
    names: names.length > 0 ? names : commonName ? [commonName] : [],
    notBefore: Date.parse(x509.validFrom),
    notAfter: Date.parse(x509.validTo),
    selfIssued: x509.checkIssued(x509),
    key: keyFacts(x509.publicKey),
  };
  const weakHash = weakSignatureHash(x509.raw);
  if (weakHash) facts.weakHash = weakHash;
  return facts;
}

function keyFacts(key: KeyObject): KeyFacts {
  const type = key.asymmetricKeyType ?? "unknown";
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "rsa" || type === "rsa-pss" || type === "dsa") {
    const bits = details.modulusLength;
    return { type, bits, description: `${type.toUpperCase()} ${bits ?? "?"} bits` };
  }
  if (type === "ec") return { type, description: `EC ${details.namedCurve ?? ""}`.trim() };
  return { type, description: type === "ed25519" ? "Ed25519" : type === "ed448" ? "Ed448" : type };
}

/** DER OIDs (content bytes) of signature algorithms with a weak hash. */
const WEAK_SIGNATURES: [string, "sha1" | "md5"][] = [
  ["2a864886f70d010104", "md5"], // md5WithRSAEncryption
  ["2a864886f70d010105", "sha1"], // sha1WithRSAEncryption
  ["2a8648ce3d0401", "sha1"], // ecdsa-with-SHA1
  ["2a8648ce380403", "sha1"], // dsa-with-sha1
];

/**
 * The weak hash of a certificate's signature algorithm, read from the DER:
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }.
 */
function weakSignatureHash(der: Buffer): "sha1" | "md5" | undefined {
  const outer = derHeader(der, 0);
  const tbs = derHeader(der, outer.contentStart);
  const algorithm = derHeader(der, tbs.contentStart + tbs.length);
  const oid = derHeader(der, algorithm.contentStart);
  const hex = der.subarray(oid.contentStart, oid.contentStart + oid.length).toString("hex");
  return WEAK_SIGNATURES.find(([weak]) => weak === hex)?.[1];
}

function derHeader(der: Buffer, at: number): { contentStart: number; length: number } {
  const first = der[at + 1];
  if (first < 0x80) return { contentStart: at + 2, length: first };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[at + 2 + i];
  return { contentStart: at + 2 + count, length };
}

/** The digest of a certificate (DER) or of its public key (SPKI DER), as colon-separated hex. */
export function fingerprint(
  certificate: X509Certificate,
  of: "certificate" | "public-key",
  algorithm: string,
): string {
  const bytes =
    of === "certificate"
      ? certificate.raw
      : certificate.publicKey.export({ type: "spki", format: "der" });
  return createHash(algorithm)
    .update(bytes)
    .digest("hex")
    .toUpperCase()
    .replace(/(..)(?!$)/g, "$1:");
}

/** The TLSA association data for selector 1 (SPKI), matching type 1 (SHA-256), in hex. */
export function tlsaSpkiSha256(certificate: X509Certificate): string {
  return createHash("sha256")
    .update(certificate.publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
}

/** A private key matches a certificate when their public keys are the same. */
export function keyMatches(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}
