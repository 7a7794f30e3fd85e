import { lstatSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import {
  type CachedRead,
  type ReadPolicy,
  SafeFileCache,
  decodeText,
  readStreamCappedSync,
  identityKey,
} from "./files/safeRead";
import type { Diagnostic, Position } from "vscode-languageserver-types";
import { applySafeFixes } from "./cliFix";
import {
  OUTPUT_FORMATS,
  type OutputFormat,
  type ReportedDiagnostic,
  type ReportedFile,
  type ReportedRegion,
  renderReport,
  renderRuleList,
} from "./cliReport";
import { replaceFile } from "./files/replaceFile";
import { PACKAGE_VERSION } from "./service/data/packageInfo";
import { pageOf } from "./service/rules/rulePage";
import { RULES } from "./service/rules/ruleTable";
import { excerpt } from "./service/text/excerpt";
import { unifiedDiff } from "./unifiedDiff";
import { LineIndex } from "./service/text/lineIndex";
import { FORMAT_USAGE, runFormatFiles } from "./cliFormat";
import { NEWEST_VERSION, type PostfixVersion } from "./service/data/parameters";
import { detectRelease } from "./host/detectRelease";
import { DEFAULT_POSTCONF_PATH } from "./host/postconf";
import { ORIGIN_DETAIL, type ReleaseInUse, releaseInUse } from "./host/release";
import { type ConfigKind, type ParsedConfig, parseConfig } from "./service/parser/document";
import {
  type ConfigPair,
  type EmulatedOutput,
  printMainSettings,
  printMasterEntries,
  printServiceSettings,
} from "./service/postconfEmulation";
import { AUTO_VERSION, readRule, readVersion } from "./settings";
import {
  type DiagnosticData,
  MAX_ANALYSED_LENGTH,
  type SeveritySetting,
  type ValidationSettings,
  doValidation,
  hostFileRequests,
  tooLargeDiagnostic,
} from "./service/validation";
import { CERTIFICATE_MAX_BYTES, HostFileReader } from "./files/hostFiles";
import { DEFAULT_EXPIRY_WARNING_DAYS, hostFilesOf } from "./service/hostFiles";

/**
 * postfix-lint: runs the language service on files or config directories.
 * Exit status: 0 nothing at error severity, 1 errors found, 2 usage or I/O error.
 */

const USAGE = `usage: postfix-lint [--format text|json|sarif|github] [--fail-on error|warning|info] [--quiet] [--fix | --fix-dry-run]
                    [--postfix-version X.Y|auto] [--postconf PATH] [--rule ID=SEVERITY]... [--kind main|master] [--follow-symlinks]
                    [--no-check-files] [--expiry-warning-days N] PATH...
       postfix-lint --print main|master|services [--postfix-version X.Y|auto] [--follow-symlinks] DIR
       postfix-lint --list-rules [--format text|json]
       postfix-lint --explain RULE-ID
       postfix-lint --version
PATH is a main.cf or master.cf file, a config directory (its main.cf and master.cf), or - for stdin (with --kind).
--postfix-version auto (the default) checks against the Postfix installed here: what postconf reports
  (--postconf, default ${DEFAULT_POSTCONF_PATH}; run only if root owns it), else the dpkg database, else the newest release.
--print emulates postconf -n (main), -M (master) or -P (services) on DIR.
--follow-symlinks reads files that are symbolic links leaving their directory (not read by default).
--fail-on sets the lowest severity that makes the exit status 1 (default: error); --quiet reports errors only.
--fix applies the safe quick-fixes (see --list-rules) in place and prints what it changed; --fix-dry-run prints a diff instead.
--check-files (default) reads the certificates and keys the configuration names, read-only; --no-check-files does not.
--expiry-warning-days N warns about certificates that expire within N days (default ${DEFAULT_EXPIRY_WARNING_DAYS}).
       ${FORMAT_USAGE}
--format-files formats the files in place (--check: writes nothing, exits 1 if a file would change).`;

class UsageError extends Error {}

type Severity = ReportedDiagnostic["severity"];
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

interface Options {
  format: OutputFormat;
  failOn: Severity;
  quiet: boolean;
  fix?: "write" | "dry-run";
  /** The release line; for "auto", set once the host's release is known. */
  version: PostfixVersion;
  /** "auto", or the release as given (3.7.11). */
  release: string;
  /** The postconf that "auto" asks. */
  postconf: string;
  rules: Record<string, SeveritySetting>;
  kind?: ConfigKind;
  print?: "main" | "master" | "services";
  followSymlinks: boolean;
  checkFiles: boolean;
  expiryWarningDays: number;
  paths: string[];
}

function parseArguments(args: string[]): Options {
  const options: Options = {
    format: "text",
    failOn: "error",
    quiet: false,
    version: NEWEST_VERSION,
    release: AUTO_VERSION,
    postconf: DEFAULT_POSTCONF_PATH,
    rules: {},
    followSymlinks: false,
    checkFiles: true,
    expiryWarningDays: DEFAULT_EXPIRY_WARNING_DAYS,
    paths: [],
  };
  const valueOf = (index: number, flag: string) => {
    if (index >= args.length) throw new UsageError(`${flag} needs a value`);
    return args[index];
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--format") {
      const format = valueOf(++i, arg);
      if (!(OUTPUT_FORMATS as readonly string[]).includes(format))
        throw new UsageError(`unknown format "${format}"; use ${OUTPUT_FORMATS.join(", ")}`);
      options.format = format as OutputFormat;
    } else if (arg === "--fail-on" || arg === "--max-severity") {
      const severity = valueOf(++i, arg);
      if (!Object.hasOwn(SEVERITY_RANK, severity))
        throw new UsageError(`${arg} expects error, warning, info or hint`);
      options.failOn = severity as Severity;
    } else if (arg === "--quiet") {
      options.quiet = true;
    } else if (arg === "--fix" || arg === "--fix-dry-run") {
      if (options.fix) throw new UsageError("give --fix or --fix-dry-run, once");
      options.fix = arg === "--fix" ? "write" : "dry-run";
    } else if (arg === "--postfix-version") {
      // Validated like the editor's setting; a release outside the data is clamped.
      const problems: string[] = [];
      const reading = readVersion(valueOf(++i, arg), arg, (problem) => problems.push(problem));
      if (reading.rejected) throw new UsageError(problems.join(" "));
      for (const warning of problems) process.stderr.write(`postfix-lint: warning: ${warning}\n`);
      options.version = reading.version;
      options.release = reading.release;
    } else if (arg === "--postconf") {
      options.postconf = valueOf(++i, arg);
    } else if (arg === "--rule") {
      const [id, ...severity] = valueOf(++i, arg).split("=");
      const problems: string[] = [];
      const setting = readRule(id, severity.join("="), arg, (problem) => problems.push(problem));
      if (!setting) throw new UsageError(problems.join(" "));
      options.rules[id] = setting;
    } else if (arg === "--kind") {
      const kind = valueOf(++i, arg);
      if (kind !== "main" && kind !== "master")
        throw new UsageError(`--kind expects main or master`);
      options.kind = kind;
    } else if (arg === "--print") {
      const what = valueOf(++i, arg);
      if (what !== "main" && what !== "master" && what !== "services") {
        throw new UsageError(`--print expects main, master or services`);
      }
      options.print = what;
    } else if (arg === "--follow-symlinks") {
      options.followSymlinks = true;
    } else if (arg === "--check-files" || arg === "--no-check-files") {
      options.checkFiles = arg === "--check-files";
    } else if (arg === "--expiry-warning-days") {
      const days = valueOf(++i, arg);
      if (!/^\d{1,3}$/.test(days) || Number(days) > 365)
        throw new UsageError(`${arg} expects a number of days from 0 to 365`);
      options.expiryWarningDays = Number(days);
    } else if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else if (arg.startsWith("--")) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.paths.push(arg);
    }
  }
  if (options.paths.length === 0) throw new UsageError("no PATH given");
  if (options.fix && options.paths.includes("-"))
    throw new UsageError("--fix and --fix-dry-run need files, not stdin");
  return options;
}

/** A config file as read once: its text and its parse. */
interface ConfigFile {
  text: string;
  config: ParsedConfig;
}

/**
 * Every file is read through the safe file access, once however many paths name
 * it: a directory given 3,000 times, or a sibling shared by many targets, is read
 * and parsed once.
 */
const configFiles: Record<ConfigKind, SafeFileCache<ConfigFile>> = {
  main: new SafeFileCache((bytes) => configFileOf("main", bytes), 16),
  master: new SafeFileCache((bytes) => configFileOf("master", bytes), 16),
};

/** The parse is made on first use: --print main reads main.cf from its text alone. */
function configFileOf(kind: ConfigKind, bytes: Buffer): ConfigFile {
  const text = decodeText(bytes);
  let config: ParsedConfig | undefined;
  return {
    text,
    get config() {
      return (config ??= parseConfig(kind, text));
    },
  };
}

function readConfigFile(path: string, kind: ConfigKind, options: Options): CachedRead<ConfigFile> {
  const policy: ReadPolicy = {
    maxBytes: MAX_ANALYSED_LENGTH,
    // A link may point within the file's own directory; elsewhere only when asked.
    allowedRoots: [dirname(path)],
    followSymlinksOutside: options.followSymlinks,
  };
  return configFiles[kind].readSync(path, policy);
}

/** "PATH: not read: it is a FIFO ..." with what to do when the user can do something. */
function notReadMessage(path: string, read: Extract<CachedRead<unknown>, { ok: false }>): string {
  if (read.reason === "missing") return `${path}: no such file or directory`;
  const remedy =
    read.reason === "symlink-outside" ? " Use --follow-symlinks to read it anyway." : "";
  return `${path}: not read: it ${read.detail}.${remedy}`;
}

const warn = (message: string) => process.stderr.write(`postfix-lint: ${message}\n`);

/** Paths already reported as not read: each is reported once, however often named. */
const reportedPaths = new Set<string>();

function warnNotRead(
  path: string,
  read: Extract<CachedRead<unknown>, { ok: false }>,
  consequence = "",
): void {
  if (reportedPaths.has(path)) return;
  reportedPaths.add(path);
  warn(notReadMessage(path, read) + consequence);
}

function runPrint(options: Options): number {
  if (options.paths.length !== 1)
    throw new UsageError("--print takes exactly one config directory");
  const dir = options.paths[0].replace(/\/+$/, "") || "/";
  if (!isDirectory(dir)) throw new Error(`${dir} is not a directory`);
  // postconf reads both files; without one that is there, its output would be wrong.
  const read = (kind: ConfigKind) => {
    const path = join(dir, `${kind}.cf`);
    const file = readConfigFile(path, kind, options);
    if (file.ok) return file.value;
    if (file.reason === "missing") return undefined;
    throw new Error(notReadMessage(path, file));
  };
  const main = read("main");
  const master = read("master");
  const config: ConfigPair = {
    configDir: dir,
    // postconf derives myhostname from the host it runs on; so do we.
    hostname: hostname(),
    // The emulation reads main.cf from its text, as postconf does: no parse tree.
    main: main === undefined ? undefined : { text: main.text },
    master: master?.config,
  };
  const printers: Record<
    NonNullable<Options["print"]>,
    (c: ConfigPair, v: PostfixVersion) => EmulatedOutput
  > = {
    main: printMainSettings,
    master: printMasterEntries,
    services: printServiceSettings,
  };
  const output = printers[options.print!](config, options.version);
  // postconf -M pads fields to columns; we print single spaces, which diff and grep prefer.
  const lines =
    options.print === "master"
      ? output.lines.map((line) => line.replace(/ {2,}/g, " "))
      : output.lines;
  // The final "\n" joined in, not appended: writing a joined-then-appended string
  // would copy the whole output once more.
  if (lines.length > 0) process.stdout.write([...lines, ""].join("\n"));
  if (output.fatal) {
    process.stderr.write(`postfix-lint: fatal: ${output.fatal}\n`);
    return 1;
  }
  return 0;
}

interface LintTarget {
  path: string;
  kind: ConfigKind;
  /** Undefined for a file too large to read, with its size. */
  file?: ConfigFile;
  tooLargeBytes?: number;
}

/**
 * The files the paths name, each once (a file named twice, directly or through a
 * directory or a link, is linted once, under the first path naming it). A path
 * that names a file that cannot be read is reported on stderr and makes the exit
 * status 2; a file of a named directory that is there but not read is reported
 * and skipped, unless the directory then has nothing to lint.
 */
function* lintTargets(options: Options, failed: () => void): Generator<LintTarget> {
  const seen = new Set<string>();
  const take = (
    path: string,
    kind: ConfigKind,
    named: boolean,
  ): LintTarget | "seen" | "refused" | "missing" => {
    const read = readConfigFile(path, kind, options);
    if (read.ok || read.reason === "too-large") {
      const key = `${kind}:${identityKey(read.identity!)}`;
      if (seen.has(key)) return "seen";
      seen.add(key);
      return read.ok
        ? { path, kind, file: read.value }
        : { path, kind, tooLargeBytes: Number(read.identity!.size) };
    }
    if (read.reason === "missing" && !named) return "missing";
    warnNotRead(path, read);
    if (named) failed();
    return "refused";
  };
  for (const path of options.paths) {
    if (path === "-") {
      if (!options.kind) throw new UsageError("reading stdin needs --kind main|master");
      const bytes = readStreamCappedSync(0, MAX_ANALYSED_LENGTH);
      if (!bytes) throw new Error(`stdin: more than ${MAX_ANALYSED_LENGTH} bytes; not read`);
      const text = decodeText(bytes);
      yield {
        path: "<stdin>",
        kind: options.kind,
        file: { text, config: parseConfig(options.kind, text) },
      };
      continue;
    }
    if (isDirectory(path)) {
      const targets = (["main", "master"] as const).map((kind) =>
        take(join(path, `${kind}.cf`), kind, false),
      );
      const found = targets.filter((target) => target !== "refused" && target !== "missing");
      if (found.length === 0) {
        // Nothing of the directory gets linted: that must not pass as clean.
        if (!targets.includes("refused"))
          warn(`${path}: no main.cf or master.cf in this directory`);
        failed();
      }
      for (const target of found) if (target !== "seen") yield target;
      continue;
    }
    const kind = options.kind ?? kindFromName(path) ?? (exists(path) ? undefined : "main");
    if (!kind) throw new UsageError(`${path}: cannot tell main.cf from master.cf; use --kind`);
    const target = take(path, kind, true);
    if (typeof target === "object") yield target;
  }
}

/** Whether anything is at path, a dangling link included. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function kindFromName(path: string): ConfigKind | undefined {
  const name = basename(path);
  if (name.startsWith("main.cf")) return "main";
  if (name.startsWith("master.cf")) return "master";
  return undefined;
}

/**
 * The other file of the same directory, so that rules see the whole configuration.
 * One that is there but not read is reported once on stderr; the target is then
 * checked alone.
 */
function siblingOf(target: LintTarget, options: Options): ParsedConfig | undefined {
  if (target.path === "<stdin>") return undefined;
  const kind = target.kind === "main" ? "master" : "main";
  const path = join(dirname(target.path), `${kind}.cf`);
  const read = readConfigFile(path, kind, options);
  if (read.ok) return read.value.config;
  if (read.reason !== "missing") {
    warnNotRead(path, read, ` Checked ${basename(target.path)} without it.`);
  }
  return undefined;
}

const SEVERITY_NAMES: Severity[] = ["error", "error", "warning", "info", "hint"];

/**
 * The release to check against: as given, or for "auto" the host's. The CLI may
 * always ask postconf: it is the user's own command line, and the program still
 * has to be root's.
 */
async function resolveRelease(options: Options): Promise<ReleaseInUse> {
  if (options.release !== AUTO_VERSION) return releaseInUse(options.release, "setting");
  return (await detectRelease({ postconfPath: options.postconf })).release;
}

/** One file's diagnostics; the host files its configuration names are read unless --no-check-files. */
function validateTarget(
  config: ParsedConfig,
  mapper: LineIndex,
  sibling: ParsedConfig | undefined,
  options: Options,
): Diagnostic[] {
  const settings: ValidationSettings = {
    rules: options.rules,
    version: options.version,
    noteMissingMaster: true,
  };
  if (!options.checkFiles) return doValidation(config, mapper, settings, sibling);
  const { requests, context } = hostFileRequests(config, settings, sibling);
  const files = hostFileReader.readSync(requests);
  settings.host = hostFilesOf(files, Date.now(), options.expiryWarningDays);
  return doValidation(config, mapper, settings, sibling, context);
}

/** One reader per run: main.cf and master.cf of a directory name the same files. */
const hostFileReader = new HostFileReader({ maxBytes: CERTIFICATE_MAX_BYTES });

function runLint(options: Options, release: ReleaseInUse): number {
  let failing = 0;
  let readFailed = false;
  const report: ReportedFile[] = [];
  // One target at a time: only the files in the read cache stay in memory.
  for (const target of lintTargets(options, () => (readFailed = true))) {
    const { file } = target;
    const validate = (text: string, config: ParsedConfig) =>
      validateTarget(config, new LineIndex(text), siblingOf(target, options), options);
    let text = file?.text;
    if (file && options.fix && file.text.length <= MAX_ANALYSED_LENGTH) {
      try {
        text = fixTarget(target, file, validate, options.fix);
      } catch (error) {
        warn(
          `${target.path}: not fixed: ${error instanceof Error ? error.message : String(error)}`,
        );
        readFailed = true;
      }
    }
    const diagnostics =
      file === undefined || text === undefined
        ? [tooLargeDiagnostic(target.tooLargeBytes!, "bytes")]
        : text.length > MAX_ANALYSED_LENGTH
          ? [tooLargeDiagnostic(text.length)]
          : validate(text, text === file.text ? file.config : parseConfig(target.kind, text));
    const index = text === undefined ? undefined : new LineIndex(text);
    const reported = diagnostics
      .map((diagnostic) => reportedDiagnostic(diagnostic, index))
      .filter((d) => !options.quiet || d.severity === "error");
    for (const d of reported)
      if (SEVERITY_RANK[d.severity] <= SEVERITY_RANK[options.failOn]) failing++;
    report.push({ path: target.path, diagnostics: reported });
  }
  const postfix = { line: release.line, release: release.release, origin: release.origin };
  const assumption = `Checked against Postfix ${release.line} (${release.release}, ${ORIGIN_DETAIL[release.origin]}).`;
  process.stdout.write(renderReport(options.format, report, { postfix, assumption }));
  return readFailed ? 2 : failing > 0 ? 1 : 0;
}

function reportedDiagnostic(diagnostic: Diagnostic, index?: LineIndex): ReportedDiagnostic {
  const reported: ReportedDiagnostic = {
    ...region(diagnostic.range.start, diagnostic.range.end),
    severity: SEVERITY_NAMES[diagnostic.severity ?? 1],
    code: String(diagnostic.code),
    message: String(diagnostic.message),
  };
  const fix = (diagnostic.data as DiagnosticData | undefined)?.fix;
  if (fix && index) {
    reported.fix = {
      title: fix.title,
      edits: fix.edits.map((edit) => ({
        ...region(index.positionAt(edit.start), index.positionAt(edit.end)),
        newText: edit.newText,
      })),
    };
  }
  return reported;
}

function region(start: Position, end: Position): ReportedRegion {
  return {
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
  };
}

/**
 * Applies the safe fixes to one file: writes it in place (atomically, keeping mode
 * and owner) and says what changed on stderr, or prints a unified diff on stdout.
 * Returns the text the file then has.
 */
function fixTarget(
  target: LintTarget,
  file: ConfigFile,
  validate: (text: string, config: ParsedConfig) => Diagnostic[],
  mode: "write" | "dry-run",
): string {
  const fixed = applySafeFixes(file.text, (text) =>
    validate(text, text === file.text ? file.config : parseConfig(target.kind, text)),
  );
  if (fixed.text === file.text) return file.text;
  if (mode === "dry-run") {
    process.stdout.write(unifiedDiff(target.path, file.text, fixed.text));
    return file.text;
  }
  replaceFile(target.path, Buffer.from(fixed.text, "utf8"));
  for (const { rule, title, line } of fixed.applied)
    process.stderr.write(`${target.path}:${line}: fixed: ${title} [${rule}]\n`);
  return fixed.text;
}

async function main(args: string[]): Promise<number> {
  if (args[0] === "--format-files") return runFormatFiles(args.slice(1));
  if (args[0] === "--version" && args.length === 1) {
    process.stdout.write(`postfix-lint ${PACKAGE_VERSION}\n`);
    return 0;
  }
  if (args[0] === "--explain") return explainRule(args.slice(1));
  if (args.includes("--list-rules")) return listRules(args);
  try {
    const options = parseArguments(args);
    const release = await resolveRelease(options);
    options.version = release.line;
    if (options.print) return runPrint(options);
    if (options.release === AUTO_VERSION && options.format === "text") {
      warn(
        `checking against Postfix ${release.line} (${release.release}, ${ORIGIN_DETAIL[release.origin]})`,
      );
    }
    return runLint(options, release);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`postfix-lint: ${error.message}\n${USAGE}\n`);
    } else {
      process.stderr.write(
        `postfix-lint: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    return 2;
  }
}

function explainRule(args: string[]): number {
  const page = args.length === 1 ? pageOf(args[0]) : undefined;
  if (page === undefined) {
    const known = args.length === 1 ? closestRuleId(args[0]) : undefined;
    const hint = known ? ` Did you mean ${known}?` : " postfix-lint --list-rules lists them.";
    process.stderr.write(
      `postfix-lint: --explain takes one rule id${args.length === 1 ? `; "${excerpt(args[0])}" is not one.${hint}` : "."}\n`,
    );
    return 2;
  }
  process.stdout.write(page);
  return 0;
}

function listRules(args: string[]): number {
  const rest = args.filter((arg) => arg !== "--list-rules");
  const json = rest.length === 2 && rest[0] === "--format" && rest[1] === "json";
  const text =
    rest.length === 0 || (rest.length === 2 && rest[0] === "--format" && rest[1] === "text");
  if (!json && !text) {
    process.stderr.write(`postfix-lint: --list-rules takes only --format text|json\n`);
    return 2;
  }
  process.stdout.write(renderRuleList(json ? "json" : "text"));
  return 0;
}

/** The known rule id nearest to a mistyped one, if any is close. */
function closestRuleId(id: string): string | undefined {
  return RULES.map((rule) => rule.id).find((known) => known.includes(id) || id.includes(known));
}

// A reader that stops early (`postfix-lint ... | head`) closes the pipe: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
