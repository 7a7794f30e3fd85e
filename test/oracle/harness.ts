// Shared machinery for the differential test against the real postconf(1):
// writing a case to a directory, running postconf on it, running our emulation on
// the same text, and describing any difference in a way a human can act on.

import { hostname } from "node:os";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../../server/src/service/parser/document";
import {
  type EmulatedOutput,
  printMainSettings,
  printMasterEntries,
  printServiceSettings,
} from "../../server/src/service/postconfEmulation";

export const POSTCONF = "/usr/sbin/postconf";
/** The release line of Debian 12's postconf, which the oracle is. */
export const ORACLE_VERSION = "3.7";

/** One main.cf/master.cf pair. Both files always exist (possibly empty). */
export interface OracleCase {
  name: string;
  main: string;
  master: string;
}

export type Mode = "main" | "master" | "services";

export const MODES: { mode: Mode; flag: string }[] = [
  { mode: "main", flag: "-n" },
  { mode: "master", flag: "-M" },
  { mode: "services", flag: "-P" },
];

export interface PostconfRun {
  stdout: string;
  stderr: string;
  /** Exit status; non-zero when postconf died (fatal) or was killed. */
  code: number;
}

export const FIXTURE_ROOT = fileURLToPath(new URL("../fixtures/oracle", import.meta.url));

/** Every `test/fixtures/oracle/<name>/` directory, each with main.cf and master.cf. */
export function loadFixtureCases(root = FIXTURE_ROOT): OracleCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      main: readFileSync(join(root, name, "main.cf"), "utf8"),
      master: readFileSync(join(root, name, "master.cf"), "utf8"),
    }));
}

/**
 * Writes the pair into `<root>/<name>/` and returns that directory. The files get
 * an mtime an hour in the past: Postfix's dict_load_file_xt() (which reads main.cf)
 * re-reads a "hot" file, dozing 300 ms each time, until its mtime is more than a
 * second old, which would cost up to 2 s per fresh case.
 */
export function writeCase(root: string, oracleCase: OracleCase): string {
  const dir = join(root, oracleCase.name);
  mkdirSync(dir, { recursive: true });
  const past = new Date(Date.now() - 3_600_000);
  for (const [file, text] of [
    ["main.cf", oracleCase.main],
    ["master.cf", oracleCase.master],
  ]) {
    writeFileSync(join(dir, file), text, "utf8");
    utimesSync(join(dir, file), past, past);
  }
  return dir;
}

/** Runs `postconf -c DIR FLAG` with LANG=C and never rejects. */
export function runPostconf(dir: string, flag: string): Promise<PostconfRun> {
  return new Promise((resolve) => {
    // postconf prefixes its messages with argv[0] as given; running it by name
    // through a PATH that starts with its directory makes that "postconf".
    execFile(
      basename(POSTCONF),
      ["-c", dir, flag],
      {
        env: { PATH: `${dirname(POSTCONF)}:/usr/bin:/bin`, LANG: "C", LC_ALL: "C" },
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const status = (error as { code?: unknown }).code;
          code = typeof status === "number" ? status : 255;
        }
        resolve({ stdout, stderr, code });
      },
    );
  });
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Our emulation of `postconf -c dir FLAG` for the same pair. */
export function emulate(oracleCase: OracleCase, dir: string, mode: Mode): EmulatedOutput {
  const config = {
    configDir: dir,
    hostname: hostname(),
    main: parseConfig("main", oracleCase.main),
    master: parseConfig("master", oracleCase.master),
  };
  switch (mode) {
    case "main":
      return printMainSettings(config, ORACLE_VERSION);
    case "master":
      return printMasterEntries(config, ORACLE_VERSION);
    case "services":
      return printServiceSettings(config, ORACLE_VERSION);
  }
}

/** postconf's stdout as lines, without the `config_directory = DIR` line that -c adds to -n. */
export function postconfLines(run: PostconfRun, dir: string, mode: Mode): string[] {
  const lines = run.stdout.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (mode !== "main") return lines;
  return lines.filter((line) => line !== `config_directory = ${dir}`);
}

const FATAL_PREFIX = "postconf: fatal: ";

/**
 * The settings of `postconf -n` and `-P` for a directory, by key (a name, or
 * service/type/name); `settings` is undefined, and `stderr` says why, when
 * postconf rejects the configuration.
 */
export async function postconfSettings(
  dir: string,
): Promise<{ settings?: Map<string, string>; stderr: string }> {
  const settings = new Map<string, string>();
  for (const { mode, flag } of MODES.filter((entry) => entry.mode !== "master")) {
    const run = await runPostconf(dir, flag);
    if (run.code !== 0) return { stderr: run.stderr };
    for (const line of postconfLines(run, dir, mode)) {
      // An empty value prints as "name =", without a trailing space.
      const [, key, value] = /^(.*?) =(?: (.*))?$/.exec(line)!;
      settings.set(key, value ?? "");
    }
  }
  return { settings, stderr: "" };
}

/** The text of postconf's fatal message, without the `postconf: fatal: ` prefix. */
export function postconfFatal(run: PostconfRun): string | undefined {
  const line = run.stderr.split("\n").find((text) => text.startsWith(FATAL_PREFIX));
  return line === undefined ? undefined : line.slice(FATAL_PREFIX.length);
}

/**
 * postconf reports a `$` syntax error or an expansion loop either as
 * `macro processing error` (when its own expansion of a parameter value fails) or
 * as `dictionary mail_dict: macro processing error` (when the failure happens while
 * the mail_dict dictionary expands a value on lookup, e.g. a self-reference). Which
 * one appears depends on which code path reaches the bad value first, not on the
 * configuration error itself, so our single "macro processing error" stands for both.
 */
const MACRO_FATALS = new Set([
  "macro processing error",
  "dictionary mail_dict: macro processing error",
]);

export function fatalAgrees(expected: string | undefined, actual: string | undefined): boolean {
  if (expected === actual) return true;
  return (
    expected !== undefined && MACRO_FATALS.has(expected) && actual === "macro processing error"
  );
}

/**
 * A difference that comes from a postconf bug the emulation deliberately does not
 * reproduce. Each one is listed by name in postconf-diff.test.ts, with a test that
 * postconf still behaves that way.
 */
export interface KnownDifference {
  id: string;
  /** True when this bug explains the disagreement between postconf and us. */
  explains(run: PostconfRun, ours: EmulatedOutput): boolean;
}

export interface Mismatch {
  caseName: string;
  command: string;
  /** Set when a listed postconf bug explains the difference. */
  knownDifference?: string;
  /** One-line summary of what disagrees, used to group mismatches. */
  summary: string;
  /** Multi-line human-readable details. */
  details: string;
}

/** Compares one postconf run with our emulation; undefined when they agree. */
export function compareRun(
  oracleCase: OracleCase,
  dir: string,
  mode: Mode,
  flag: string,
  run: PostconfRun,
  knownDifferences: readonly KnownDifference[] = [],
): Mismatch | undefined {
  let ours: EmulatedOutput;
  try {
    ours = emulate(oracleCase, dir, mode);
  } catch (error) {
    ours = { lines: [], fatal: `<emulation threw: ${String(error)}>` };
  }
  const expectedLines = postconfLines(run, dir, mode);
  const expectedFatal = postconfFatal(run);
  const problems: string[] = [];
  const summaries: string[] = [];

  const postconfFailed = run.code !== 0;
  const weFailed = ours.fatal !== undefined;
  if (postconfFailed !== weFailed) {
    summaries.push(postconfFailed ? "postconf fails, we do not" : "we fail, postconf does not");
    problems.push(
      `exit status: postconf ${run.code}, ours ${weFailed ? "fatal" : "success"}` +
        (postconfFailed && expectedFatal === undefined
          ? `\n  postconf stderr: ${JSON.stringify(run.stderr)}`
          : ""),
    );
  }
  if (postconfFailed && weFailed && !fatalAgrees(expectedFatal, ours.fatal)) {
    summaries.push("fatal text differs");
    problems.push(
      `fatal text:\n  postconf: ${JSON.stringify(expectedFatal)}\n  ours:     ${JSON.stringify(ours.fatal)}`,
    );
  } else if (postconfFailed !== weFailed) {
    problems.push(
      `fatal text:\n  postconf: ${JSON.stringify(expectedFatal)}\n  ours:     ${JSON.stringify(ours.fatal)}`,
    );
  }
  const lineDiff = describeLineDiff(expectedLines, ours.lines);
  if (lineDiff) {
    summaries.push("stdout differs");
    problems.push(lineDiff);
  }
  if (problems.length === 0) return undefined;
  const command = `postconf -c ${dir} ${flag}`;
  const known = knownDifferences.find((difference) => difference.explains(run, ours));
  return {
    caseName: oracleCase.name,
    command,
    knownDifference: known?.id,
    summary: summaries.join("; "),
    details: [`case ${oracleCase.name}: ${command}`, ...problems, describeInput(oracleCase)].join(
      "\n",
    ),
  };
}

/** The case's files as JSON strings (shortened), so a generated case can be recreated. */
function describeInput(oracleCase: OracleCase, limit = 800): string {
  const show = (text: string) => {
    const json = JSON.stringify(text);
    return json.length > limit ? `${json.slice(0, limit)}... (${text.length} chars)` : json;
  };
  return `  main.cf:   ${show(oracleCase.main)}\n  master.cf: ${show(oracleCase.master)}`;
}

/** The first differing stdout line with a little context, or undefined when equal. */
export function describeLineDiff(expected: string[], actual: string[]): string | undefined {
  const length = Math.max(expected.length, actual.length);
  let first = -1;
  for (let i = 0; i < length; i++) {
    if (expected[i] !== actual[i]) {
      first = i;
      break;
    }
  }
  if (first < 0) return undefined;
  const show = (lines: string[]) => {
    const from = Math.max(0, first - 1);
    const to = Math.min(lines.length, first + 3);
    const shown = lines
      .slice(from, to)
      .map(
        (line, i) => `    ${from + i + 1}${from + i === first ? ">" : ":"} ${JSON.stringify(line)}`,
      );
    if (first >= lines.length) shown.push(`    ${first + 1}> <no line>`);
    return shown.join("\n");
  };
  return (
    `stdout: ${expected.length} lines from postconf, ${actual.length} from us; first difference at line ${first + 1}\n` +
    `  postconf:\n${show(expected)}\n  ours:\n${show(actual)}`
  );
}

/** Formats mismatches for an assertion message: full details for the first few. */
export function formatMismatches(mismatches: Mismatch[], detailed = 8): string {
  if (mismatches.length === 0) return "no mismatches";
  const bySummary = new Map<string, string[]>();
  for (const mismatch of mismatches) {
    const key = `${mismatch.command.split(" ").pop()} ${mismatch.summary}`;
    const names = bySummary.get(key) ?? [];
    names.push(mismatch.caseName);
    bySummary.set(key, names);
  }
  const overview = [...bySummary]
    .map(
      ([key, names]) =>
        `  ${key}: ${names.length} (${names.slice(0, 6).join(", ")}${names.length > 6 ? ", ..." : ""})`,
    )
    .join("\n");
  const shown = mismatches.slice(0, detailed).map((mismatch) => mismatch.details);
  const more = mismatches.length > detailed ? [`... and ${mismatches.length - detailed} more`] : [];
  return [`${mismatches.length} mismatches:\n${overview}`, ...shown, ...more].join("\n\n");
}
