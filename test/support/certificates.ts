import { type KeyObject, createHash, generateKeyPairSync, sign } from "node:crypto";
import {
  CA_HASH_NAME,
  type ExampleHostFile,
  type ExamplePemObject,
  type HostFile,
  type HostFiles,
  hostFilesOf,
} from "../../server/src/service/hostFiles";

/**
 * Certificates, keys and CSRs made when the tests run, with node:crypto and a
 * small DER writer: any validity window, issuer, hash or key size, and nothing
 * long-lived committed. The code under test only parses them (with node:crypto);
 * the tests compare its fingerprints and TLSA data with openssl's.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

// --- DER ------------------------------------------------------------------------

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
const octets = (content: Buffer) => tlv(0x04, content);
const bits = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const NULL = Buffer.from([0x05, 0x00]);

function integer(value: number | Buffer): Buffer {
  let bytes = typeof value === "number" ? Buffer.from([value]) : value;
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const group = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) group.unshift((value & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-12-06T15:58:17.000Z
  return tlv(0x18, Buffer.from(`${iso.slice(0, 19).replace(/[-:T]/g, "")}Z`));
}

const name = (commonName: string) => seq(set(seq(oid("2.5.4.3"), utf8(commonName))));

const SIGNATURE_OIDS = {
  rsa: {
    sha256: "1.2.840.113549.1.1.11",
    sha1: "1.2.840.113549.1.1.5",
    md5: "1.2.840.113549.1.1.4",
  },
  ec: { sha256: "1.2.840.10045.4.3.2", sha1: "1.2.840.10045.4.1", md5: "" },
};

function signed(body: Buffer, key: KeyObject, hash: "sha256" | "sha1" | "md5"): Buffer {
  const type = key.asymmetricKeyType === "rsa" ? "rsa" : "ec";
  // RSA algorithm identifiers carry NULL parameters, ECDSA ones none.
  const algorithm =
    type === "rsa" ? seq(oid(SIGNATURE_OIDS.rsa[hash]), NULL) : seq(oid(SIGNATURE_OIDS.ec[hash]));
  return seq(body, algorithm, bits(sign(hash, body, key)));
}

const spki = (key: KeyObject) => key.export({ type: "spki", format: "der" });

// --- Keys and objects -------------------------------------------------------------

const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

/** The key of a name (see ExamplePemObject), made once per test run. */
export function keyNamed(keyName: string) {
  let pair = keys.get(keyName);
  if (!pair) {
    const rsa = /^rsa(\d*)/.exec(keyName);
    pair = rsa
      ? generateKeyPairSync("rsa", { modulusLength: Number(rsa[1] || 2048) })
      : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    keys.set(keyName, pair);
  }
  return pair;
}

export interface CertificateSpec {
  cert: string;
  issuer?: string;
  names?: string[];
  days?: [number, number];
  hash?: "sha256" | "sha1" | "md5";
  ca?: boolean;
}

/** Serial numbers 1…127 in the first byte: a 0 there would be a non-minimal DER integer, which OpenSSL refuses. */
let serial = 1;

/** A certificate in DER. */
export function certificateDer(spec: CertificateSpec, now = Date.now()): Buffer {
  const subjectKey = keyNamed(spec.cert);
  const issuerName = spec.issuer ?? spec.names?.[0] ?? spec.cert;
  const issuerKey = keyNamed(spec.issuer ?? spec.cert).privateKey;
  const [from, until] = spec.days ?? [-30, 60];
  const extensions: Buffer[] = [
    seq(
      oid("2.5.29.19"),
      tlv(0x01, Buffer.from([0xff])),
      octets(spec.ca ? seq(tlv(0x01, Buffer.from([0xff]))) : seq()),
    ),
    seq(oid("2.5.29.14"), octets(octets(keyIdentifier(subjectKey.publicKey)))),
  ];
  if (spec.names?.length) {
    const dnsNames = spec.names.map((dns) => tlv(0x82, Buffer.from(dns)));
    extensions.push(seq(oid("2.5.29.17"), octets(seq(...dnsNames))));
  }
  const body = seq(
    explicit(0, integer(2)),
    integer(Buffer.from([(serial++ % 127) + 1, 1, 2, 3])),
    signatureAlgorithmOf(keyNamed(spec.issuer ?? spec.cert).privateKey, spec.hash ?? "sha256"),
    name(issuerName),
    seq(time(now + from * DAY_MS), time(now + until * DAY_MS)),
    name(spec.names?.[0] ?? spec.cert),
    spki(subjectKey.publicKey),
    explicit(3, seq(...extensions)),
  );
  return signed(body, issuerKey, spec.hash ?? "sha256");
}

function signatureAlgorithmOf(key: KeyObject, hash: "sha256" | "sha1" | "md5"): Buffer {
  return key.asymmetricKeyType === "rsa"
    ? seq(oid(SIGNATURE_OIDS.rsa[hash]), NULL)
    : seq(oid(SIGNATURE_OIDS.ec[hash]));
}

const keyIdentifier = (key: KeyObject) => createHash("sha1").update(spki(key)).digest();

/** A certificate signing request (PKCS #10) in DER. */
function csrDer(keyName: string): Buffer {
  const { privateKey, publicKey } = keyNamed(keyName);
  const info = seq(integer(0), name(keyName), spki(publicKey), explicit(0, Buffer.alloc(0)));
  return signed(info, privateKey, "sha256");
}

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END ${label}-----\n`;

/** One object as PEM text. */
export function pemOf(object: ExamplePemObject, now = Date.now()): string {
  if ("key" in object) {
    const { privateKey } = keyNamed(object.key);
    return object.encrypted
      ? (privateKey.export({
          type: "pkcs8",
          format: "pem",
          cipher: "aes-256-cbc",
          passphrase: "example",
        }) as string)
      : (privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  }
  if ("csr" in object) return pem("CERTIFICATE REQUEST", csrDer(object.csr));
  return pem("CERTIFICATE", certificateDer(object, now));
}

/** The bytes of an example file. */
export function bytesOf(file: ExampleHostFile, now = Date.now()): Buffer {
  if (file.text !== undefined) return Buffer.from(file.text);
  const objects = file.objects ?? [];
  if (file.der && objects.length > 0) {
    const [first] = objects;
    if ("cert" in first) return certificateDer(first, now);
    if ("key" in first)
      return keyNamed(first.key).privateKey.export({ type: "pkcs8", format: "der" });
  }
  return Buffer.from(objects.map((object) => pemOf(object, now)).join(""));
}

/** The HostFiles that the reader would give for these example files. */
export function exampleHostFiles(
  files: Record<string, ExampleHostFile>,
  now = Date.now(),
  expiryWarningDays?: number,
): HostFiles {
  const read: HostFile[] = Object.entries(files).map(([path, file]) => {
    if (file.missing) return { path, status: "missing", detail: "does not exist" };
    if (file.entries) {
      const hashNamed = file.entries.filter((name) => CA_HASH_NAME.test(name)).length;
      const listing = { entries: file.entries.length, hashNamed, complete: true };
      return { path, status: "ok", mode: 0o040755, uid: 0, gid: 0, listing };
    }
    const contents = bytesOf(file, now);
    const holdsKey = (file.objects ?? []).some((object) => "key" in object);
    return {
      path,
      status: "ok",
      size: contents.length,
      mtimeMs: now - (file.changedHoursAgo ?? 30 * 24) * 60 * 60 * 1000,
      mode: 0o100000 | (file.mode ?? (holdsKey ? 0o600 : 0o644)),
      uid: file.uid ?? 0,
      gid: file.gid ?? 0,
      directory: {
        mode: 0o040000 | (file.directory?.mode ?? 0o755),
        uid: 0,
        gid: file.directory?.gid ?? 0,
      },
      contents,
    };
  });
  return hostFilesOf(read, now, expiryWarningDays);
}
