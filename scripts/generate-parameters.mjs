#!/usr/bin/env node
// Generates server/src/service/data/parameters.generated.json: which main.cf
// parameter names `postconf` of every Postfix release line (2.0 .. newest)
// knows, with type, time unit, bounds, deprecation status, the per-service
// and per-database name rules, the defaults documented in postconf.proto
// ("default") and the default values the code of each release line has
// ("codeDefault", as `postconf -d` prints them, for a Linux build with
// OpenSSL 3 and Berkeley DB; see BUILD_DEFINES).
//
// Usage: node scripts/generate-parameters.mjs --repo PATH [--ref REV] [--check]
//   --repo PATH  a git clone (bare or not) of the public Postfix repository,
//                vdukhovni/postfix, with its release tags; POSTFIX_SRC is
//                used when --repo is not given
//   --ref REV    the commit to read as the newest, untagged release line
//                (default HEAD); the committed file records the one it used
//   --check      do not write; exit 1 when the committed file is stale
//
// Everything is read through git from the clone; nothing is built or run.
// The scanners below re-implement, in our own code, the rules that each
// release's postconf build uses (postconf/extract.awk, auto.awk,
// extract_cfg.sh, Makefile.in), after reading those rules from the release
// itself, so a rule change between releases is picked up automatically.
// No Postfix source text is copied into the output: only names, versions,
// numbers and the short default values.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FIRST_LINE = "2.0";
const OUTPUT = "server/src/service/data/parameters.generated.json";
const SRC = "postfix/src";
const PCF = `${SRC}/postconf`;

// ---------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const options = { repo: process.env.POSTFIX_SRC || "", ref: "HEAD", check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--repo") {
      options.repo = argv[++i];
      if (!options.repo) fail("--repo needs a path");
    } else if (arg.startsWith("--repo=")) {
      options.repo = arg.slice("--repo=".length);
    } else if (arg === "--ref") {
      options.ref = argv[++i];
      if (!options.ref) fail("--ref needs a revision");
    } else if (arg === "--check") {
      options.check = true;
    } else if (arg === "-h" || arg === "--help") {
      console.log("usage: node scripts/generate-parameters.mjs --repo PATH [--ref REV] [--check]");
      process.exit(0);
    } else {
      fail(`unknown argument: ${arg}`);
    }
  }
  if (!options.repo) fail("--repo PATH (or POSTFIX_SRC) must name a clone of vdukhovni/postfix");
  return options;
}

function fail(message) {
  console.error(`generate-parameters: ${message}`);
  process.exit(2);
}

// Problems that do not stop generation but that a maintainer should see.
const notes = [];
function note(message) {
  notes.push(message);
}

// ---------------------------------------------------------------------------
// Git access. Blobs are cached by object id: most files do not change
// between releases, so each distinct blob is read once.

class Repo {
  constructor(gitDir) {
    this.gitDir = gitDir;
    this.blobCache = new Map();
    this.treeCache = new Map();
  }

  git(args) {
    return execFileSync("git", ["--git-dir", this.gitDir, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
  }

  /** Map of path -> blob id for every file under `dir` at `ref`. */
  tree(ref, dir) {
    const key = `${ref}\0${dir}`;
    let tree = this.treeCache.get(key);
    if (!tree) {
      tree = new Map();
      for (const line of this.git(["ls-tree", "-r", "--full-tree", ref, "--", dir]).split("\n")) {
        const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(line);
        if (match) tree.set(match[2], match[1]);
      }
      this.treeCache.set(key, tree);
    }
    return tree;
  }

  /** Loads many blobs with one `git cat-file --batch` call. */
  loadBlobs(ids) {
    const missing = [...new Set(ids)].filter((id) => !this.blobCache.has(id)).sort();
    if (missing.length === 0) return;
    const out = execFileSync("git", ["--git-dir", this.gitDir, "cat-file", "--batch"], {
      input: missing.join("\n") + "\n",
      maxBuffer: 1 << 30,
    });
    let pos = 0;
    for (const id of missing) {
      const eol = out.indexOf(10, pos);
      const header = out.subarray(pos, eol).toString("latin1");
      const match = /^([0-9a-f]+) blob (\d+)$/.exec(header);
      if (!match || match[1] !== id) throw new Error(`git cat-file: unexpected header ${header}`);
      const size = Number(match[2]);
      // latin1 keeps every byte: a few old sources carry ISO-8859 comments.
      this.blobCache.set(id, out.subarray(eol + 1, eol + 1 + size).toString("latin1"));
      pos = eol + 1 + size + 1;
    }
  }

  /** Text of `file` at `ref`, or undefined when the release lacks it. */
  read(ref, file) {
    const tree = this.tree(ref, path.posix.dirname(file));
    const id = tree.get(file);
    if (!id) return undefined;
    this.loadBlobs([id]);
    return this.blobCache.get(id);
  }
}

// ---------------------------------------------------------------------------
// Releases: newest patch tag of every x.y line; the untagged newest line
// (a development snapshot) is read from the commit given with --ref.

function compareVersions(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function selectReleases(repo, headCommit) {
  const newestPatch = new Map();
  for (const tag of repo.git(["tag", "--list", "v*"]).split("\n")) {
    const match = /^v(\d+)\.(\d+)\.(\d+)$/.exec(tag.trim());
    if (!match) continue; // skips -RC, -smuggling-patch and the 2001 snapshots
    const line = `${match[1]}.${match[2]}`;
    if (compareVersions(line, FIRST_LINE) < 0) continue;
    const patch = Number(match[3]);
    const known = newestPatch.get(line);
    if (!known || known.patch < patch) newestPatch.set(line, { patch, ref: tag.trim() });
  }
  const releases = [...newestPatch.entries()].map(([line, { ref }]) => ({ line, ref }));

  const headVersion = /#define\s+MAIL_VERSION_NUMBER\s+"(\d+)\.(\d+)/.exec(
    repo.read(headCommit, `${SRC}/global/mail_version.h`) ?? "",
  );
  if (!headVersion) fail(`cannot read MAIL_VERSION_NUMBER at ${headCommit}`);
  const headLine = `${headVersion[1]}.${headVersion[2]}`;
  if (!newestPatch.has(headLine)) releases.push({ line: headLine, ref: headCommit });
  releases.sort((a, b) => compareVersions(a.line, b.line));
  return releases;
}

// ---------------------------------------------------------------------------
// Small C helpers. These are deliberately modest: they only need to handle
// the shapes that occur in the Postfix tables, and anything they cannot
// understand is reported through note() rather than guessed.

/** Removes comments, keeping string literals and line structure. */
function stripComments(text) {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const body = text.slice(i, end < 0 ? text.length : end + 2);
      out += body.replace(/[^\n]/g, " ");
      i = end < 0 ? text.length : end + 2;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Drops lines inside `#if 0` blocks (the only conditional we evaluate). */
function dropIfZero(text) {
  const out = [];
  const stack = []; // true = this level is disabled
  for (const line of text.split("\n")) {
    const directive = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
    if (directive) {
      const [, kind, rest] = directive;
      if (kind === "if" || kind === "ifdef" || kind === "ifndef") {
        const outer = stack.length > 0 && stack[stack.length - 1];
        stack.push(outer || (kind === "if" && /^\s*0\b(?!\s*\|\|)/.test(rest)));
      } else if (kind === "else" || kind === "elif") {
        // Only an `#if 0` level flips; other branches stay as they are.
        const outer = stack.length > 1 && stack[stack.length - 2];
        if (stack.length > 0 && stack[stack.length - 1] && !outer) stack[stack.length - 1] = false;
      } else {
        stack.pop();
      }
      continue;
    }
    if (!(stack.length > 0 && stack[stack.length - 1])) out.push(line);
  }
  return out.join("\n");
}

/** Splits a C initializer list on top-level commas. */
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      i = j;
    } else if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** Decodes the C string literals of `text` if it is only literals. */
function stringLiterals(text) {
  const values = [];
  const re = /\s*"((?:[^"\\]|\\.)*)"\s*/y;
  let match;
  while ((match = re.exec(text))) {
    values.push(match[1].replace(/\\(.)/g, "$1"));
    if (re.lastIndex === text.length) return values;
  }
  return text.trim() === "" ? values : undefined;
}

/**
 * Object-like `#define NAME value` macros of a set of files. Resolution
 * prefers the file that uses the macro, then headers, then other .c files,
 * the way the includes of a Postfix program are laid out.
 */
class Macros {
  constructor() {
    this.byName = new Map(); // name -> [{file, value}]
  }

  addFile(file, text) {
    const joined = stripComments(text).replace(/\\\n/g, " ");
    for (const match of joined.matchAll(
      /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*(.*)$/gm,
    )) {
      const list = this.byName.get(match[1]) ?? [];
      list.push({ file, value: match[2].trim() });
      this.byName.set(match[1], list);
    }
  }

  candidates(name, fromFile) {
    const list = this.byName.get(name) ?? [];
    const rank = (def) => (def.file === fromFile ? 0 : def.file.endsWith(".h") ? 1 : 2);
    return [...list].sort(
      (a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
    );
  }

  /** Resolves a string expression: literals and macros, concatenated. */
  string(expr, fromFile, depth = 0) {
    if (depth > 20) return undefined;
    let text = expr.trim();
    while (/^\(.*\)$/.test(text) && splitTopLevel(text.slice(1, -1)).length === 1)
      text = text.slice(1, -1).trim();
    let result = "";
    const token = /\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*))\s*/y;
    let match;
    let consumed = 0;
    while (consumed < text.length && ((token.lastIndex = consumed), (match = token.exec(text)))) {
      if (match[1] !== undefined) result += match[1].replace(/\\(.)/g, "$1");
      else {
        const value = this.stringMacro(match[2], fromFile, depth + 1);
        if (value === undefined) return undefined;
        result += value;
      }
      consumed = token.lastIndex;
    }
    return consumed === text.length && text.length > 0 ? result : undefined;
  }

  stringMacro(name, fromFile, depth = 0) {
    const values = new Set();
    let first;
    for (const def of this.candidates(name, fromFile)) {
      const value = this.string(def.value, def.file, depth);
      if (value === undefined) continue;
      if (first === undefined) first = value;
      values.add(value);
    }
    if (values.size > 1 && /^VAR_/.test(name)) {
      note(`macro ${name} has several definitions (${[...values].join(" | ")}); used "${first}"`);
    }
    return first;
  }
}

// ---------------------------------------------------------------------------
// One release: load the sources once.

class Release {
  constructor(repo, line, ref) {
    this.repo = repo;
    this.line = line;
    this.ref = ref;
    const tree = repo.tree(ref, SRC);
    // Every C file and header directly under src/<dir>/ (the glob that
    // postconf's Makefile hands to extract.awk is ../*/*.c).
    this.files = [...tree.keys()]
      .filter((f) => /^postfix\/src\/[^/]+\/[^/]+\.[ch]$/.test(f))
      .sort();
    repo.loadBlobs(this.files.map((f) => tree.get(f)));
    this.text = new Map(this.files.map((f) => [f, repo.blobCache.get(tree.get(f))]));
    this.macros = new Macros();
    for (const f of this.files) this.macros.addFile(f, this.text.get(f));
  }

  read(file) {
    return this.text.get(file) ?? this.repo.read(this.ref, file);
  }

  has(file) {
    return this.text.has(file) || this.repo.tree(this.ref, path.posix.dirname(file)).has(file);
  }
}

// ---------------------------------------------------------------------------
// Built-in parameter tables.

/**
 * Reads the table rules of this release's extract.awk: for every
 * CONFIG_<KIND>_TABLE it scans, the start/end line patterns and the test on
 * the first field of an entry line.
 */
function readExtractRules(release) {
  const awk = release.read(`${PCF}/extract.awk`);
  if (!awk) throw new Error(`${release.ref}: no extract.awk`);
  const rules = [];
  const re =
    /^\/(.+?CONFIG_(\w+?)_TABLE.*?)\/,\/(.+?)\/\s*\{\s*\n\s*if\s*\(\s*\$1\s*~\s*\/(.+?)\/\s*\)/gm;
  for (const match of awk.matchAll(re)) {
    rules.push({
      kind: match[2],
      start: new RegExp(match[1]),
      end: new RegExp(match[3]),
      firstField: new RegExp(match[4]),
    });
  }
  if (rules.length === 0) throw new Error(`${release.ref}: extract.awk has no table rules`);
  const makefile = release.read(`${PCF}/Makefile.in`) ?? "";
  const glob = /\$\(AWK\)\s+-f\s+extract\.awk\s+(\S+)/.exec(makefile);
  if (!glob || glob[1] !== "../*/*.c") {
    throw new Error(`${release.ref}: extract.awk input is ${glob?.[1]}, expected ../*/*.c`);
  }
  return rules;
}

/** Parses one table entry line: name, default expression, min, max. */
function parseEntry(line, file, macros) {
  let text = stripComments(line).trim();
  text = text
    .replace(/^\{/, "")
    .replace(/\}\s*,?\s*$/, "")
    .replace(/,\s*$/, "");
  const fields = splitTopLevel(text);
  const nameExpr = fields[0];
  if (!nameExpr || nameExpr === "0") return undefined;
  const name = macros.string(nameExpr, file);
  if (name === undefined) {
    note(`${file}: cannot resolve parameter name ${nameExpr}`);
    return undefined;
  }
  const literal = (s) => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined);
  return { name, defaultExpr: fields[1], min: literal(fields[3]), max: literal(fields[4]), file };
}

/**
 * Emulates extract.awk: awk range patterns over every src/<dir>/<file>.c,
 * keeping an entry line when its first blank-separated field passes the
 * rule's test. Like awk, a range may continue into the next file.
 */
function scanConfigTables(release, rules) {
  const byKind = new Map(rules.map((r) => [r.kind, []]));
  const active = new Map(rules.map((r) => [r.kind, false]));
  const cFiles = release.files.filter((f) => f.endsWith(".c"));
  for (const file of cFiles) {
    for (const line of release.text.get(file).split("\n")) {
      for (const rule of rules) {
        if (!active.get(rule.kind)) {
          if (!rule.start.test(line)) continue;
          active.set(rule.kind, true);
        }
        const firstField = line.trim().split(/[ \t]+/)[0];
        if (rule.firstField.test(firstField)) {
          const entry = parseEntry(line, file, release.macros);
          if (entry) byKind.get(rule.kind).push(entry);
        }
        if (rule.end.test(line)) active.set(rule.kind, false);
      }
    }
  }
  return byKind;
}

/** Emulates auto.awk (2.5-2.8): per-transport concurrency/limit names. */
function runAutoAwk(release) {
  const awk = release.read(`${PCF}/auto.awk`);
  const transports = /split\("([^"]*)",\s*transports\)/.exec(awk ?? "");
  const vars = [...(awk ?? "").matchAll(/vars\["(\w+)"\]\s*=\s*"(\w+)"/g)].map((m) => [m[1], m[2]]);
  const exclusion = /transports\[transport\]\s*!=\s*"(\w+)"\s*\|\|\s*\(([^)]*)\)/.exec(awk ?? "");
  if (!transports || vars.length === 0 || !exclusion) {
    throw new Error(`${release.ref}: auto.awk has an unexpected shape`);
  }
  const excludedVars = new Set([...exclusion[2].matchAll(/var\s*!=\s*"(\w+)"/g)].map((m) => m[1]));
  const lines = [];
  for (const [suffix, defaultParam] of vars) {
    for (const transport of transports[1].split(/\s+/).filter(Boolean)) {
      if (transport === exclusion[1] && excludedVars.has(suffix)) continue;
      lines.push(`"${transport}_${suffix}", "$${defaultParam}", 0, 0, 0,`);
    }
  }
  return lines.join("\n");
}

/**
 * Reads postconf's own table definitions (postconf.c before 2.9,
 * postconf_builtin.c after) and returns every registration: the
 * generated tables they #include, checked-in headers (install_table.h,
 * smtp_table.h, auto_table.h), explicit entries, the legacy table and the
 * single ad-hoc read-only entries.
 */
function collectRegistrations(release) {
  const rules = readExtractRules(release);
  const scanned = scanConfigTables(release, rules);
  const makefile = release.read(`${PCF}/Makefile.in`) ?? "";
  const registrations = [];
  const ownFiles = release.files.filter((f) => f.startsWith(`${PCF}/`) && f.endsWith(".c"));
  const header =
    /^[ \t]*(?:static[ \t]+)?(?:const[ \t]+)?CONFIG_(\w+?)_TABLE[ \t]+(\w+)[ \t]*(\[[^\]]*\])?[ \t]*=[ \t]*\{/gm;
  for (const file of ownFiles) {
    const text = release.text.get(file);
    for (const match of text.matchAll(header)) {
      const [, kind, tableName, isArray] = match;
      const bodyStart = match.index + match[0].length;
      const close = /\}\s*;/g;
      close.lastIndex = bodyStart;
      const closeMatch = close.exec(text);
      const body = text.slice(
        bodyStart - (isArray ? 0 : 1),
        closeMatch ? closeMatch.index + (isArray ? 0 : 1) : text.length,
      );
      const role = !isArray ? "adhoc" : /legacy/i.test(tableName) ? "legacy" : "builtin";
      const add = (entry, source) =>
        registrations.push({ ...entry, kind: source ?? kind, role, table: tableName });
      if (!isArray) {
        const entry = parseEntry(body, file, release.macros);
        if (entry) add(entry);
        continue;
      }
      for (const line of body.split("\n")) {
        const include = /^\s*#\s*include\s+"([^"]+)"/.exec(line);
        if (include) {
          const generated = /^(\w+)_table\.h$/.exec(include[1]);
          const generatedKind = generated?.[1].toUpperCase();
          if (generatedKind && scanned.has(generatedKind)) {
            for (const entry of scanned.get(generatedKind)) add(entry, generatedKind);
          } else if (release.has(`${PCF}/${include[1]}`)) {
            const headerFile = `${PCF}/${include[1]}`;
            for (const headerLine of release.read(headerFile).split("\n")) {
              const entry = parseEntry(headerLine, headerFile, release.macros);
              if (entry) add(entry);
            }
          } else if (include[1] === "auto_table.h" && /auto\.awk/.test(makefile)) {
            for (const autoLine of runAutoAwk(release).split("\n")) {
              const entry = parseEntry(autoLine, `${PCF}/auto.awk`, release.macros);
              if (entry) add(entry);
            }
          } else {
            throw new Error(`${release.ref}: ${file} includes unknown table ${include[1]}`);
          }
          continue;
        }
        const trimmed = stripComments(line).trim();
        if (/^\{?\s*(VAR_\w+|"[^"]*")\s*,/.test(trimmed)) {
          const entry = parseEntry(trimmed, file, release.macros);
          if (entry) add(entry);
        }
      }
    }
  }
  return registrations;
}

// ---------------------------------------------------------------------------
// Default values, evaluated just far enough to find a time unit.

/** The default as text: a string expression, or a literal number. */
function evaluateDefault(release, registration) {
  const expr = registration.defaultExpr;
  if (expr === undefined) return undefined;
  if (/^-?\d+$/.test(expr)) return expr;
  return release.macros.string(expr, registration.file);
}

/** Index just past the bracket that closes the one at `open`. */
function closingBracket(text, open) {
  const pairs = { "{": "}", "(": ")" };
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    else if (text[i] === pairs[text[open]] && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Expands $name, ${name}, $(name), ${name?text}, ${name:text} and
 * ${name?{text}:{text}} against built-in defaults (an unknown or empty
 * name counts as unset). Returns undefined for shapes it does not know.
 */
function expandDefault(value, defaults, depth = 0) {
  if (depth > 10) return undefined;
  const lookup = (name) => {
    const raw = defaults.get(name);
    return raw === undefined ? "" : expandDefault(raw, defaults, depth + 1);
  };
  const unbrace = (s) => (/^\{[\s\S]*\}$/.test(s.trim()) ? s.trim().slice(1, -1) : s);
  let out = "";
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== "$") {
      out += value[i];
      continue;
    }
    const next = value[i + 1];
    if (next === "{" || next === "(") {
      const end = closingBracket(value, i + 1);
      if (end < 0) return undefined;
      const inner = value.slice(i + 2, end - 1);
      const match = /^(\w+)(?:([?:])([\s\S]*))?$/.exec(inner);
      if (!match) return undefined;
      const [, name, op, rest] = match;
      const current = lookup(name);
      if (current === undefined) return undefined;
      let piece = current;
      if (op === "?" || op === ":") {
        // ${name?{a}:{b}} is the two-branch form.
        const twoBranch = /^(\{[\s\S]*\})\s*:\s*(\{[\s\S]*\})$/.exec(rest.trim());
        const whenSet = twoBranch ? unbrace(twoBranch[1]) : op === "?" ? unbrace(rest) : undefined;
        const whenUnset = twoBranch
          ? unbrace(twoBranch[2])
          : op === ":"
            ? unbrace(rest)
            : undefined;
        const chosen = current !== "" ? (whenSet ?? current) : (whenUnset ?? "");
        piece = expandDefault(chosen, defaults, depth + 1);
        if (piece === undefined) return undefined;
      }
      out += piece;
      i = end - 1;
    } else {
      const match = /^\w+/.exec(value.slice(i + 1));
      if (!match) {
        out += "$";
        continue;
      }
      const current = lookup(match[0]);
      if (current === undefined) return undefined;
      out += current;
      i += match[0].length;
    }
  }
  return out;
}

/** First letter of the expanded default: the rule of get_def_time_unit(). */
function timeUnit(name, defaults) {
  const value = defaults.get(name);
  const expanded = value === undefined ? undefined : expandDefault(value, defaults);
  return expanded === undefined ? undefined : /[A-Za-z]/.exec(expanded)?.[0];
}

// ---------------------------------------------------------------------------
// Default values as the code has them (what `postconf -d` prints).
//
// A small C preprocessor: it follows object- and function-like #define and
// #undef and evaluates #if/#ifdef/#ifndef/#elif/#else for one build, so a
// default chosen by a conditional (alias_maps with or without NIS, the curves
// OpenSSL provides, the directories of the platform block in sys_defs.h)
// takes the branch that build takes. A default that depends on a definition
// under such a conditional, or on the build settings themselves, is marked
// build-dependent.

/**
 * The build whose branches are taken: Linux with glibc, OpenSSL 3 and
 * Berkeley DB (HAS_DB and the "hash" type come from the Linux block of
 * sys_defs.h). makedefs passes LINUX2..LINUX6 by kernel release; every
 * release's sys_defs.h takes the same block for LINUX2.
 */
const BUILD_DEFINES = [
  "LINUX2 1",
  "__linux__ 1",
  "__GLIBC__ 2",
  "__GLIBC_MINOR__ 36",
  "__GLIBC_PREREQ(maj, min) ((__GLIBC__ << 16) + __GLIBC_MINOR__ >= ((maj) << 16) + (min))",
  "LINUX_VERSION_CODE 393472",
  "KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))",
  // glibc <paths.h> (sys_defs.h sets USE_PATHS_H on Linux) and <stdarg.h>.
  '_PATH_MAILDIR "/var/mail"',
  "va_start(ap, last) __builtin_va_start(ap, last)",
  "va_copy(dest, src) __builtin_va_copy(dest, src)",
  "USE_TLS 1",
  "OPENSSL_VERSION_NUMBER 0x30000000L",
  "OPENSSL_VERSION_MAJOR 3",
  "OPENSSL_VERSION_MINOR 0",
  "OPENSSL_VERSION_PREREQ(maj, min) ((OPENSSL_VERSION_MAJOR << 16) + OPENSSL_VERSION_MINOR >= ((maj) << 16) + (min))",
  // OpenSSL 3 object names that the default curve lists test for.
  'SN_X25519 "X25519"',
  "NID_X25519 1034",
  'SN_X448 "X448"',
  "NID_X448 1035",
  'SN_X9_62_prime256v1 "prime256v1"',
  "NID_X9_62_prime256v1 415",
  'SN_secp384r1 "secp384r1"',
  "NID_secp384r1 715",
  'SN_secp521r1 "secp521r1"',
  "NID_secp521r1 716",
  'SN_ffdhe2048 "ffdhe2048"',
  "NID_ffdhe2048 1126",
  'SN_ffdhe3072 "ffdhe3072"',
  "NID_ffdhe3072 1127",
];

const C_TOKEN =
  /\s*(?:([A-Za-z_]\w*)|(\.?\d(?:[eEpP][+-]|[\w.])*)|("(?:[^"\\\n]|\\.)*")|('(?:[^'\\\n]|\\.)*')|(<<|>>|<=|>=|==|!=|&&|\|\||##|\S))/y;

/** C tokens of `text`: {t: "id" | "num" | "str" | "chr" | "op", v}. */
function cTokens(text) {
  const tokens = [];
  C_TOKEN.lastIndex = 0;
  let match;
  while (C_TOKEN.lastIndex < text.length && (match = C_TOKEN.exec(text))) {
    if (match[1] !== undefined) tokens.push({ t: "id", v: match[1] });
    else if (match[2] !== undefined) tokens.push({ t: "num", v: match[2] });
    else if (match[3] !== undefined) tokens.push({ t: "str", v: match[3] });
    else if (match[4] !== undefined) tokens.push({ t: "chr", v: match[4] });
    else if (match[5] !== undefined) tokens.push({ t: "op", v: match[5] });
  }
  return tokens;
}

/** The bytes of a C string or character literal (quotes included in `literal`). */
function decodeCLiteral(literal) {
  const simple = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", 0: "\0" };
  return literal.slice(1, -1).replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (all, esc) => {
    if (/^x/.test(esc)) return String.fromCharCode(parseInt(esc.slice(1), 16));
    if (/^[0-7]+$/.test(esc)) return String.fromCharCode(parseInt(esc, 8));
    return simple[esc] ?? esc;
  });
}

/** Parses `NAME(params) body` or `NAME body` of a #define. */
function parseDefine(rest, file, conditional) {
  const match = /^([A-Za-z_]\w*)(\(([^)]*)\))?\s*([\s\S]*)$/.exec(rest.trim());
  if (!match) return undefined;
  const params = match[2] === undefined ? null : match[3].split(",").map((p) => p.trim());
  if (params && params.length === 1 && params[0] === "") params.length = 0;
  return { name: match[1], params, body: match[4].trim(), file, conditional };
}

class CppError extends Error {}

/**
 * Macro-expands `tokens`. `lookup(name, file)` returns the definition seen
 * from `file`; every definition used is added to `used`. In #if context the
 * operand of `defined` is left alone.
 */
function expandTokens(tokens, lookup, file, used, hide = new Set(), inIf = false, depth = 0) {
  if (depth > 50) throw new CppError("macro expansion too deep");
  const out = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.t !== "id") {
      out.push(token);
      continue;
    }
    if (inIf && token.v === "defined") {
      out.push(token);
      const paren = tokens[i + 1]?.v === "(";
      const count = paren ? 3 : 1;
      for (let k = 1; k <= count && i + 1 < tokens.length; k++) out.push(tokens[++i]);
      continue;
    }
    const def = hide.has(token.v) ? undefined : lookup(token.v, file);
    if (!def) {
      out.push(token);
      continue;
    }
    if (def.params === null) {
      used.add(def);
      const inner = new Set(hide).add(def.name);
      out.push(...expandTokens(cTokens(def.body), lookup, def.file, used, inner, inIf, depth + 1));
      continue;
    }
    if (tokens[i + 1]?.v !== "(") {
      out.push(token);
      continue;
    }
    // Collect the arguments of a function-like macro call.
    const args = [[]];
    let level = 0;
    let j = i + 2;
    for (; j < tokens.length; j++) {
      const v = tokens[j].t === "op" ? tokens[j].v : "";
      if (v === "(") level++;
      else if (v === ")" && level-- === 0) break;
      else if (v === "," && level === 0) {
        args.push([]);
        continue;
      }
      args[args.length - 1].push(tokens[j]);
    }
    if (j >= tokens.length) throw new CppError(`unterminated call of ${def.name}`);
    if (def.params.length === 0 && args.length === 1 && args[0].length === 0) args.length = 0;
    if (args.length !== def.params.length) throw new CppError(`${def.name}: wrong argument count`);
    used.add(def);
    const body = cTokens(def.body);
    if (body.some((b) => b.v === "#" || b.v === "##"))
      throw new CppError(`${def.name}: # and ## are not supported`);
    const expandedArgs = args.map((arg) =>
      expandTokens(arg, lookup, file, used, hide, inIf, depth + 1),
    );
    const substituted = body.flatMap((b) => {
      const index = b.t === "id" ? def.params.indexOf(b.v) : -1;
      return index < 0 ? [b] : expandedArgs[index];
    });
    const inner = new Set(hide).add(def.name);
    out.push(...expandTokens(substituted, lookup, def.file, used, inner, inIf, depth + 1));
    i = j;
  }
  return out;
}

/**
 * Evaluates a macro-expanded integer constant expression (C precedence,
 * BigInt arithmetic). Identifiers left over count as 0, as in #if;
 * `isDefined` answers `defined NAME`.
 */
function evaluateIntegerTokens(tokens, isDefined = () => false) {
  let pos = 0;
  const peek = () => tokens[pos]?.v;
  const expect = (v) => {
    if (tokens[pos]?.v !== v) throw new CppError(`expected ${v} at ${tokens[pos]?.v ?? "end"}`);
    pos++;
  };
  const binary = [
    ["||"],
    ["&&"],
    ["|"],
    ["^"],
    ["&"],
    ["==", "!="],
    ["<", ">", "<=", ">="],
    ["<<", ">>"],
    ["+", "-"],
    ["*", "/", "%"],
  ];
  const apply = (op, a, b) => {
    switch (op) {
      case "||":
        return a || b ? 1n : 0n;
      case "&&":
        return a && b ? 1n : 0n;
      case "|":
        return a | b;
      case "^":
        return a ^ b;
      case "&":
        return a & b;
      case "==":
        return a === b ? 1n : 0n;
      case "!=":
        return a !== b ? 1n : 0n;
      case "<":
        return a < b ? 1n : 0n;
      case ">":
        return a > b ? 1n : 0n;
      case "<=":
        return a <= b ? 1n : 0n;
      case ">=":
        return a >= b ? 1n : 0n;
      case "<<":
        return a << b;
      case ">>":
        return a >> b;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      default:
        if (b === 0n) throw new CppError("division by zero");
        return op === "/" ? a / b : a % b;
    }
  };
  const primary = () => {
    const token = tokens[pos++];
    if (!token) throw new CppError("unexpected end of expression");
    if (token.t === "num") {
      const text = token.v.replace(/[uUlL]+$/, "");
      if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^[1-9]\d*$|^0$/.test(text)) return BigInt(text);
      if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
      throw new CppError(`not an integer: ${token.v}`);
    }
    if (token.t === "chr") return BigInt(decodeCLiteral(token.v).charCodeAt(0) || 0);
    if (token.t === "id") {
      if (token.v !== "defined") return 0n;
      const paren = peek() === "(";
      if (paren) pos++;
      const name = tokens[pos++];
      if (name?.t !== "id") throw new CppError("defined needs a name");
      if (paren) expect(")");
      return isDefined(name.v) ? 1n : 0n;
    }
    if (token.v === "(") {
      const value = conditional();
      expect(")");
      return value;
    }
    if (token.v === "!") return primary() ? 0n : 1n;
    if (token.v === "~") return ~primary();
    if (token.v === "-") return -primary();
    if (token.v === "+") return primary();
    throw new CppError(`unexpected ${token.v}`);
  };
  const level = (n) => {
    if (n === binary.length) return primary();
    let left = level(n + 1);
    while (binary[n].includes(peek())) {
      const op = tokens[pos++].v;
      left = apply(op, left, level(n + 1));
    }
    return left;
  };
  const conditional = () => {
    const test = level(0);
    if (peek() !== "?") return test;
    pos++;
    const whenTrue = conditional();
    expect(":");
    const whenFalse = conditional();
    return test ? whenTrue : whenFalse;
  };
  const value = conditional();
  if (pos !== tokens.length) throw new CppError(`trailing ${tokens[pos].v}`);
  return value;
}

/**
 * Runs the directives of one file. Starts from `base` (a Map of
 * definitions) and, for names neither defines, asks `fallback`. Returns the
 * file's own definitions at its end (null for an #undef).
 */
function preprocessFile(file, text, base, fallback, releaseLine) {
  const own = new Map();
  const lookup = (name) => {
    if (own.has(name)) return own.get(name) ?? undefined;
    return base.get(name) ?? fallback(name);
  };
  const stack = []; // {parentActive, active, done, trivial}
  const active = () => stack.length === 0 || stack[stack.length - 1].active;
  const evalIf = (expr) => {
    const tokens = cTokens(expr);
    const trivial = !tokens.some((t) => t.t === "id");
    try {
      const expanded = expandTokens(tokens, (n) => lookup(n), file, new Set(), new Set(), true);
      const unknown = [];
      const isDefined = (name) => {
        const found = lookup(name) !== undefined;
        if (!found && /^(SN|LN|NID)_/.test(name)) unknown.push(name);
        return found;
      };
      return { value: evaluateIntegerTokens(expanded, isDefined) !== 0n, trivial, unknown };
    } catch (error) {
      if (!(error instanceof CppError)) throw error;
      note(`${releaseLine}: ${file}: cannot evaluate #if ${expr.trim()}: ${error.message}`);
      return { value: false, trivial, unknown: [] };
    }
  };
  // Line splicing comes before comments and tokens, inside literals too.
  const joined = stripComments(text.replace(/\\\r?\n/g, ""));
  for (const line of joined.split("\n")) {
    const directive = /^\s*#\s*(\w+)\s*([\s\S]*)$/.exec(line);
    if (!directive) continue;
    const [, kind, rest] = directive;
    const parentActive = active();
    switch (kind) {
      case "ifdef":
      case "ifndef": {
        const name = /^\w+/.exec(rest)?.[0] ?? "";
        const isDefined = lookup(name) !== undefined;
        const value = kind === "ifdef" ? isDefined : !isDefined;
        // An include guard does not make what it encloses conditional.
        const trivial = /INCLUDED/.test(name);
        stack.push({ parentActive, active: parentActive && value, done: value, trivial });
        break;
      }
      case "if": {
        const { value, trivial, unknown } = parentActive
          ? evalIf(rest)
          : { value: false, trivial: true, unknown: [] };
        stack.push({ parentActive, active: parentActive && value, done: value, trivial, unknown });
        break;
      }
      case "elif": {
        const frame = stack[stack.length - 1];
        if (!frame) break;
        if (frame.done || !frame.parentActive) frame.active = false;
        else {
          const { value, trivial, unknown } = evalIf(rest);
          frame.active = value;
          frame.done = value;
          frame.trivial = frame.trivial && trivial;
          frame.unknown = [...(frame.unknown ?? []), ...unknown];
        }
        break;
      }
      case "else": {
        const frame = stack[stack.length - 1];
        if (frame) frame.active = frame.parentActive && !frame.done;
        break;
      }
      case "endif":
        stack.pop();
        break;
      case "define":
        if (parentActive) {
          const conditional = stack.some((f) => !f.trivial);
          // OpenSSL object names that decide a definition must come from
          // BUILD_DEFINES, not count as absent by accident.
          for (const name of stack.flatMap((f) => f.unknown ?? []))
            note(`${releaseLine}: ${file}: OpenSSL name ${name} is not in BUILD_DEFINES`);
          const def = parseDefine(rest, file, conditional);
          if (def) own.set(def.name, def);
        }
        break;
      case "undef":
        if (parentActive) own.set(/^\w+/.exec(rest)?.[0] ?? "", null);
        break;
      case "error":
        if (parentActive) note(`${releaseLine}: ${file}: #error is reached in the chosen build`);
        break;
      default:
        break; // include, pragma, line, warning: nothing to do here
    }
  }
  return own;
}

/**
 * The definitions of one release as that build sees them: sys_defs.h first
 * (everything includes it first), then every header on top of it, then the
 * C files that hold parameter tables, which also see the headers.
 */
class BuildMacros {
  constructor(release) {
    this.release = release;
    this.build = new Map();
    for (const text of BUILD_DEFINES) {
      const def = parseDefine(text, "<build>", true);
      this.build.set(def.name, def);
    }
    const sysDefs = `${SRC}/util/sys_defs.h`;
    const none = () => undefined;
    const sys = preprocessFile(
      sysDefs,
      release.read(sysDefs) ?? "",
      this.build,
      none,
      release.line,
    );
    this.base = new Map(this.build);
    for (const [name, def] of sys) if (def) this.base.set(name, def);
    this.headerDefs = new Map(); // name -> [def] over all headers, by path
    this.fileDefs = new Map([[sysDefs, sys]]);
    for (const file of release.files) {
      if (!file.endsWith(".h") || file === sysDefs) continue;
      const own = preprocessFile(file, release.text.get(file), this.base, none, release.line);
      this.fileDefs.set(file, own);
    }
    for (const own of this.fileDefs.values()) {
      for (const [name, def] of own) {
        if (!def) continue;
        const list = this.headerDefs.get(name) ?? [];
        list.push(def);
        this.headerDefs.set(name, list);
      }
    }
    this.ambiguous = new Set();
  }

  /** Definitions of a C (or header) file, computed on first use. */
  defsOf(file) {
    let own = this.fileDefs.get(file);
    if (!own) {
      const text = this.release.text.get(file) ?? this.release.read(file) ?? "";
      own = preprocessFile(
        file,
        text,
        this.base,
        (n) => this.fromHeaders(n, file),
        this.release.line,
      );
      this.fileDefs.set(file, own);
    }
    return own;
  }

  /** A header's definition of `name`, preferring headers next to `file`. */
  fromHeaders(name, file) {
    const list = this.headerDefs.get(name);
    if (!list) return undefined;
    const dir = path.posix.dirname(file);
    const rank = (def) =>
      path.posix.dirname(def.file) === dir ? 0 : def.file.startsWith(`${SRC}/global/`) ? 1 : 2;
    const sorted = [...list].sort(
      (a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
    );
    const best = sorted.filter((d) => rank(d) === rank(sorted[0]));
    if (new Set(best.map((d) => d.body)).size > 1 && !this.ambiguous.has(name)) {
      this.ambiguous.add(name);
      note(
        `${this.release.line}: ${name} has several definitions (${best.map((d) => d.file).join(", ")}); used ${sorted[0].file}`,
      );
    }
    return sorted[0];
  }

  /** The definition of `name` seen from `file`. */
  lookup(name, file) {
    if (file.endsWith(".c") || file.endsWith(".h")) {
      const own = this.defsOf(file);
      if (own.has(name)) return own.get(name) ?? undefined;
    }
    if (file === "<build>") return this.build.get(name);
    return this.fromHeaders(name, file) ?? this.build.get(name);
  }

  /**
   * Evaluates a table's default field. kind: "string" (string literals,
   * concatenated) or "integer". Returns {value, buildDependent} or throws
   * CppError.
   */
  evaluate(expr, file, kind) {
    const used = new Set();
    const tokens = expandTokens(cTokens(expr), (n, f) => this.lookup(n, f), file, used);
    const buildDependent = [...used].some((d) => d.conditional);
    if (kind === "integer") {
      const value = evaluateIntegerTokens(tokens);
      return { value, buildDependent };
    }
    // Strip redundant parentheses around a string expression.
    let list = tokens;
    while (list.length >= 2 && list[0].v === "(" && list[list.length - 1].v === ")")
      list = list.slice(1, -1);
    if (list.length === 0 || list.some((t) => t.t !== "str"))
      throw new CppError(`not a string: ${list.map((t) => t.v).join(" ")}`);
    return { value: list.map((t) => decodeCLiteral(t.v)).join(""), buildDependent };
  }
}

/** Table kinds by how postconf prints their default. */
const STRING_KINDS = new Set(["STR", "RAW", "TIME", "NINT", "NBOOL"]);
const COMPUTED_KINDS = new Set(["STR_FN", "RAW_FN", "INT_FN", "BOOL_FN"]);

/**
 * What `postconf -d` prints for one registration, before $name expansion:
 * {value, buildDependent}, {computed: true}, or undefined when the field
 * cannot be evaluated (reported through note()).
 */
function codeDefault(release, buildMacros, reg) {
  if (COMPUTED_KINDS.has(reg.kind) || reg.role === "adhoc") return { computed: true };
  const expr = reg.defaultExpr;
  if (expr === undefined || expr === "") {
    note(`${release.line}: ${reg.name}: no default field`);
    return undefined;
  }
  try {
    if (STRING_KINDS.has(reg.kind)) return buildMacros.evaluate(expr, reg.file, "string");
    const { value, buildDependent } = buildMacros.evaluate(expr, reg.file, "integer");
    if (reg.kind === "BOOL") return { value: value !== 0n ? "yes" : "no", buildDependent };
    if (reg.kind === "INT" || reg.kind === "LONG") return { value: String(value), buildDependent };
    note(`${release.line}: ${reg.name}: unknown table kind ${reg.kind}`);
    return undefined;
  } catch (error) {
    if (!(error instanceof CppError)) throw error;
    note(`${release.line}: ${reg.name}: cannot evaluate default ${expr}: ${error.message}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Per-service names (postconf_service.c, 2.9+).

function readServiceRules(release) {
  const file = `${PCF}/postconf_service.c`;
  const raw = release.read(file);
  if (!raw) return [];
  const text = stripComments(raw);
  const macros = release.macros;
  const arrays = new Map(); // name -> [{suffix, defaultParam}]
  const aliases = new Map(); // alias -> {array, offset}
  for (const match of text.matchAll(
    /static\s+const\s+\w*STRING_NV\s+(\w+)\s*\[\s*\]\s*=\s*\{([\s\S]*?)\};/g,
  )) {
    const [, arrayName, body] = match;
    for (const alias of body.matchAll(/#\s*define\s+(\w+)\s+\(\s*(\w+)\s*\+\s*(\d+)\s*\)/g)) {
      aliases.set(alias[1], { array: alias[2], offset: Number(alias[3]) });
    }
    const tokens = splitTopLevel(body.replace(/^\s*#.*$/gm, "")).filter((t) => t && t !== "0");
    const pairs = [];
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const suffix = macros.string(tokens[i], file);
      const defaultParam = macros.string(tokens[i + 1], file);
      if (suffix === undefined || defaultParam === undefined) {
        note(`${release.ref}: service suffix ${tokens[i]} / ${tokens[i + 1]} unresolved`);
        continue;
      }
      pairs.push({ suffix, defaultParam });
    }
    arrays.set(arrayName, pairs);
  }
  // The default of a derived name: the format with which postconf prints
  // the parameter it defaults to ("$%s" -> "$default_recipient_limit").
  const converter = /\b(?:pcf_)?convert_service_parameter\s*\([^)]*\)\s*\{([\s\S]*?)\n\}/.exec(
    text,
  );
  const format = converter && /sprintf\s*\(\s*\w+\s*,\s*"((?:[^"\\]|\\.)*)"/.exec(converter[1]);
  if (!format || format[1].split("%s").length !== 2 || /%[^s]/.test(format[1].replace("%s", "")))
    throw new Error(`${release.ref}: cannot read the service parameter default format`);
  const defaultOf = (defaultParam) => format[1].replace("%s", defaultParam);
  const defs = /\w*SERVICE_DEF\s+service_defs\s*\[\s*\]\s*=\s*\{([\s\S]*?)\};/.exec(text);
  if (!defs) throw new Error(`${release.ref}: postconf_service.c has no service_defs`);
  const tokens = splitTopLevel(defs[1]).filter((t) => t && t !== "0");
  const rules = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const command = macros.string(tokens[i], file);
    const listName = tokens[i + 1];
    const alias = aliases.get(listName);
    const list = alias ? arrays.get(alias.array)?.slice(alias.offset) : arrays.get(listName);
    if (command === undefined || !list)
      throw new Error(`${release.ref}: service_defs entry ${tokens[i]}`);
    for (const { suffix, defaultParam } of list)
      rules.push({ command, suffix, defaultParam, defaultValue: defaultOf(defaultParam) });
  }
  return rules;
}

// ---------------------------------------------------------------------------
// Per-database names (postconf_dbms.c, 2.9+).

/** Our own take on extract_cfg.sh: names passed to cfg_get_{str,int,bool}(). */
function extractCfgNames(release, dictFile, flags) {
  const text = release.read(dictFile);
  if (!text) throw new Error(`${release.ref}: missing ${dictFile}`);
  // Same inputs as the release's script: macros defined in that file as a
  // single string literal, and the whole file text (comments included).
  const local = new Map();
  for (const m of text.matchAll(/^#define[ \t]*([A-Za-z0-9_]*)[ \t]*("[^"]*")/gm))
    local.set(m[1], m[2]);
  const names = new Set();
  for (const call of text.matchAll(/cfg_get_(?:str|int|bool)\(/g)) {
    let depth = 1;
    let i = call.index + call[0].length;
    const start = i;
    while (i < text.length && depth > 0) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
      i++;
    }
    const arg = splitTopLevel(text.slice(start, i - 1))[1]?.trim();
    const literal = arg && (local.get(arg) ?? arg);
    const value = literal && stringLiterals(literal);
    if (value && value.length === 1) names.add(value[0]);
    else note(`${release.ref}: ${dictFile}: cfg_get argument ${arg} is not a string`);
  }
  if (flags.includes("-d")) names.add("domain");
  if (flags.includes("-s"))
    for (const n of ["table", "select_field", "where_field", "additional_conditions"]) names.add(n);
  return [...names].sort();
}

function readDbmsRules(release) {
  const file = `${PCF}/postconf_dbms.c`;
  const raw = release.read(file);
  if (!raw) return { types: [], wrappers: [] };
  const text = stripComments(raw);
  const makefile = release.read(`${PCF}/Makefile.in`) ?? "";
  const suffixArrays = new Map();
  for (const match of text.matchAll(
    /static\s+const\s+char\s*\*\s*(\w+)\s*\[\s*\]\s*=\s*\{([\s\S]*?)\};/g,
  )) {
    const [, arrayName, body] = match;
    const include = /#\s*include\s+"([^"]+)"/.exec(body);
    if (include) {
      const rule = new RegExp(
        `^${include[1].replace(/\./g, "\\.")}:.*\\n\\t\\s*sh\\s+extract_cfg\\.sh\\s+((?:-\\w\\s+)*)(\\S+)`,
        "m",
      ).exec(makefile);
      if (!rule) throw new Error(`${release.ref}: no Makefile rule for ${include[1]}`);
      const dictFile = path.posix.normalize(`${PCF}/${rule[2]}`);
      suffixArrays.set(arrayName, extractCfgNames(release, dictFile, rule[1].trim().split(/\s+/)));
    } else {
      const values = stringLiterals(
        splitTopLevel(body)
          .filter((t) => t && t !== "0")
          .join(""),
      );
      if (!values) throw new Error(`${release.ref}: cannot read ${arrayName}`);
      suffixArrays.set(arrayName, [...values].sort());
    }
  }
  const info = /\w*dbms_info\s*\[\s*\]\s*=\s*\{([\s\S]*?)\};/.exec(text);
  if (!info) throw new Error(`${release.ref}: postconf_dbms.c has no dbms_info table`);
  const types = [];
  for (const token of splitTopLevel(info[1].replace(/[{}]/g, ",")).filter((t) => t && t !== "0")) {
    if (/^DICT_TYPE_/.test(token)) {
      const type = release.macros.string(token, file);
      if (!type) throw new Error(`${release.ref}: cannot resolve ${token}`);
      types.push({ type, dbClass: "client", suffixes: [] });
    } else if (/^PCF_DBMS_CLASS_/.test(token)) {
      types[types.length - 1].dbClass = token.replace(/^PCF_DBMS_CLASS_/, "").toLowerCase();
    } else {
      const suffixes = suffixArrays.get(token);
      if (!suffixes) throw new Error(`${release.ref}: unknown suffix list ${token}`);
      types[types.length - 1].suffixes = suffixes;
    }
  }
  // Wrapper map types that are looked through ("proxy:ldap:name").
  const wrappers = new Set();
  for (const m of text.matchAll(/strcmp\(\s*db_type\s*,\s*(DICT_TYPE_\w+)\s*\)\s*==\s*0/g)) {
    const type = release.macros.string(m[1], file);
    if (type && !types.some((t) => t.type === type)) wrappers.add(type);
  }
  return { types, wrappers: [...wrappers].sort() };
}

// ---------------------------------------------------------------------------
// Names the daemons use outside postconf's tables.

const CONF_READ_CALL =
  /\b(?:mail_conf_lookup(?:_eval)?|get_mail_conf_\w+)\s*\(\s*(VAR_\w+|"[a-z0-9_]+")\s*[,)]/g;
const CONF_SET_CALL = /\bset_mail_conf_\w+\s*\(\s*(VAR_\w+|"[a-z0-9_]+")\s*,/g;

/**
 * Names that this release's C code reads one at a time (mail_conf_lookup(),
 * get_mail_conf_*() outside a table) and names it assigns at run time
 * (set_mail_conf_*(): process_name, process_id, service_name). Before 2.9
 * postconf did not list debugger_command, although every daemon read it.
 */
function scanCodeNames(release) {
  const read = new Set();
  const set = new Set();
  for (const file of release.files) {
    if (!file.endsWith(".c")) continue;
    const text = stripComments(release.text.get(file));
    for (const [pattern, names] of [
      [CONF_READ_CALL, read],
      [CONF_SET_CALL, set],
    ]) {
      for (const match of text.matchAll(pattern)) {
        const name = release.macros.string(match[1], file);
        if (name && /^[a-z0-9_]+$/.test(name)) names.add(name);
        else note(`${release.line}: ${file}: cannot resolve parameter name ${match[1]}`);
      }
    }
  }
  return { read, set };
}

/**
 * Which postconf warnings this release has: "unused" (a main.cf or master.cf
 * name that nothing uses) and "undefined" (a $name that is set nowhere).
 * Found by the warning text in postconf's own sources.
 */
function postconfWarnings(release) {
  const warnings = new Set();
  for (const file of release.files) {
    if (!file.startsWith(`${PCF}/`) || !file.endsWith(".c")) continue;
    const text = release.text.get(file);
    if (/msg_warn\s*\(\s*"[^"]*: unused parameter: /.test(text)) warnings.add("unused");
    if (/msg_warn\s*\(\s*"[^"]*: undefined parameter: /.test(text)) warnings.add("undefined");
  }
  return warnings;
}

// ---------------------------------------------------------------------------
// Deprecation table (postconf_unused.c, 3.9+).

function readDeprecations(release) {
  const raw = release.read(`${PCF}/postconf_unused.c`);
  if (!raw) return new Map();
  const table = /_depr_param_info\s*\[\s*\]\s*=\s*\{([\s\S]*?)\n\s*\};/.exec(
    dropIfZero(stripComments(raw)),
  );
  if (!table) return new Map();
  const strings = [...table[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1].replace(/\\(.)/g, "$1"),
  );
  const result = new Map();
  for (let i = 0; i + 1 < strings.length; i += 2) result.set(strings[i], strings[i + 1]);
  return result;
}

/** Turns the advice text into facts: a replacement parameter, or "remove". */
function classifyAdvice(advice, knownNames) {
  const quoted = /^specify\s+"([a-z0-9_]+)"$/.exec(advice);
  const bare = /^([a-z0-9_]+)$/.exec(advice);
  const candidate = quoted?.[1] ?? bare?.[1];
  if (candidate && knownNames.has(candidate)) return { replacement: candidate };
  if (/^do not specify/.test(advice)) return { advice: "remove" };
  note(`deprecation advice not understood: ${advice}`);
  return { advice: "other" };
}

// ---------------------------------------------------------------------------
// postconf.proto (at --ref): documented names, default text, "available in".

function decodeEntities(text) {
  const map = {
    lt: "<",
    gt: ">",
    amp: "&",
    quot: '"',
    ge: "\u2265",
    le: "\u2264",
    ne: "\u2260",
    nbsp: " ",
  };
  return text.replace(/&(\w+);/g, (all, name) => map[name] ?? all);
}

function readProto(repo, ref) {
  const text = repo.read(ref, "postfix/proto/postconf.proto");
  if (!text) throw new Error(`${ref}: no postconf.proto`);
  const docs = new Map();
  const blocks = text.split(/^%PARAM[ \t]+/m).slice(1);
  for (const block of blocks) {
    const newline = block.indexOf("\n");
    const head = block.slice(0, newline < 0 ? block.length : newline).trim();
    const name = head.split(/\s+/)[0];
    const defaultText = decodeEntities(head.slice(name.length).trim());
    // Stop at the next %CLASS or other directive.
    const body = block
      .slice(newline + 1)
      .split(/^%/m)[0]
      .replace(/\s+/g, " ");
    const sentence = /This feature is available in Postfix (\d+\.\d+(?:\.\d+)?) and later/gi;
    const all = [...body.matchAll(sentence)].map((m) => m[1]);
    const paragraph =
      /<p>\s*This feature is available in Postfix (\d+\.\d+(?:\.\d+)?) and later\.?\s*(?:<\/p>|<p>|$)/i.exec(
        body,
      );
    // A stand-alone paragraph speaks for the whole parameter; a single
    // sentence elsewhere usually does too. Several different versions (the
    // restriction lists) describe individual features, so none is recorded.
    let availableSince = paragraph?.[1];
    if (!availableSince && new Set(all).size === 1) availableSince = all[0];
    docs.set(name, { defaultText, availableSince });
  }
  return docs;
}

// ---------------------------------------------------------------------------
// Version ranges.

/** since/until for a set of release lines; "absent" lists holes. */
function versionRange(present, lines) {
  const indexes = lines.map((line, i) => (present.has(line) ? i : -1)).filter((i) => i >= 0);
  if (indexes.length === 0) return undefined;
  const first = indexes[0];
  const last = indexes[indexes.length - 1];
  const range = { since: lines[first] };
  if (last !== lines.length - 1) range.until = lines[last];
  const absent = lines.slice(first, last + 1).filter((line) => !present.has(line));
  if (absent.length) range.absent = absent;
  return range;
}

// ---------------------------------------------------------------------------
// Main.

function main() {
  const options = parseArgs(process.argv.slice(2));
  const gitDir = existsSync(path.join(options.repo, ".git"))
    ? path.join(options.repo, ".git")
    : options.repo;
  const repo = new Repo(gitDir);
  const headCommit = repo.git(["rev-parse", "--verify", `${options.ref}^{commit}`]).trim();
  const releases = selectReleases(repo, headCommit);
  const lines = releases.map((r) => r.line);

  const builtinIn = new Map(); // name -> Set(lines)
  const legacyIn = new Map();
  const readOnly = new Set();
  const facts = new Map(); // name -> newest registration facts
  const typeByLine = new Map(); // name -> Map(line -> kind)
  const serviceByLine = new Map(); // key -> Set(lines)
  const dbmsTypeByLine = new Map(); // type -> {class, lines:Set}
  const dbmsSuffixByLine = new Map(); // type\0suffix -> Set(lines)
  const dbmsWrapperByLine = new Map();
  const deprByLine = new Map(); // name -> Set(lines)
  const readIn = new Map(); // name -> Set(lines): read by the code, not listed by postconf
  const runtimeIn = new Map(); // name -> Set(lines): assigned by the daemons at run time
  const warningsSince = {}; // postconf warning -> first release line that has it
  const codeByLine = new Map(); // name -> Map(line -> {value?, computed?, buildDependent?})
  let newestDepr = new Map();
  const counts = {};

  const addTo = (map, key, line) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(line);
  };

  for (const { line, ref } of releases) {
    const release = new Release(repo, line, ref);
    const registrations = collectRegistrations(release);

    // Defaults of this release, for the $name expansion in time units.
    const defaults = new Map();
    for (const reg of registrations) {
      if (defaults.has(reg.name)) continue;
      const value = evaluateDefault(release, reg);
      if (value !== undefined) defaults.set(reg.name, value);
    }

    const buildMacros = new BuildMacros(release);
    const seenKinds = new Map();
    for (const reg of registrations) {
      if (reg.role === "legacy") {
        addTo(legacyIn, reg.name, line);
        continue;
      }
      recordCodeDefault(codeByLine, line, reg, codeDefault(release, buildMacros, reg));
      addTo(builtinIn, reg.name, line);
      if (reg.role === "adhoc") readOnly.add(reg.name);
      const kind = reg.kind.toLowerCase();
      const previous = seenKinds.get(reg.name);
      if (previous && previous !== kind) {
        note(`${line}: ${reg.name} registered as ${previous} and ${kind}; kept ${previous}`);
        continue;
      }
      if (previous) continue;
      seenKinds.set(reg.name, kind);
      if (!typeByLine.has(reg.name)) typeByLine.set(reg.name, new Map());
      typeByLine.get(reg.name).set(line, kind);
      const fact = { type: kind };
      if (kind === "time") {
        const unit = timeUnit(reg.name, defaults);
        if (unit) fact.unit = unit;
        else note(`${line}: no time unit for ${reg.name}`);
      }
      const numeric = !["str", "raw", "str_fn"].includes(kind);
      if (reg.min) fact[numeric ? "min" : "minLength"] = reg.min;
      if (reg.max) fact[numeric ? "max" : "maxLength"] = reg.max;
      facts.set(reg.name, fact); // later releases overwrite: newest wins
    }
    // A name present in both classes counts as built-in.
    for (const [name, set] of legacyIn)
      if (set.has(line) && builtinIn.get(name)?.has(line)) set.delete(line);

    counts[line] = [...builtinIn.values()].filter((s) => s.has(line)).length;

    for (const rule of readServiceRules(release)) {
      const key = [rule.suffix, rule.defaultParam, rule.command, rule.defaultValue].join("\0");
      addTo(serviceByLine, key, line);
    }

    const dbms = readDbmsRules(release);
    for (const { type, dbClass, suffixes } of dbms.types) {
      const entry = dbmsTypeByLine.get(type) ?? { classes: new Map(), lines: new Set() };
      entry.lines.add(line);
      entry.classes.set(line, dbClass);
      dbmsTypeByLine.set(type, entry);
      for (const suffix of suffixes) addTo(dbmsSuffixByLine, `${type}\0${suffix}`, line);
    }
    for (const wrapper of dbms.wrappers) addTo(dbmsWrapperByLine, wrapper, line);

    // Names the code reads or sets outside the tables count from the release
    // that first uses them, unless postconf already lists them there.
    const codeNames = scanCodeNames(release);
    const listed = (name) => builtinIn.get(name)?.has(line) || legacyIn.get(name)?.has(line);
    for (const name of codeNames.read) if (!listed(name)) addTo(readIn, name, line);
    for (const name of codeNames.set) {
      if (!builtinIn.get(name)?.has(line) || readOnly.has(name)) addTo(runtimeIn, name, line);
    }
    for (const warning of postconfWarnings(release)) warningsSince[warning] ??= line;

    const depr = readDeprecations(release);
    for (const name of depr.keys()) addTo(deprByLine, name, line);
    if (depr.size) newestDepr = depr;

    console.error(
      `${line.padEnd(5)} ${ref.padEnd(9)} ${String(counts[line]).padStart(4)} built-in names`,
    );
  }

  const newest = lines[lines.length - 1];
  const docs = readProto(repo, headCommit);
  const everKnown = new Set([
    ...builtinIn.keys(),
    ...legacyIn.keys(),
    ...readIn.keys(),
    ...runtimeIn.keys(),
  ]);

  const names = new Set([...everKnown, ...docs.keys()]);
  for (const name of deprByLine.keys()) {
    if (everKnown.has(name) || docs.has(name)) names.add(name);
    else note(`deprecation table name ${name} was never a parameter; skipped`);
  }

  // Suffixes that the newest postconf derives from master.cf services: a
  // name "<service><suffix>" that stopped being built-in (the 2.0-2.8
  // per-transport names) is still valid when master.cf has that service.
  const newestSuffixes = [...serviceByLine.entries()]
    .filter(([, set]) => set.has(lines[lines.length - 1]))
    .map(([key]) => key.split("\0")[0]);
  const perServiceSuffix = (name) =>
    newestSuffixes.find((s) => name.endsWith(s) && name.length > s.length);

  const parameters = {};
  for (const name of [...names].sort()) {
    const p = {};
    const builtin = builtinIn.get(name) && versionRange(builtinIn.get(name), lines);
    if (builtin) Object.assign(p, builtin);
    const legacy = legacyIn.get(name) && versionRange(legacyIn.get(name), lines);
    if (legacy) p.legacy = legacy;
    const fact = facts.get(name);
    if (fact) Object.assign(p, fact);
    const types = typeByLine.get(name);
    if (types && new Set(types.values()).size > 1) {
      // Record where the registered kind changed, oldest first.
      const changes = [];
      let previous;
      for (const line of lines) {
        const kind = types.get(line);
        if (kind && kind !== previous) changes.push([line, kind]);
        if (kind) previous = kind;
      }
      p.typeHistory = changes;
    }
    const readByCode = readIn.get(name) && versionRange(readIn.get(name), lines);
    if (readByCode) p.readByCode = readByCode;
    const setAtRunTime = runtimeIn.get(name) && versionRange(runtimeIn.get(name), lines);
    if (setAtRunTime) p.setAtRunTime = setAtRunTime;
    if (readOnly.has(name) || setAtRunTime) p.readOnly = true;
    const knownNow = [builtinIn, legacyIn, readIn, runtimeIn].some((map) =>
      map.get(name)?.has(newest),
    );
    const deprecated = newestDepr.get(name);
    if (deprecated !== undefined) {
      p.status = knownNow ? "deprecated" : "removed";
      p.warnsSince = versionRange(deprByLine.get(name), lines).since;
      Object.assign(p, classifyAdvice(deprecated, everKnown));
    } else if (everKnown.has(name)) {
      if (!knownNow && perServiceSuffix(name)) p.perService = true;
      p.status = knownNow || p.perService ? "current" : "removed";
    } else {
      // Documented only. "transport_<suffix>" documents the per-service
      // name pattern; it is not a name postconf accepts by itself.
      if (
        name.startsWith("transport_") &&
        perServiceSuffix(name) === name.slice("transport".length)
      ) {
        p.template = true;
      }
      p.status = "current";
    }
    Object.assign(p, compressCodeDefaults(codeByLine.get(name), builtinIn.get(name), lines));
    const doc = docs.get(name);
    p.documented = Boolean(doc);
    if (doc) {
      p.default = doc.defaultText;
      if (doc.availableSince) p.documentedSince = doc.availableSince;
    }
    parameters[name] = p;
  }

  // Service suffixes grouped by (suffix, default) and identical version sets.
  const serviceGroups = new Map();
  for (const [key, set] of serviceByLine) {
    const [suffix, defaultParam, command, defaultValue] = key.split("\0");
    const range = versionRange(set, lines);
    const groupKey = `${suffix}\0${defaultParam}\0${defaultValue}\0${JSON.stringify(range)}`;
    const group = serviceGroups.get(groupKey) ?? {
      suffix,
      defaultParam,
      default: defaultValue,
      commands: [],
      ...range,
    };
    group.commands.push(command);
    serviceGroups.set(groupKey, group);
  }
  const serviceSuffixes = [...serviceGroups.values()]
    .map((g) => ({ ...g, commands: g.commands.sort() }))
    .sort((a, b) =>
      a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : compareVersions(a.since, b.since),
    );

  const dbmsTypes = {};
  for (const type of [...dbmsTypeByLine.keys()].sort()) {
    const entry = dbmsTypeByLine.get(type);
    const classes = [...new Set(entry.classes.values())];
    if (classes.length > 1) note(`dbms type ${type} changed class: ${classes.join(", ")}`);
    const suffixes = {};
    for (const key of [...dbmsSuffixByLine.keys()].sort()) {
      const [t, suffix] = key.split("\0");
      if (t === type) suffixes[suffix] = versionRange(dbmsSuffixByLine.get(key), lines);
    }
    dbmsTypes[type] = {
      class: entry.classes.get(newest) ?? classes[0],
      ...versionRange(entry.lines, lines),
      suffixes,
    };
  }
  const dbmsWrappers = {};
  for (const wrapper of [...dbmsWrapperByLine.keys()].sort()) {
    dbmsWrappers[wrapper] = versionRange(dbmsWrapperByLine.get(wrapper), lines);
  }

  const serviceLines = [...new Set([...serviceByLine.values()].flatMap((s) => [...s]))];
  const dbmsLines = [...new Set([...dbmsTypeByLine.values()].flatMap((e) => [...e.lines]))];
  const output = {
    "//": `generated — do not edit; run node scripts/generate-parameters.mjs (source: vdukhovni/postfix ${headCommit})`,
    source: {
      repository: "vdukhovni/postfix",
      commit: headCommit,
      releases: Object.fromEntries(releases.map((r) => [r.line, r.ref])),
    },
    versions: lines,
    builtinCounts: counts,
    postconfWarnings: warningsSince,
    parameters,
    services: {
      since: serviceLines.sort(compareVersions)[0],
      suffixes: serviceSuffixes,
    },
    dbms: {
      since: dbmsLines.sort(compareVersions)[0],
      types: dbmsTypes,
      wrappers: dbmsWrappers,
    },
  };

  const json = formatJson(output);
  const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", OUTPUT);
  for (const message of [...new Set(notes)].sort()) console.error(`note: ${message}`);
  if (options.check) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (current !== json) {
      console.error(`${OUTPUT} is stale; run node scripts/generate-parameters.mjs`);
      process.exit(1);
    }
    console.error(`${OUTPUT} is up to date`);
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, json);
  console.error(`wrote ${OUTPUT}: ${Object.keys(parameters).length} names`);
}

/**
 * Keeps the code default of the first registration of a name in a release;
 * later ones with another value (postconf -d would print both) are noted.
 */
function recordCodeDefault(codeByLine, line, reg, result) {
  let byLine = codeByLine.get(reg.name);
  if (!byLine) codeByLine.set(reg.name, (byLine = new Map()));
  const known = byLine.get(line);
  const current = result ?? { unknown: true };
  if (!known) {
    byLine.set(line, current);
  } else if (
    known.value !== current.value ||
    Boolean(known.computed) !== Boolean(current.computed)
  ) {
    note(
      `${line}: ${reg.name} has two defaults (${known.value} | ${current.value}); kept the first`,
    );
  }
}

/**
 * codeDefault: [[line, value], ...] with an entry only where the value
 * changes between the release lines that have the name built in (null:
 * computed or not evaluated there); defaultComputed / buildDependent when
 * that holds in any of them.
 */
function compressCodeDefaults(byLine, builtinLines, lines) {
  const out = {};
  if (!byLine || !builtinLines) return out;
  const changes = [];
  let previous;
  for (const line of lines) {
    if (!builtinLines.has(line)) continue;
    const entry = byLine.get(line);
    if (!entry) continue;
    const value = entry.value ?? null;
    if (changes.length === 0 || value !== previous) changes.push([line, value]);
    previous = value;
    if (entry.computed) out.defaultComputed = true;
    if (entry.buildDependent) out.buildDependent = true;
  }
  if (changes.some(([, value]) => value !== null)) out.codeDefault = changes;
  return out;
}

/** JSON with one line per parameter / suffix / type, for reviewable diffs. */
function formatJson(output) {
  const one = (value) => JSON.stringify(value);
  const objectLines = (obj, indent) =>
    Object.entries(obj)
      .map(([k, v]) => `${indent}${one(k)}: ${one(v)}`)
      .join(",\n");
  const parts = [];
  parts.push(`  "//": ${one(output["//"])}`);
  parts.push(`  "source": ${one(output.source)}`);
  parts.push(`  "versions": ${one(output.versions)}`);
  parts.push(`  "builtinCounts": ${one(output.builtinCounts)}`);
  parts.push(`  "postconfWarnings": ${one(output.postconfWarnings)}`);
  parts.push(`  "parameters": {\n${objectLines(output.parameters, "    ")}\n  }`);
  parts.push(
    `  "services": {\n    "since": ${one(output.services.since)},\n    "suffixes": [\n` +
      output.services.suffixes.map((s) => `      ${one(s)}`).join(",\n") +
      `\n    ]\n  }`,
  );
  parts.push(
    `  "dbms": {\n    "since": ${one(output.dbms.since)},\n    "types": {\n${objectLines(output.dbms.types, "      ")}\n    },\n` +
      `    "wrappers": ${one(output.dbms.wrappers)}\n  }`,
  );
  const text = `{\n${parts.join(",\n")}\n}\n`;
  JSON.parse(text); // guard against formatting mistakes
  return text;
}

main();
