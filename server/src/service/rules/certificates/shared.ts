import {
  type CertificateFacts,
  type FileFacts,
  type PemObject,
  fileFacts,
} from "../../certificates";
import type { HostFileRequest } from "../../hostFiles";
import type { ConfigKind } from "../../parser/document";
import type { Span } from "../../parser/logicalLines";
import { excerpt } from "../../text/excerpt";
import type { RuleContext, ServiceView } from "../context";
import { type RuleFinding, perContext } from "../rule";
import { listWords, valueSpan, wordSpan } from "../startup/shared";

/**
 * The certificates family: the certificate, key and CA files the configuration
 * names, read from the host (in trusted workspaces, or by postfix-lint) and
 * parsed with node:crypto. Every role is covered (smtpd, the smtp and lmtp
 * clients, tlsproxy in both directions, postscreen), in main.cf and per master.cf
 * service through its -o settings, with $name references expanded. Without host
 * files (file checks off) every rule of the family is silent.
 */

export type Slot = "cert" | "key" | "chain" | "cafile" | "capath";

/** The parameter prefixes of each role, and the program that loads its files. */
const ROLES: { prefix: string; program: string; server: boolean }[] = [
  { prefix: "smtpd_tls_", program: "smtpd", server: true },
  { prefix: "smtp_tls_", program: "the smtp client", server: false },
  { prefix: "lmtp_tls_", program: "the lmtp client", server: false },
  { prefix: "tlsproxy_tls_", program: "tlsproxy", server: true },
  { prefix: "tlsproxy_client_", program: "tlsproxy", server: false },
  { prefix: "postscreen_tls_", program: "postscreen", server: true },
];

/** Certificate and key parameters in pairs; the key defaults to the certificate's file. */
const PAIRS = [
  ["cert_file", "key_file"],
  ["eccert_file", "eckey_file"],
  ["dcert_file", "dkey_file"],
] as const;

const SLOTS: [string, Slot][] = [
  ...PAIRS.flatMap(([cert, key]): [string, Slot][] => [
    [cert, "cert"],
    [key, "key"],
  ]),
  ["chain_files", "chain"],
  ["CAfile", "cafile"],
  ["CApath", "capath"],
];

/** A file that a setting names. */
export interface NamedFile {
  path: string;
  parameter: string;
  slot: Slot;
  /** The program that reads it ("smtpd", "the smtp client"). */
  program: string;
  server: boolean;
  /** Where to report: the setting (or the word of it) that names the file. */
  file: ConfigKind;
  span: Span;
  service?: ServiceView;
  /** The value as written, when it is a relative path (`path` is then in queue_directory). */
  relative?: string;
}

/** A certificate with its keys as Postfix loads them: a chain_files list, one mixed file, or a pair. */
export interface KeySet {
  kind: "chain" | "mixed" | "pair";
  /** In order: chain files as listed; for a pair, the certificate file, then the key file. */
  files: NamedFile[];
  program: string;
  server: boolean;
  service?: ServiceView;
  /**
   * A service's key with main.cf's certificate (the service sets only the key):
   * findings about the certificate itself belong to main.cf's own key set.
   */
  inheritsCertificate?: boolean;
}

/**
 * The files the settings name: each file once per naming setting and path, and
 * the relative paths that cannot be resolved (queue_directory not set).
 */
const fileSettings = perContext((context) => {
  const files: NamedFile[] = [];
  const unresolved: NamedFile[] = [];
  const seen = new Set<string>();
  for (const role of ROLES) {
    for (const [suffix, slot] of SLOTS) {
      const parameter = role.prefix + suffix;
      for (const placed of context.settingsNamed([parameter])) {
        const value = context.valueOf(parameter, placed.service);
        const words = slot === "chain" ? listWords(value) : [value.trim()];
        for (const word of words) {
          if (!isFileName(parameter, word)) continue;
          const span =
            slot === "chain" ? wordSpan(placed.setting, word) : valueSpan(placed.setting);
          const path = pathOf(context, word, placed.service);
          const named: NamedFile = {
            path: path ?? word,
            parameter,
            slot,
            program: role.program,
            server: role.server,
            file: placed.file,
            span,
            service: placed.service,
          };
          if (!word.startsWith("/")) named.relative = word;
          if (path === undefined) {
            unresolved.push(named);
            continue;
          }
          const key = `${placed.file}:${span.start}:${path}`;
          if (seen.has(key)) continue;
          seen.add(key);
          files.push(named);
        }
      }
    }
  }
  return { files, unresolved };
});

/** Every file the configuration names, once per naming setting and path. */
export const namedFiles = (context: RuleContext): NamedFile[] => fileSettings(context).files;

/** Relative paths that are not checked, because queue_directory is the build's default. */
export const unresolvedFiles = (context: RuleContext): NamedFile[] =>
  fileSettings(context).unresolved;

/** The parameters where "none" means no certificate (smtpd.c, tlsproxy.c); elsewhere it is a file name. */
const NO_FILE = /^(smtpd|tlsproxy)_tls_cert_file$/;

const isFileName = (parameter: string, word: string) =>
  word !== "" && !(NO_FILE.test(parameter) && word.toLowerCase() === "none");

/**
 * The file a path names as the daemon opens it. Daemons change to queue_directory
 * before they load their TLS files, and chroot there (single_server.c and its
 * siblings: chdir, pre_init, chroot_uid), so a relative path is read from
 * queue_directory. Undefined when queue_directory is not set: its default is
 * chosen when Postfix is built ("postconf -d queue_directory" knows it).
 */
function pathOf(context: RuleContext, word: string, service?: ServiceView): string | undefined {
  if (word.startsWith("/")) return word;
  if (!context.isSet("queue_directory", service)) return undefined;
  return inQueueDirectory(context.valueOf("queue_directory", service), word);
}

/** A relative path as a daemon opens it, in its queue directory. */
export const inQueueDirectory = (queueDirectory: string, path: string) =>
  `${queueDirectory.trim().replace(/\/+$/, "")}/${path}`;

/**
 * The key sets: per role and scope (main.cf, or a service that sets a name with
 * -o). A pair takes the values in effect for its scope: a service that sets only
 * the key gets main.cf's certificate, one that sets only the certificate gets
 * main.cf's key (or the default, the certificate's file).
 */
export const keySets = perContext((context): KeySet[] => {
  const sets: KeySet[] = [];
  const byParameter = new Map<string, NamedFile[]>();
  for (const named of namedFiles(context)) {
    const key = `${named.service?.name ?? ""}/${named.service?.type ?? ""}:${named.parameter}`;
    byParameter.set(key, [...(byParameter.get(key) ?? []), named]);
  }
  const scopes: (ServiceView | undefined)[] = [undefined, ...context.services];
  for (const role of ROLES) {
    for (const service of scopes) {
      const scope = `${service?.name ?? ""}/${service?.type ?? ""}:`;
      const own = (name: string) => byParameter.get(scope + role.prefix + name)?.[0];
      const base = { program: role.program, server: role.server, service };
      const chain = byParameter.get(scope + role.prefix + "chain_files");
      if (chain) sets.push({ kind: "chain", files: chain, ...base });
      for (const [certName, keyName] of PAIRS) {
        const ownCert = own(certName);
        const key = own(keyName);
        // A service that sets neither file loads main.cf's pair, checked there.
        if (!ownCert && !(service && key)) continue;
        const inheritsCertificate = !ownCert;
        const mainCert = byParameter.get(`/:${role.prefix}${certName}`)?.[0];
        const certValue = context.valueOf(role.prefix + certName, service).trim();
        const certPath = isFileName(role.prefix + certName, certValue)
          ? pathOf(context, certValue, service)
          : undefined;
        const cert =
          ownCert ?? (mainCert && certPath ? { ...mainCert, path: certPath } : undefined);
        if (!cert) continue;
        // An empty key file means the certificate's file, as the default does.
        const keyValue = context.valueOf(role.prefix + keyName, service).trim();
        const keyPath = keyValue === "" ? cert.path : pathOf(context, keyValue, service);
        if (keyPath === undefined) continue;
        if (keyPath === cert.path) {
          // A service's key that is main.cf's certificate file: main.cf's set loads the same.
          if (!inheritsCertificate) sets.push({ kind: "mixed", files: [cert], ...base });
        } else if (key) {
          sets.push({ kind: "pair", files: [cert, key], ...base, inheritsCertificate });
        } else {
          // The key is set elsewhere (main.cf for a service): reported with the certificate.
          sets.push({
            kind: "pair",
            files: [cert, { ...cert, path: keyPath, slot: "key" }],
            ...base,
          });
        }
      }
    }
  }
  return sets;
});

/** The host-file requests of the family: contents for files, a listing for CA directories. */
export function* certificateRequests(context: RuleContext): Iterable<HostFileRequest> {
  for (const named of namedFiles(context))
    yield named.slot === "capath"
      ? { path: named.path, contents: false, listing: true }
      : { path: named.path, contents: true };
  for (const set of keySets(context))
    for (const named of set.files) yield { path: named.path, contents: true };
}

/** The parsed facts of a named file, when its bytes were read. */
export function factsOf(context: RuleContext, path: string): FileFacts | undefined {
  const contents = context.host?.get(path)?.contents;
  return contents ? fileFacts(contents) : undefined;
}

/** One PEM object, with the file it came from (chain files are read as one sequence). */
export interface PlacedObject {
  object: PemObject;
  named: NamedFile;
}

/** The objects of a key set in the order Postfix loads them; undefined if a file was not read. */
export function objectsOf(context: RuleContext, set: KeySet): PlacedObject[] | undefined {
  const objects: PlacedObject[] = [];
  for (const named of set.files) {
    const facts = factsOf(context, named.path);
    if (!facts) return undefined;
    for (const object of facts.objects) objects.push({ object, named });
  }
  return objects;
}

/** The certificates of the cert and chain slots, each file once: for expiry, weakness, reload. */
export const certificateFiles = perContext((context) =>
  namedFiles(context).filter((named) => named.slot === "cert" || named.slot === "chain"),
);

export function certificatesIn(context: RuleContext, named: NamedFile): CertificateFacts[] {
  return (factsOf(context, named.path)?.objects ?? []).filter(
    (object): object is CertificateFacts => object.kind === "certificate",
  );
}

/** Every certificate of the cert and chain files, with the file that holds it. */
export function* presentedCertificates(
  context: RuleContext,
): Iterable<{ named: NamedFile; certificate: CertificateFacts }> {
  for (const named of certificateFiles(context))
    for (const certificate of certificatesIn(context, named)) yield { named, certificate };
}

/** A finding on the setting that names a file. */
export function findingAt(named: NamedFile, message: string): RuleFinding {
  return { file: named.file, start: named.span.start, end: named.span.end, message };
}

/** A path as a message quotes it. */
export const quoted = (path: string) => `"${excerpt(path)}"`;

/** A named file as a message quotes it: a relative path with where Postfix looks for it. */
export const quotedName = (named: NamedFile) =>
  named.relative === undefined
    ? quoted(named.path)
    : `"${excerpt(named.relative)}" (in queue_directory: ${quoted(named.path)})`;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** "in 3 days", "2 days ago", "today". */
export function daysFrom(now: number, when: number): string {
  const days = Math.round((when - now) / DAY_MS);
  if (days === 0) return "today";
  const count = Math.abs(days) === 1 ? "1 day" : `${Math.abs(days)} days`;
  return days > 0 ? `in ${count}` : `${count} ago`;
}

export const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * What the program does when it cannot load its certificate or key (tls_certkey.c,
 * smtpd.c), as a sentence.
 */
export function loadFailure(named: { program: string; server: boolean; path: string }): string {
  return named.server
    ? `At start ${named.program} logs "error loading private keys and certificates" or "cannot get ... from file ${excerpt(named.path)}: disabling TLS support" and answers STARTTLS with "454 4.7.0 TLS not available due to local problem" (a wrapper-mode service such as smtps drops the connection).`
    : `At start ${named.program} logs "... disabling TLS support" and cannot present this client certificate.`;
}

/** Shared docs wording for the family. */
export const FILE_CHECKS_NOTE =
  "The file is read only when file checks are on: in a trusted workspace in the editor (postfix.checkFiles), and in postfix-lint unless --no-check-files.";

/** A key and the certificates that go with it: the leaf first, then its issuers. */
export interface LoadedChain {
  set: KeySet;
  key?: PlacedObject;
  certificates: { certificate: CertificateFacts; named: NamedFile }[];
}

/**
 * The chains of a key set as Postfix pairs them up (tls_certkey.c): in
 * chain_files each key goes with the certificates after it up to the next key;
 * a key and certificate file load the file's certificates with the file's key.
 * Undefined when a file was not read.
 */
export function chainsOf(context: RuleContext, set: KeySet): LoadedChain[] | undefined {
  const objects = objectsOf(context, set);
  if (!objects) return undefined;
  const certificateOf = (placed: PlacedObject) =>
    placed.object.kind === "certificate"
      ? [{ certificate: placed.object, named: placed.named }]
      : [];
  if (set.kind !== "chain") {
    const certFile = set.files[0];
    return [
      {
        set,
        key: objects.find(
          (placed) =>
            placed.object.kind === "key" && (set.kind === "mixed" || placed.named !== certFile),
        ),
        certificates: objects.filter((placed) => placed.named === certFile).flatMap(certificateOf),
      },
    ];
  }
  const chains: LoadedChain[] = [];
  for (const placed of objects) {
    if (placed.object.kind === "key") chains.push({ set, key: placed, certificates: [] });
    else if (placed.object.kind === "certificate") {
      if (chains.length === 0) chains.push({ set, certificates: [] });
      chains[chains.length - 1].certificates.push(...certificateOf(placed));
    }
  }
  return chains;
}

/** Every loaded chain of the configuration, each key set once. */
export const loadedChains = perContext((context): LoadedChain[] =>
  keySets(context).flatMap((set) => chainsOf(context, set) ?? []),
);

/**
 * Why OpenSSL refuses a CAfile, as a clause, or undefined when it loads it: it
 * reads every PEM block and fails on a damaged certificate, and on a file in
 * which it found no certificate or revocation list (X509_load_cert_crl_file).
 */
export function caFileLoadProblem(facts: FileFacts): string | undefined {
  if (facts.encoding === "der") return "is binary DER, where OpenSSL reads PEM only";
  if (facts.encoding === "unknown") return "holds no PEM data";
  for (const object of facts.objects)
    if (object.kind === "broken" && /CERTIFICATE$/.test(object.label))
      return `has a damaged certificate (PEM object number ${object.number})`;
  const loadable = facts.objects.some(
    (object) =>
      object.kind === "certificate" || (object.kind === "other" && ALSO_LOADED.test(object.label)),
  );
  return loadable ? undefined : "holds no certificate";
}

/** PEM blocks OpenSSL loads into the store besides certificates: revocation lists, trusted certificates. */
const ALSO_LOADED = /^(X509 CRL|TRUSTED CERTIFICATE)$/;
