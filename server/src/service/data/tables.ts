// Lookup table facts per release line, from tables.generated.json (made by
// scripts/generate-tables.mjs from the Postfix source).

import data from "./tables.generated.json";
import { type PostfixVersion, compareVersions, effectiveLine, inVersionRange } from "./parameters";

interface GeneratedType {
  since: PostfixVersion;
  until?: PostfixVersion;
  /** From which line on the type is always built in, or only in some builds. */
  build: [PostfixVersion, "always" | "optional"][];
}

interface GeneratedTables {
  types: Record<string, GeneratedType>;
  unknownTypeFatalUntil?: PostfixVersion;
  indexSuffixes: Record<string, string[]>;
  staleGraceSeconds: number;
  proxyNestedSince?: PostfixVersion;
  berkeleyMigration?: {
    since: PostfixVersion;
    legacyTypes: string[];
    replacedBy: Record<string, string>;
  };
}

const generated = data as unknown as GeneratedTables;

/** What a release line knows about a type. */
export type TypeSupport =
  | { kind: "built-in" }
  /** Present only when Postfix was built with it or its plugin package is installed. */
  | { kind: "optional" }
  | { kind: "too-new"; since: PostfixVersion }
  | { kind: "removed"; until: PostfixVersion }
  | { kind: "unknown" };

export function typeSupport(type: string, version: PostfixVersion): TypeSupport {
  const facts = Object.hasOwn(generated.types, type) ? generated.types[type] : undefined;
  if (!facts) return { kind: "unknown" };
  if (inVersionRange(facts, version)) {
    const line = effectiveLine(version);
    let build = "always";
    for (const [since, kind] of facts.build) if (compareVersions(since, line) <= 0) build = kind;
    return { kind: build === "always" ? "built-in" : "optional" };
  }
  return compareVersions(effectiveLine(version), facts.since) < 0
    ? { kind: "too-new", since: facts.since }
    : { kind: "removed", until: facts.until! };
}

/** Every type any covered release knows (for suggestions). */
export const ALL_TABLE_TYPES: readonly string[] = Object.keys(generated.types);

/** Whether the release stops the program on an unknown type (older lines) rather than failing each lookup. */
export function unknownTypeIsFatal(version: PostfixVersion): boolean {
  const until = generated.unknownTypeFatalUntil;
  return until !== undefined && compareVersions(effectiveLine(version), until) <= 0;
}

/**
 * The files postmap makes for an indexed type, e.g. [".db"]; the first is the one
 * whose age the daemons compare with the source. Undefined for other types.
 */
export function indexSuffixes(type: string): readonly string[] | undefined {
  return Object.hasOwn(generated.indexSuffixes, type) ? generated.indexSuffixes[type] : undefined;
}

/** The daemons warn about an index older than its source only once the source is this old. */
export const STALE_GRACE_SECONDS = generated.staleGraceSeconds;

/** Whether proxymap approves tables nested in unionmap:{...}/pipemap:{...} of its lists. */
export function proxyLooksIntoNested(version: PostfixVersion): boolean {
  const since = generated.proxyNestedSince;
  return since !== undefined && compareVersions(effectiveLine(version), since) >= 0;
}

/**
 * The non-Berkeley-DB migration support of the release, if it has one: the legacy
 * types (hash, btree) and the parameter whose value replaces each.
 */
export function berkeleyMigration(
  version: PostfixVersion,
):
  { since: PostfixVersion; legacyTypes: string[]; replacedBy: Record<string, string> } | undefined {
  const facts = generated.berkeleyMigration;
  return facts && compareVersions(effectiveLine(version), facts.since) >= 0 ? facts : undefined;
}

/** Types whose members are other tables: `unionmap:{ t1, t2 }`, `pipemap:{ t1, t2 }`. */
export const NESTING_TYPES: ReadonlySet<string> = new Set(["unionmap", "pipemap"]);

/** Types that wrap the `type:name` after them. */
export const WRAPPER_TYPES: ReadonlySet<string> = new Set(["proxy", "debug"]);

/** Types whose name is a file Postfix (or postmap) reads: patterns, sources or settings. */
export const FILE_TABLE_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(generated.indexSuffixes),
  "texthash",
  "regexp",
  "pcre",
  "cidr",
  "ldap",
  "mysql",
  "pgsql",
  "sqlite",
  "memcache",
  "mongodb",
]);
