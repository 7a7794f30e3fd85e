// Differential test of our diagnostics against the real postconf 3.7 (Debian 12):
// every `postconf: warning:` and `postconf: fatal:` line that `postconf -n` or
// `postconf -P` prints for a fixture or generated case must have a diagnostic of
// the matching rule family in our validation of the same pair (version 3.7, each
// file validated with the other as its sibling), at the place postconf names:
// the line it gives, else the setting of the name it gives, else an entry that
// contains the text it quotes.
//
// A message we do not match may be explained by one of the EXCEPTIONS below:
// postconf quirks and host-dependent texts, each with its reason. The summary
// printed at the end counts every kind.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";
import {
  type ConfigKind,
  type ParsedConfig,
  isEntry,
  parseConfig,
} from "../../server/src/service/parser/document";
import { parseExpansion } from "../../server/src/service/parser/expansion";
import type { MainEntry } from "../../server/src/service/parser/mainCf";
import type { MasterEntry } from "../../server/src/service/parser/masterCf";
import { postconfArgv } from "../../server/src/service/postconfEmulation";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";
import { generateCases } from "./generate";
import {
  ORACLE_VERSION,
  type OracleCase,
  POSTCONF,
  type PostconfRun,
  loadFixtureCases,
  mapLimit,
  runPostconf,
  writeCase,
} from "./harness";

const HAVE_POSTCONF = existsSync(POSTCONF);
const NO_POSTCONF =
  "postconf-warnings needs the real postconf at /usr/sbin/postconf (Debian package postfix 3.7)";
const SKIPPED = HAVE_POSTCONF ? "" : ` [skipped: ${NO_POSTCONF}]`;

/**
 * postconf calls in flight. A successful run is ~20 ms of start-up, and a fatal
 * one sleeps a second in msg_fatal(), so more processes than CPUs keep it fast.
 */
const CONCURRENCY = 48;
const CHUNK = 100;

const fixtures = loadFixtureCases();
const generated = generateCases();
const fixtureNames = new Set(fixtures.map((oracleCase) => oracleCase.name));

// ---------------------------------------------------------------------------
// What postconf says, classified

/** Where a postconf message points. */
type Locator =
  /** A line number postconf gives: the diagnostic starts on that line. */
  | { line: number }
  /** A parameter name: the diagnostic is on the setting of that name. */
  | { name: string }
  /** A name postconf says is undefined: the diagnostic's message quotes it. */
  | { quotedName: string }
  /**
   * Text postconf quotes: each piece occurs in the printable text of the entry
   * the diagnostic is on. `orMessage` also accepts a diagnostic whose message
   * quotes the text (text postconf took from an expanded value); `orLoop` an
   * expansion-loop diagnostic naming a loop member whose setting has the text.
   */
  | { pieces: string[]; orMessage?: boolean; orLoop?: boolean }
  /** A master.cf name space (service/type): the diagnostic is on such an entry. */
  | { service: string; type: string }
  /** A master.cf field error: the field's text, and the whole entry. */
  | { field: string; entry: string };

interface Expectation {
  /** The message kind, for counting (postconf's wording with the details left out). */
  kind: string;
  /** Rule ids that report this kind. */
  rules: string[];
  /** The file the diagnostic must be in; undefined: either file. */
  file?: ConfigKind;
  where: Locator;
}

/** A fatal that only sums up the warning before it. */
interface Consequence {
  kind: string;
  consequence: true;
}

type Classified = Expectation | Consequence;

interface CaseView {
  oracleCase: OracleCase;
  dir: string;
  main: ParsedConfig;
  master: ParsedConfig;
}

/** The macro syntax warnings of mac_expand() (3.7 wording), by their fixed start. */
const MACRO_SYNTAX = [
  "empty macro name",
  "truncated macro reference",
  "attribute name syntax error at",
  '"==" or "!="" or "<"" or "<="" or ">="" or ">" expected at',
  "unbalanced {} in attribute expression",
  '"?" or ":" expected at',
  '":" expected at',
  "unexpected input at",
  '"{expression}" expected at',
  "bad operator suffix at",
];

/** Classifies the text of one message (prefix removed, the case directory as DIR). */
function classify(text: string, fatal: boolean): Classified | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^DIR\/main\.cf, line (\d+): overriding earlier entry: /.exec(text))) {
    return expect_("overriding earlier entry", ["duplicate-parameter"], "main", { line: +m[1] });
  }
  if ((m = /^DIR\/(main|master)\.cf: unused parameter: ([^=]*)=/.exec(text))) {
    // A name an earlier release had is reported as removed, with its release.
    return expect_(
      `unused parameter (${m[1]}.cf)`,
      ["unknown-parameter", "removed-parameter"],
      kindOf(m[1]),
      {
        name: m[2],
      },
    );
  }
  if ((m = /^DIR\/(main|master)\.cf: undefined parameter: (.*)$/.exec(text))) {
    return expect_(`undefined parameter (${m[1]}.cf)`, ["undefined-reference"], kindOf(m[1]), {
      quotedName: m[2],
    });
  }
  if ((m = /^DIR\/(main|master)\.cf: read-only parameter assignment: ([^=]*)=/.exec(text))) {
    return expect_("read-only parameter assignment", ["read-only-parameter"], kindOf(m[1]), {
      name: m[2],
    });
  }
  if (
    (m = /^DIR\/(main|master)\.cf: logical line must not start with whitespace: "(.*)"$/.exec(text))
  ) {
    const shown = m[2].endsWith("...") && m[2].length > 30 ? m[2].slice(0, 30) : m[2];
    return expect_(
      "logical line must not start with whitespace",
      ["leading-whitespace"],
      kindOf(m[1]),
      {
        pieces: [shown],
      },
    );
  }
  if ((m = /^DIR\/main\.cf, line (\d+): missing '=' after attribute name: /.exec(text))) {
    return expect_("missing '=' after attribute name (main.cf)", ["missing-equals"], "main", {
      line: +m[1],
    });
  }
  if ((m = /^DIR\/main\.cf, line (\d+): missing attribute name: /.exec(text))) {
    return expect_("missing attribute name (main.cf)", ["missing-name"], "main", { line: +m[1] });
  }
  if ((m = /^file DIR\/master\.cf: line (\d+): bad field count$/.exec(text))) {
    return expect_("bad field count", ["master-field-count"], "master", { line: +m[1] });
  }
  if ((m = /^invalid (\S+) field "(.*)" in "(.*)"$/.exec(text))) {
    return expect_(`invalid ${m[1]} field`, ["master-field-value"], "master", {
      field: m[2],
      entry: m[3],
    });
  }
  if ((m = /^master\.cf: (missing '}'|syntax error after '}') in "(.*)"$/.exec(text))) {
    return expect_(`master.cf argument: ${m[1]}`, ["master-brace"], "master", { pieces: [m[2]] });
  }
  if (
    (m = /^master\.cf:(.+)\/([a-z-]+): (missing '}'|syntax error after '}') in "(.*)"$/.exec(text))
  ) {
    return expect_(`-o value: ${m[3]}`, ["value-brace"], "master", { service: m[1], type: m[2] });
  }
  if ((m = /^main\.cf: (missing '}'|syntax error after '}') in "(.*)"$/.exec(text))) {
    return expect_(`main.cf value: ${m[1]}`, ["value-brace"], "main", {
      pieces: [m[2]],
      orMessage: true,
    });
  }
  if (
    (m = /^master\.cf: (missing '=' after attribute name|missing attribute name): "(.*)"$/.exec(
      text,
    ))
  ) {
    return expect_(
      `master.cf -o {...}: ${m[1]}`,
      ["option-without-setting", "option-spaced-equals"],
      "master",
      { pieces: [m[2]] },
    );
  }
  for (const prefix of MACRO_SYNTAX) {
    if (text.startsWith(`${prefix}: "`) && text.endsWith('"')) {
      return expect_(`$ syntax: ${prefix}`, ["macro-syntax"], undefined, {
        pieces: macroPieces(text.slice(prefix.length + 3, -1)),
      });
    }
  }
  if ((m = /^unreasonable macro call nesting: "(.*)"$/.exec(text))) {
    return expect_("unreasonable macro call nesting", ["expansion-loop"], undefined, {
      pieces: [m[1]],
      orLoop: true,
    });
  }
  if ((m = /^malformed compatibility level syntax: "(.*)"$/.exec(text))) {
    return expect_("malformed compatibility level syntax", ["compatibility-level"], undefined, {
      pieces: [m[1]],
    });
  }
  if ((m = /^unknown inet_protocols value "(.*)" in "(.*)"$/.exec(text))) {
    return expect_("unknown inet_protocols value", ["inet-protocols"], "main", {
      pieces: [m[1]],
      orMessage: true,
    });
  }
  if ((m = /^config variable inet_interfaces: host not found: (.*)$/.exec(text))) {
    return expect_("inet_interfaces: host not found", ["inet-interfaces"], "main", {
      pieces: [m[1]],
      orMessage: true,
    });
  }
  if (fatal && /^(dictionary mail_dict: )?macro processing error$/.test(text)) {
    return { kind: "macro processing error (after a $ warning)", consequence: true };
  }
  return undefined;
}

function expect_(
  kind: string,
  rules: string[],
  file: ConfigKind | undefined,
  where: Locator,
): Expectation {
  return { kind, rules, file, where };
}

function kindOf(file: string): ConfigKind {
  return file === "main" ? "main" : "master";
}

/** `"...abc>>>def"` → the text before and after the marker, each of which is in the value. */
function macroPieces(quoted: string): string[] {
  const text = quoted.startsWith("...") ? quoted.slice(3) : quoted;
  return text.split(">>>").filter((piece) => piece.length > 0);
}

// ---------------------------------------------------------------------------
// Exceptions: messages that do not point at a configuration error our rules see

interface ExceptionRule {
  kind: string;
  reason: string;
  applies(text: string, view: CaseView, classified: Classified | undefined): boolean;
}

const EXCEPTIONS: ExceptionRule[] = [
  {
    kind: "open database configuration",
    reason:
      "postconf opens the client file a legacy table names (pgsql:/etc/postfix/pg.cf); whether it exists depends on the machine, not on the configuration",
    applies: (text) => /^open "[^"]*" configuration "[^"]*": /.test(text),
  },
  {
    kind: "config_directory from postconf -c",
    reason:
      "postconf -c DIR sets config_directory before it reads main.cf, so a config_directory line in main.cf 'overrides' it; that is the test's command line, not the configuration",
    applies: (text) =>
      /^DIR\/main\.cf, line \d+: overriding earlier entry: config_directory=DIR$/.test(text),
  },
  {
    kind: "postconf's -o splitting quirk",
    reason:
      "postconf 3.7 splits an option word at every later 'o' (-osyslog_name=x becomes -o sysl -o g_name=x) and then may take an option as another option's value, so it registers -o settings no daemon sees and misses some they do see (postconfArgv() in postconfEmulation.ts); the daemons read the options correctly, as our rules do",
    applies: (text, view) => {
      const quirk = quirkView(view.master);
      let m: RegExpExecArray | null;
      if ((m = /^DIR\/master\.cf: unused parameter: ([^=]*)=/.exec(text))) {
        return quirk.names.has(m[1]);
      }
      if ((m = /^DIR\/(?:main|master)\.cf: undefined parameter: (.*)$/.exec(text))) {
        return quirk.references.has(m[1]) || quirk.missing.has(m[1]);
      }
      const quoted = /"(.*)"$/.exec(text)?.[1];
      return (
        quoted !== undefined &&
        quirk.values.some((value) =>
          macroPieces(quoted).every((piece) => printable(value).includes(piece)),
        )
      );
    },
  },
  {
    kind: "merged name space of duplicate master.cf entries",
    reason:
      "postconf merges the -o settings of master.cf entries with the same service name and type into one name space, so a later entry's -o hides an earlier one's reference; master(8) runs only the last such entry, and our rules look at each entry as written",
    applies: (text, view) =>
      /^DIR\/master\.cf: (unused|undefined) parameter: /.test(text) && hasDuplicateEntries(view),
  },
  {
    kind: "compatibility level read before it is set",
    reason:
      "postconf computes the myhostname and mydomain defaults before it has read compatibility_level, so a <level comparison reached from there sees an empty level; the daemons read compatibility_level first (mail_params_init)",
    applies: (text, view) =>
      text === 'malformed compatibility level syntax: ""' && !mainSets(view, "compatibility_level"),
  },
  {
    kind: "re-expanded computed default",
    reason:
      "Postfix stores a computed myhostname or mydomain default without escaping '$' and expands it again (known postconf bug, see postconf-diff.test.ts); the text then depends on this host's name or on '$$' in the other parameter, which our rules replace by a placeholder",
    applies: (_text, view, classified) =>
      classified !== undefined &&
      /^(\$ syntax|main\.cf value|undefined parameter \(main\.cf\)|unreasonable macro)/.test(
        classified.kind,
      ) &&
      computedDefaultReexpanded(view),
  },
];

function mainSets(view: CaseView, name: string): boolean {
  return mainValue(view, name) !== undefined;
}

function mainValue(view: CaseView, name: string): string | undefined {
  let value: string | undefined;
  for (const entry of mainEntries(view.main)) {
    if (entry.setting?.name.text === name) value = entry.setting.value.text;
  }
  return value;
}

/**
 * True when a computed default that Postfix expands twice carries text of the
 * configuration: with a dotless host name, myhostname = host.$mydomain; without
 * mydomain, mydomain = what follows the first dot of myhostname.
 */
function computedDefaultReexpanded(view: CaseView): boolean {
  const mydomain = mainValue(view, "mydomain");
  const myhostname = mainValue(view, "myhostname");
  if (myhostname === undefined) return !hostname().includes(".") && mydomain !== undefined;
  return mydomain === undefined && /\$\$|\{/.test(myhostname);
}

function hasDuplicateEntries(view: CaseView): boolean {
  const keys = masterEntries(view.master)
    .filter((entry) => !entry.problem)
    .map((entry) => `${entry.words[0].text}/${entry.words[1].text}`);
  return new Set(keys).size !== keys.length;
}

// ---------------------------------------------------------------------------
// postconf's -o splitting quirk

interface QuirkView {
  /** -o names postconf registers that no entry of our parse has. */
  names: Set<string>;
  /** $names in postconf's -o values that none of our values reference. */
  references: Set<string>;
  /** -o names our parse has that postconf does not register. */
  missing: Set<string>;
  /** postconf's -o values that none of our settings has. */
  values: string[];
}

const quirkCache = new WeakMap<ParsedConfig, QuirkView>();

/** postconf's -o name spaces (merged per service/type, last value wins) against ours. */
function quirkView(master: ParsedConfig): QuirkView {
  let view = quirkCache.get(master);
  if (view) return view;
  const ourNames = new Set<string>();
  const ourValues = new Set<string>();
  const ourReferences = new Set<string>();
  const theirs = new Map<string, Map<string, string>>();
  for (const entry of masterEntries(master)) {
    if (entry.problem) continue;
    const effective = new Map<string, string>();
    for (const option of entry.options) {
      if (option.setting) effective.set(option.setting.name.text, option.setting.value.text);
    }
    for (const [name, value] of effective) {
      ourNames.add(name);
      ourValues.add(value);
      parseExpansion(value).references.forEach((r) => ourReferences.add(r.name));
    }
    const argv = postconfArgv(entry);
    const key = `${argv[0]}/${argv[1]}`;
    const namespace = theirs.get(key) ?? new Map<string, string>();
    for (let field = 8; field < argv.length; field++) {
      const arg = argv[field];
      if (!arg.startsWith("-") || arg === "--") break;
      if (arg[1] !== "o" || field + 1 >= argv.length) continue;
      const setting = /^\s*([^\s=]+)\s*=\s*([\s\S]*?)\s*$/.exec(argv[field + 1]);
      if (arg === "-o" && setting) namespace.set(setting[1], setting[2]);
      field += 1;
    }
    theirs.set(key, namespace);
  }
  view = { names: new Set(), references: new Set(), missing: new Set(), values: [] };
  const theirNames = new Set<string>();
  for (const [name, value] of [...theirs.values()].flatMap((namespace) => [...namespace])) {
    theirNames.add(name);
    if (!ourNames.has(name)) view.names.add(name);
    if (!ourValues.has(value)) view.values.push(value);
    for (const reference of parseExpansion(value).references) {
      if (!ourReferences.has(reference.name)) view.references.add(reference.name);
    }
  }
  for (const name of ourNames) if (!theirNames.has(name)) view.missing.add(name);
  quirkCache.set(master, view);
  return view;
}

// ---------------------------------------------------------------------------
// Our diagnostics, and matching

function mainEntries(config: ParsedConfig): MainEntry[] {
  return config.blocks.filter(isEntry) as MainEntry[];
}

function masterEntries(config: ParsedConfig): MasterEntry[] {
  return config.blocks.filter(isEntry) as MasterEntry[];
}

/** Postfix's logging shows every byte outside printable ASCII as '?'. */
function printable(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : "?"))
    .join("");
}

/** The entry's text as postconf may quote it: as written, or with `$$` expanded. */
function entryContains(entry: MainEntry | MasterEntry | undefined, pieces: string[]): boolean {
  if (!entry) return false;
  const text = printable(entry.text);
  const expanded = text.split("$$").join("$");
  return (
    pieces.every((piece) => text.includes(piece)) ||
    pieces.every((piece) => expanded.includes(piece))
  );
}

interface Placed {
  file: ConfigKind;
  diagnostic: Diagnostic;
  message: string;
  start: number;
  end: number;
  entry?: MainEntry | MasterEntry;
}

function diagnose(view: CaseView): Placed[] {
  const placed: Placed[] = [];
  for (const [config, sibling] of [
    [view.main, view.master],
    [view.master, view.main],
  ] as const) {
    const index = new LineIndex(config.text);
    const entries = config.blocks.filter(isEntry);
    const settings = { version: ORACLE_VERSION, maxProblems: 100_000 };
    for (const diagnostic of doValidation(config, index, settings, sibling)) {
      const start = index.offsetAt(diagnostic.range.start);
      const end = index.offsetAt(diagnostic.range.end);
      const entry = entries.find((e) => e.start <= start && start <= e.end);
      const message =
        typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
      placed.push({ file: config.kind, diagnostic, message, start, end, entry });
    }
  }
  return placed;
}

function matches(expectation: Expectation, found: Placed, view: CaseView): boolean {
  if (!expectation.rules.includes(String(found.diagnostic.code))) return false;
  if (expectation.file && found.file !== expectation.file) return false;
  const where = expectation.where;
  if ("line" in where) return found.diagnostic.range.start.line + 1 === where.line;
  if ("name" in where) {
    const entry = found.entry;
    if (!entry) return false;
    const names =
      entry.kind === "main"
        ? [entry.setting?.name]
        : entry.options.map((option) => option.setting?.name);
    return names.some(
      (name) =>
        name !== undefined &&
        printable(name.text) === where.name &&
        found.start <= name.end &&
        found.end >= name.start,
    );
  }
  if ("quotedName" in where) return printable(found.message).includes(`"${where.quotedName}"`);
  if ("pieces" in where) {
    if (entryContains(found.entry, where.pieces)) return true;
    if (where.orMessage && where.pieces.every((piece) => quotes(found.message, piece, view))) {
      return true;
    }
    return where.orLoop === true && loopMemberContains(found.message, where.pieces, view);
  }
  if ("service" in where) {
    const entry = found.entry;
    return (
      entry?.kind === "master" &&
      entry.words[0]?.text === where.service &&
      entry.words[1]?.text === where.type
    );
  }
  return (
    found.entry !== undefined &&
    printable(found.entry.text) === where.entry &&
    printable(view.master.text.slice(found.start, found.end)) === where.field
  );
}

/**
 * True when the message quotes the text (or, when it shortens it with "…", its
 * start). Values expanded from host-computed defaults differ: postconf uses this
 * host's name, our rules a placeholder, so those are compared with the
 * placeholder put in.
 */
function quotes(message: string, text: string, view: CaseView): boolean {
  const normalized = hostNeutral(text, view);
  for (const match of message.matchAll(/"([^"]*)"/g)) {
    const shortened = match[1].endsWith("…");
    const shown = printable(unescaped(shortened ? match[1].slice(0, -1) : match[1]));
    if (shortened ? normalized.startsWith(shown) : normalized === shown) return true;
  }
  return false;
}

/** Messages quote file text as an excerpt, with \t, \r, \xNN, \u{N} escapes: undone. */
function unescaped(text: string): string {
  return text.replace(/\\(t|n|r|x[0-9a-f]{2}|u\{[0-9a-f]+\})/g, (_escape, code: string) => {
    if (code.length === 1) return { t: "\t", n: "\n", r: "\r" }[code]!;
    const hex = code.startsWith("x") ? code.slice(1) : code.slice(2, -1);
    return String.fromCodePoint(parseInt(hex, 16));
  });
}

/** The text with this host's computed myhostname/mydomain replaced by "localhost". */
function hostNeutral(text: string, view: CaseView): string {
  const host = hostname();
  const myhostname = host.includes(".") ? host : `${host}.localdomain`;
  const mydomain = myhostname.slice(myhostname.indexOf(".") + 1);
  let result = text;
  if (!mainSets(view, "myhostname")) result = result.split(myhostname).join("localhost");
  if (!mainSets(view, "mydomain")) result = result.split(mydomain).join("localhost");
  return result;
}

/** The loop an expansion-loop message names, "(a → b → a)", has a member whose setting has the text. */
function loopMemberContains(message: string, pieces: string[], view: CaseView): boolean {
  const chain = /\(([^()]*→[^()]*)\)/.exec(message)?.[1];
  if (!chain) return false;
  const members = new Set(chain.split("→").map((name) => name.trim()));
  const entries = [
    ...mainEntries(view.main).filter((entry) => members.has(entry.setting?.name.text ?? "")),
    ...masterEntries(view.master).filter((entry) =>
      entry.options.some((option) => members.has(option.setting?.name.text ?? "")),
    ),
  ];
  return entries.some((entry) => entryContains(entry, pieces));
}

// ---------------------------------------------------------------------------
// Running

interface Outcome {
  caseName: string;
  text: string;
  kind: string;
  classified?: Classified;
  matched: boolean;
  /** The reason of the exception that explains an unmatched message. */
  exception?: string;
}

const outcomes = new Map<string, Outcome[]>();
/** Fixtures where -n succeeded but -P printed a message -n did not. */
const pAddsMessages: string[] = [];
let workDir: string | undefined;

/**
 * Runs -n for every case, then -P where it can add messages: where -n failed
 * (-P reads master.cf first, so it may stop at a different error) and for every
 * fixture. When -n succeeds, -P prints a subset of its messages (both read both
 * files and register the same parameters; only -n reports unused main.cf names);
 * the fixtures check that this still holds.
 */
async function runCases(cases: OracleCase[]): Promise<void> {
  const root = (workDir = mkdtempSync(join(tmpdir(), "postconf-warnings-")));
  const dirs = new Map(cases.map((oracleCase) => [oracleCase.name, writeCase(root, oracleCase)]));
  const dirOf = (oracleCase: OracleCase) => dirs.get(oracleCase.name)!;
  const byN = await mapLimit(cases, CONCURRENCY, (oracleCase) =>
    runPostconf(dirOf(oracleCase), "-n"),
  );
  const needP = cases.filter((c, i) => byN[i].code !== 0 || fixtureNames.has(c.name));
  const byP = new Map<string, PostconfRun>();
  const pRuns = await mapLimit(needP, CONCURRENCY, (oracleCase) =>
    runPostconf(dirOf(oracleCase), "-P"),
  );
  needP.forEach((oracleCase, i) => byP.set(oracleCase.name, pRuns[i]));
  cases.forEach((oracleCase, i) => {
    const runs = [byN[i], byP.get(oracleCase.name)].filter((run) => run !== undefined);
    if (byN[i].code === 0 && runs.length === 2) {
      const nLines = new Set(byN[i].stderr.split("\n"));
      if (runs[1].stderr.split("\n").some((line) => line && !nLines.has(line)))
        pAddsMessages.push(oracleCase.name);
    }
    const view: CaseView = {
      oracleCase,
      dir: dirOf(oracleCase),
      main: parseConfig("main", oracleCase.main),
      master: parseConfig("master", oracleCase.master),
    };
    outcomes.set(oracleCase.name, judge(view, runs));
  });
}

const PREFIX = /^postconf: (warning|fatal): (.*)$/;

function judge(view: CaseView, runs: PostconfRun[]): Outcome[] {
  const texts = new Map<string, boolean>();
  let fatalWithoutWarning = false;
  for (const run of runs) {
    let sawWarning = false;
    for (const line of run.stderr.split("\n")) {
      const match = PREFIX.exec(line);
      if (!match) continue;
      const text = match[2].split(view.dir).join("DIR");
      if (match[1] === "warning") sawWarning = true;
      else if (/macro processing error$/.test(text) && !sawWarning) fatalWithoutWarning = true;
      texts.set(text, match[1] === "fatal");
    }
  }
  let placed: Placed[] | undefined;
  const result: Outcome[] = [];
  for (const [text, fatal] of texts) {
    const classified = classify(text, fatal);
    let matched = false;
    if (classified && "rules" in classified) {
      placed ??= diagnose(view);
      matched = placed.some((found) => matches(classified, found, view));
    } else if (classified) {
      matched = !fatalWithoutWarning;
    }
    const outcome: Outcome = {
      caseName: view.oracleCase.name,
      text,
      kind: classified?.kind ?? "(unclassified)",
      matched,
    };
    if (classified) outcome.classified = classified;
    if (!matched) {
      const exception = EXCEPTIONS.find((rule) => rule.applies(text, view, classified));
      if (exception) {
        outcome.kind = `exception: ${exception.kind}`;
        outcome.exception = exception.reason;
      }
    }
    result.push(outcome);
  }
  return result;
}

function failuresOf(cases: OracleCase[]): Outcome[] {
  return cases.flatMap((oracleCase) => {
    const list = outcomes.get(oracleCase.name);
    if (!list) throw new Error(`no postconf result for ${oracleCase.name}`);
    return list.filter((outcome) => !outcome.matched && !outcome.exception);
  });
}

function describeFailures(failures: Outcome[], detailed = 6): string {
  if (failures.length === 0) return "no unmatched messages";
  const shown = failures.slice(0, detailed).map((failure) => {
    const oracleCase = [...fixtures, ...generated].find((c) => c.name === failure.caseName)!;
    const view: CaseView = {
      oracleCase,
      dir: "DIR",
      main: parseConfig("main", oracleCase.main),
      master: parseConfig("master", oracleCase.master),
    };
    const classified = failure.classified;
    const ours = diagnose(view)
      .map(
        (found) =>
          `    ${found.file}.cf:${found.diagnostic.range.start.line + 1} ${found.diagnostic.code}: ${found.message}`,
      )
      .join("\n");
    const why =
      classified === undefined
        ? "  no rule is known for this postconf message"
        : "rules" in classified
          ? `  expected ${classified.rules.join(" or ")} in ${classified.file ?? "either file"} at ${JSON.stringify(classified.where)}`
          : "  a fatal 'macro processing error' without a warning before it";
    return [
      `case ${failure.caseName}: postconf: ${failure.text}`,
      why,
      `  our diagnostics:\n${ours || "    (none)"}`,
      `  main.cf:   ${JSON.stringify(oracleCase.main)}`,
      `  master.cf: ${JSON.stringify(oracleCase.master)}`,
    ].join("\n");
  });
  const more = failures.length > detailed ? [`... and ${failures.length - detailed} more`] : [];
  return [
    `${failures.length} postconf messages without a matching diagnostic:`,
    ...shown,
    ...more,
  ].join("\n\n");
}

beforeAll(async () => {
  if (!HAVE_POSTCONF) {
    console.warn(`skipping the postconf warning comparisons: ${NO_POSTCONF}`);
    return;
  }
  await runCases([...fixtures, ...generated]);
}, 240_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  if (outcomes.size === 0) return;
  interface Count {
    matched: number;
    total: number;
    reason?: string;
    /** For an exception: how many of each message kind it explains. */
    of: Map<string, number>;
  }
  const counts = new Map<string, Count>();
  for (const outcome of [...outcomes.values()].flat()) {
    const count: Count = counts.get(outcome.kind) ?? { matched: 0, total: 0, of: new Map() };
    count.total++;
    if (outcome.matched) count.matched++;
    if (outcome.exception) {
      count.reason = outcome.exception;
      const of = outcome.classified?.kind ?? "(unclassified)";
      count.of.set(of, (count.of.get(of) ?? 0) + 1);
    }
    counts.set(outcome.kind, count);
  }
  const lines = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, count]) =>
      count.reason
        ? `  ${kind}: ${count.total} (${[...count.of].map(([of, n]) => `${of}: ${n}`).join(", ")})\n      ${count.reason}`
        : `  ${kind}: ${count.matched}/${count.total} matched`,
    );
  console.info(`postconf messages, distinct per case:\n${lines.join("\n")}`);
});

/** Message kinds the corpus must contain, so that the comparison is not vacuous. */
const REQUIRED_KINDS = [
  "overriding earlier entry",
  "unused parameter (main.cf)",
  "unused parameter (master.cf)",
  "undefined parameter (main.cf)",
  "undefined parameter (master.cf)",
  "read-only parameter assignment",
  "logical line must not start with whitespace",
  "missing '=' after attribute name (main.cf)",
  "missing attribute name (main.cf)",
  "bad field count",
  "invalid type field",
  "invalid private field",
  "invalid unprivileged field",
  "invalid chroot field",
  "invalid wakeup field",
  "invalid process_limit field",
  "master.cf argument: missing '}'",
  "master.cf argument: syntax error after '}'",
  "master.cf -o {...}: missing '=' after attribute name",
  "master.cf -o {...}: missing attribute name",
  "main.cf value: missing '}'",
  "-o value: missing '}'",
  "-o value: syntax error after '}'",
  "$ syntax: empty macro name",
  "$ syntax: truncated macro reference",
  "$ syntax: attribute name syntax error at",
  '$ syntax: "==" or "!="" or "<"" or "<="" or ">="" or ">" expected at',
  "unreasonable macro call nesting",
  "malformed compatibility level syntax",
  "unknown inet_protocols value",
  "inet_interfaces: host not found",
];

describe(`postconf warnings: corpus${SKIPPED}`, () => {
  it.skipIf(!HAVE_POSTCONF)("contains every message kind this test is about", () => {
    const kinds = new Set(
      [...outcomes.values()].flat().flatMap((outcome) => (outcome.matched ? [outcome.kind] : [])),
    );
    expect(REQUIRED_KINDS.filter((kind) => !kinds.has(kind))).toEqual([]);
  });

  it.skipIf(!HAVE_POSTCONF)("every postconf message is classified", () => {
    const unclassified = [...outcomes.values()]
      .flat()
      .filter((outcome) => !outcome.classified && !outcome.exception);
    expect(unclassified.length, describeFailures(unclassified)).toBe(0);
  });

  it.skipIf(!HAVE_POSTCONF)("every exception still explains a message", () => {
    const used = new Set([...outcomes.values()].flat().map((outcome) => outcome.exception));
    expect(EXCEPTIONS.filter((rule) => !used.has(rule.reason)).map((rule) => rule.kind)).toEqual(
      [],
    );
  });

  it.skipIf(!HAVE_POSTCONF)(
    "-P adds no message where -n succeeds (checked on the fixtures)",
    () => {
      expect(pAddsMessages).toEqual([]);
    },
  );
});

describe(`postconf warnings have our diagnostics: fixtures${SKIPPED}`, () => {
  for (const oracleCase of fixtures) {
    it.skipIf(!HAVE_POSTCONF)(oracleCase.name, () => {
      const failures = failuresOf([oracleCase]);
      expect(failures.length, describeFailures(failures)).toBe(0);
    });
  }
});

describe(`postconf warnings have our diagnostics: generated${SKIPPED}`, () => {
  for (let from = 0; from < generated.length; from += CHUNK) {
    const chunk = generated.slice(from, from + CHUNK);
    const label = `${chunk[0].name} .. ${chunk[chunk.length - 1].name}`;
    it.skipIf(!HAVE_POSTCONF)(label, () => {
      const failures = failuresOf(chunk);
      expect(failures.length, describeFailures(failures, 4)).toBe(0);
    });
  }
});
