#!/usr/bin/env node
// Generates server/src/service/data/tables.generated.json: facts about lookup
// table types per Postfix release line, read from the Postfix source. Facts only
// (names, release lines, file suffixes), never text of the source:
//   - the types each release line can open: the dict_open_info[] tables of
//     src/util/dict_open.c and src/global/mail_dict.c (names resolved through the
//     DICT_TYPE_* #defines), and from 3.0 on conf/dynamicmaps.cf; a type inside an
//     #ifdef (HAS_DB, HAS_PCRE, ...) or only in dynamicmaps.cf depends on the build;
//   - whether opening an unknown type is fatal (msg_fatal in dict_open3()) or makes
//     a table whose lookups fail (dict_surrogate(), from 2.9 on);
//   - the files postmap writes for the indexed types (dict_db.c, dict_lmdb.c,
//     dict_cdb.c, dict_dbm.c, dict_sdbm.c) and the grace period after which the
//     daemons warn that an indexed file is older than its source;
//   - whether proxymap looks into unionmap:{...}/pipemap:{...} members of
//     proxy_read_maps (authorize_proxied_maps() in src/proxymap/proxymap.c);
//   - the non-Berkeley-DB migration support (src/global/nbdb_util.c, 3.11 on):
//     the legacy types and the parameter whose type replaces each.
//
// Usage: node scripts/generate-tables.mjs --repo PATH [--check]
//   --repo PATH  a git clone (bare or not) of vdukhovni/postfix with its tags
//                (POSTFIX_SRC when not given); the release tags per line are
//                those recorded in parameters.generated.json.
//   --check      do not write; exit 1 when the committed file is stale.

import { postfixSource } from "./postfixSource.mjs";

const OUTPUT = "server/src/service/data/tables.generated.json";
const { git, show, source: provenance, releases, lines, emit } = postfixSource("generate-tables");

/** DICT_TYPE_* names to their strings, from every header of the release. */
function typeDefines(tag) {
  const defines = new Map();
  const text = git("grep", "-h", "-E", "#define[[:space:]]+DICT_TYPE_", tag, "--", "postfix/src");
  for (const match of text.matchAll(/#define\s+(DICT_TYPE_[A-Z0-9_]+)\s+"([^"]*)"/g))
    defines.set(match[1], match[2]);
  return defines;
}

/**
 * The types of one dict_open_info[] table, with whether each depends on the
 * build: inside an #ifdef/#ifndef it does; inside `#if 0` it is not there at all.
 */
function openTable(source, defines) {
  const start = source.search(/DICT_OPEN_INFO dict_open_info\[\]\s*=\s*\{/);
  if (start < 0) return [];
  const body = source.slice(start, source.indexOf("\n};", start));
  const types = [];
  const conditions = [];
  for (const line of body.split("\n")) {
    const directive = /^#\s*(if|ifdef|ifndef|else|endif)\b\s*(.*)$/.exec(line.trim());
    if (directive) {
      const [, word, rest] = directive;
      if (word === "endif") conditions.pop();
      else if (word === "else") conditions.push(conditions.pop() === "never" ? "build" : "build");
      else conditions.push(word === "if" && rest.trim() === "0" ? "never" : "build");
      continue;
    }
    const entry = /^\s*(DICT_TYPE_[A-Z0-9_]+)\s*,/.exec(line);
    if (!entry || conditions.includes("never")) continue;
    const name = defines.get(entry[1]);
    if (!name) throw new Error(`${entry[1]} is not a string #define`);
    types.push({ name, optional: conditions.length > 0 });
  }
  return types;
}

/** The types a release line knows: name → whether the build decides. */
function typesOf(tag) {
  const defines = typeDefines(tag);
  const types = new Map();
  for (const file of ["src/util/dict_open.c", "src/global/mail_dict.c"])
    for (const { name, optional } of openTable(show(tag, file), defines))
      types.set(name, (types.get(name) ?? true) && optional);
  // Plugins (3.0 on): a type listed only there exists when its package is installed.
  for (const line of show(tag, "conf/dynamicmaps.cf").split("\n")) {
    const name = /^([a-z0-9]+)\s/.exec(line)?.[1];
    if (name && !types.has(name)) types.set(name, true);
  }
  if (types.size === 0) throw new Error(`${tag}: no table types found`);
  return types;
}

/** Whether dict_open3() stops the program on an unknown type (else every lookup fails). */
function unknownTypeFatal(tag) {
  const source = show(tag, "src/util/dict_open.c");
  return /msg_fatal\("unsupported dictionary type/.test(source);
}

/**
 * The indexed file suffixes, checked against the code that opens them; the first
 * is the file whose mtime the daemons compare with the source's.
 */
const INDEX_FILES = [
  // dict_db.c: db_path = concatenate(path, ".db", ...)
  {
    types: ["hash", "btree"],
    file: "dict_db.c",
    suffixes: [".db"],
    pattern: /concatenate\(path, "\.db"/,
  },
  // dict_lmdb.c: concatenate(path, "." DICT_TYPE_LMDB, ...)
  {
    types: ["lmdb"],
    file: "dict_lmdb.c",
    suffixes: [".lmdb"],
    pattern: /concatenate\(path, "\." DICT_TYPE_LMDB/,
  },
  // dict_cdb.c: #define CDB_SUFFIX ".cdb"
  { types: ["cdb"], file: "dict_cdb.c", suffixes: [".cdb"], pattern: /#define CDB_SUFFIX "\.cdb"/ },
  // dict_dbm.c / dict_sdbm.c: the .dir file is locked; the mtime that counts is the
  // .pag file's (stat_fd = dbm_pagfno()), so it comes first.
  {
    types: ["dbm"],
    file: "dict_dbm.c",
    suffixes: [".pag", ".dir"],
    pattern: /concatenate\(path, "\.dir"[\s\S]*stat_fd = dbm_pagfno/,
  },
  {
    types: ["sdbm"],
    file: "dict_sdbm.c",
    suffixes: [".pag", ".dir"],
    pattern: /concatenate\(path, "\.dir"[\s\S]*stat_fd = sdbm_pagfno/,
  },
];

function indexFiles(tag) {
  const suffixes = {};
  for (const { types, file, suffixes: expected, pattern } of INDEX_FILES) {
    if (!pattern.test(show(tag, `src/util/${file}`)))
      throw new Error(`${tag}: ${file} does not name ${expected.join(" ")}`);
    for (const type of types) suffixes[type] = expected;
  }
  return suffixes;
}

/** Seconds a source may be newer than its index before the daemons warn (dict_db.c). */
function staleGraceSeconds(tag) {
  const match = /st_mtime < time\(\(time_t \*\) 0\) - (\d+)\)/.exec(
    show(tag, "src/util/dict_db.c"),
  );
  if (!match) throw new Error(`${tag}: no stale-index check in dict_db.c`);
  return Number(match[1]);
}

/** Whether proxymap recurses into nested tables and `{ }` groups of its lists. */
function proxyNested(tag) {
  return /get_nested_dict_name\(type_name\)/.test(show(tag, "src/proxymap/proxymap.c"));
}

/**
 * The non-Berkeley-DB migration (nbdb_util.c): the legacy types and the parameter
 * naming the type each is mapped to by default. RELEASE_NOTES-3.11 ([Infrastructure
 * 20260219]) announces it; [Incompat 20260220] makes the alias defaults follow
 * default_database_type.
 */
function berkeleyMigration(tag) {
  const source = show(tag, "src/global/nbdb_util.c");
  if (!source) return undefined;
  const legacy = /^int\s+nbdb_is_legacy_type\(const char[\s\S]*?\n\}/m.exec(source)?.[0] ?? "";
  const defines = typeDefines(tag);
  const legacyTypes = [...legacy.matchAll(/DICT_TYPE_[A-Z]+/g)].map((m) => defines.get(m[0]));
  const params = show(tag, "src/global/mail_params.h");
  const variables = new Map();
  for (const match of params.matchAll(/#define\s+VAR_([A-Z0-9_]+)\s+"([^"]+)"/g))
    variables.set(`var_${match[1].toLowerCase()}`, match[2]);
  const replacedBy = {};
  for (const match of source.matchAll(
    /strcmp\(leg_type, (DICT_TYPE_[A-Z]+)\) == 0\) \{\s*non_leg_type = \(?(var_[a-z_]+)\)?;/g,
  ))
    replacedBy[defines.get(match[1])] = variables.get(match[2]);
  return { legacyTypes, replacedBy };
}

const newest = lines[lines.length - 1];

const types = {};
let unknownFatalUntil;
let proxyNestedSince;
let migration;
for (const line of lines) {
  const tag = releases[line];
  for (const [name, optional] of typesOf(tag)) {
    const entry = (types[name] ??= { since: line, build: [] });
    entry.lastSeen = line;
    const build = optional ? "optional" : "always";
    if (entry.build[entry.build.length - 1]?.[1] !== build) entry.build.push([line, build]);
  }
  if (unknownTypeFatal(tag)) unknownFatalUntil = line;
  if (proxyNested(tag)) proxyNestedSince ??= line;
  const facts = berkeleyMigration(tag);
  if (facts) migration ??= { since: line, ...facts };
}
for (const entry of Object.values(types)) {
  if (entry.lastSeen !== newest) entry.until = entry.lastSeen;
  delete entry.lastSeen;
}

const output = `${JSON.stringify(
  {
    "//": "generated — do not edit; run node scripts/generate-tables.mjs (facts from the Postfix source, see source)",
    source: provenance,
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    unknownTypeFatalUntil: unknownFatalUntil,
    indexSuffixes: indexFiles(releases[newest]),
    staleGraceSeconds: staleGraceSeconds(releases[newest]),
    proxyNestedSince,
    berkeleyMigration: migration,
  },
  null,
  2,
)}\n`;
emit(OUTPUT, output);
