import {
  type ParameterUsage,
  READ_ONLY_PARAMETERS,
  analyzeParameterUsage,
} from "./analysis/parameterUsage";
import { mainEntries, mainSettings, masterEntries } from "./analysis/configModel";
import type { PostfixVersion } from "./data/parameters";
import type { ParsedConfig } from "./parser/document";
import type { ParameterSetting } from "./parser/mainCf";
import type { MasterEntry } from "./parser/masterCf";

/**
 * Prints a configuration the way `postconf -n`, `-M` and `-P` print it, so that
 * users without Postfix at hand can see what Postfix will read, and so that tests
 * can compare our parse with the real postconf line for line.
 */

export interface ConfigPair {
  /** The directory name postconf would be given with -c; used in messages. */
  configDir: string;
  main?: ParsedConfig;
  master?: ParsedConfig;
}

export interface EmulatedOutput {
  lines: string[];
  /** postconf's fatal error, without the "postconf: fatal: " prefix. */
  fatal?: string;
}

/** `postconf -n`: explicit main.cf settings of known parameters, sorted by name. */
export function printMainSettings(config: ConfigPair, version: PostfixVersion): EmulatedOutput {
  const { usage, fatal } = readLikePostconf(config, version, "main first");
  if (fatal) return { lines: [], fatal };
  const settings = mainSettings(config.main);
  const lines = [...settings.values()]
    .filter(
      (setting) => usage.isKnown(setting.name.text) && !READ_ONLY_PARAMETERS.has(setting.name.text),
    )
    .sort((a, b) => byteOrder(a.name.text, b.name.text))
    .map((setting) => printLine(`${setting.name.text} = ${setting.value.text}`));
  return { lines };
}

/** `postconf -M`: one line per master.cf entry, fields in postconf's columns. */
export function printMasterEntries(config: ConfigPair, version: PostfixVersion): EmulatedOutput {
  const fatal = masterFieldFatal(config) ?? mainSyntaxFatal(config);
  if (fatal) return { lines: [], fatal };
  const expansionFatal = macroFatal(
    config,
    analyzeParameterUsage(config.main, config.master, version),
  );
  if (expansionFatal) return { lines: [], fatal: expansionFatal };
  return {
    lines: masterEntries(config.master).map((entry) => formatMasterEntry(postconfArgv(entry))),
  };
}

/** `postconf -P`: the `-o name=value` settings of each entry, sorted by name. */
export function printServiceSettings(config: ConfigPair, version: PostfixVersion): EmulatedOutput {
  const fatal = masterFieldFatal(config) ?? mainSyntaxFatal(config);
  if (fatal) return { lines: [], fatal };
  const expansionFatal = macroFatal(
    config,
    analyzeParameterUsage(config.main, config.master, version),
  );
  if (expansionFatal) return { lines: [], fatal: expansionFatal };
  // Entries with the same service/type share one name space, as in postconf.
  const namespaces = new Map<string, Map<string, string>>();
  const lines: string[] = [];
  const perEntry: [string, Map<string, string>][] = [];
  for (const entry of masterEntries(config.master)) {
    const argv = postconfArgv(entry);
    const namespace = `${argv[0]}/${argv[1]}`;
    for (const [name, value] of postconfSettings(argv)) {
      let settings = namespaces.get(namespace);
      if (!settings) namespaces.set(namespace, (settings = new Map()));
      settings.set(name, value);
    }
    const settings = namespaces.get(namespace);
    if (settings) perEntry.push([namespace, settings]);
  }
  for (const [namespace, settings] of perEntry) {
    for (const name of [...settings.keys()].sort(byteOrder)) {
      lines.push(printLine(`${namespace}/${name} = ${settings.get(name)}`));
    }
  }
  return { lines };
}

/**
 * The checks postconf makes before printing, in its order: -n reads main.cf before
 * master.cf, -M and -P the other way round; then it expands known values.
 */
function readLikePostconf(
  config: ConfigPair,
  version: PostfixVersion,
  order: "main first" | "master first",
): { usage: ParameterUsage; fatal?: string } {
  const syntaxFatal =
    order === "main first"
      ? (mainSyntaxFatal(config) ?? masterFieldFatal(config))
      : (masterFieldFatal(config) ?? mainSyntaxFatal(config));
  const usage = analyzeParameterUsage(config.main, config.master, version);
  return { usage, fatal: syntaxFatal ?? macroFatal(config, usage) };
}

/** pcf_print_line(): words separated by single spaces, no leading or trailing blanks. */
function printLine(text: string): string {
  return text
    .split(/[ \t\r\n]+/)
    .filter((word) => word.length > 0)
    .join(" ");
}

function byteOrder(a: string, b: string): number {
  // strcmp() compares bytes; UTF-8 byte order equals code point order.
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return Buffer.compare(left, right);
}

/** Postfix counts lines by "\n" only. */
function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Up to the first NUL, as C strings end there. */
function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

function mainSyntaxFatal(config: ConfigPair): string | undefined {
  if (!config.main) return undefined;
  for (const entry of mainEntries(config.main)) {
    if (entry.problem !== "missing-name" && entry.problem !== "missing-equals") continue;
    const reason =
      entry.problem === "missing-name"
        ? "missing attribute name"
        : "missing '=' after attribute name";
    const line = lineNumber(config.main.text, entry.start);
    return `${config.configDir}/main.cf, line ${line}: ${reason}: "${cString(entry.text)}"`;
  }
  return undefined;
}

function masterFieldFatal(config: ConfigPair): string | undefined {
  if (!config.master) return undefined;
  for (const entry of masterEntries(config.master)) {
    const problem = entry.problem;
    if (!problem) continue;
    if (problem.code === "field-count") {
      const line = lineNumber(config.master.text, entry.start);
      return `file ${config.configDir}/master.cf: line ${line}: bad field count`;
    }
    return `invalid ${problem.code} field "${problem.field?.text}" in "${cString(entry.text)}"`;
  }
  return undefined;
}

/**
 * postconf expands the values of built-in and service parameters (looking for
 * legacy database names), so a `$` syntax error or an expansion loop there is fatal.
 */
function macroFatal(config: ConfigPair, usage: ParameterUsage): string | undefined {
  const settings = mainSettings(config.main);
  const known = (setting: ParameterSetting) =>
    usage.isKnown(setting.name.text) && !usage.userNames.has(setting.name.text);
  const serviceValues = masterEntries(config.master)
    .filter((entry) => !entry.problem)
    .flatMap((entry) =>
      entry.options.flatMap((option) => (option.setting ? [option.setting] : [])),
    );
  for (const setting of [...settings.values(), ...serviceValues]) {
    if (!known(setting)) continue;
    if (setting.macros.error || expansionLoops(setting, settings)) return "macro processing error";
  }
  return undefined;
}

/** True when expanding the value runs into a reference cycle among main.cf settings. */
function expansionLoops(start: ParameterSetting, settings: Map<string, ParameterSetting>): boolean {
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (setting: ParameterSetting): boolean => {
    for (const reference of setting.macros.references) {
      const name = reference.name.text;
      const target = settings.get(name);
      if (!target || done.has(name)) continue;
      if (onPath.has(name)) return true;
      onPath.add(name);
      if (visit(target)) return true;
      onPath.delete(name);
      done.add(name);
    }
    return false;
  };
  return visit(start);
}

/**
 * The argument vector as postconf normalises it (pcf_normalize_daemon_args),
 * including its quirk of splitting an option word at every later `o`:
 * `-osyslog_name=x` becomes `-o sysl -o g_name=x`. The daemons read it correctly.
 */
export function postconfArgv(entry: MasterEntry): string[] {
  const argv = entry.words.map((word) => word.text);
  let field = 8;
  for (; field < argv.length; field++) {
    const arg = argv[field];
    if (!arg.startsWith("-") || arg === "--") break;
    for (let i = 2; i < arg.length; i++) {
      if (arg[i] === "o") {
        argv.splice(field + 1, 0, "-" + arg.slice(i));
        argv[field] = arg.slice(0, i);
        break;
      }
    }
    const current = argv[field];
    if (current[1] !== "o") continue;
    let extract: boolean;
    if (current.length > 2) {
      argv.splice(field + 1, 0, current.slice(2));
      argv[field] = "-o";
      field += 1;
      extract = argv[field].startsWith("{");
    } else if (field + 1 < argv.length) {
      field += 1;
      extract = argv[field].startsWith("{");
    } else {
      extract = false;
    }
    if (extract) {
      argv[field] = extractBraceText(argv[field]);
      const normalized = splitSetting(argv[field]);
      if (normalized) argv[field] = `${normalized[0]}=${normalized[1]}`;
    }
  }
  for (; field < argv.length; field++) {
    if (argv[field].startsWith("{")) argv[field] = extractBraceText(argv[field]);
  }
  return argv;
}

/** The `-o` settings postconf registers from a normalised argument vector. */
function postconfSettings(argv: string[]): [string, string][] {
  const settings: [string, string][] = [];
  for (let field = 8; field < argv.length; field++) {
    const arg = argv[field];
    if (!arg.startsWith("-") || arg === "--") break;
    if (arg[1] !== "o" || field + 1 >= argv.length) continue;
    if (arg === "-o") {
      const setting = splitSetting(argv[field + 1]);
      if (setting) settings.push(setting);
    }
    field += 1;
  }
  return settings;
}

const BLANKS = " \t\r\n";

function isBlank(ch: string): boolean {
  return " \t\n\v\f\r".includes(ch);
}

/** extpar() with stripping: the inside of `{...}`, trimmed; text after `}` dropped. */
function extractBraceText(word: string): string {
  let level = 0;
  let close = -1;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === "{") level++;
    else if (word[i] === "}" && --level === 0) {
      close = i;
      break;
    }
  }
  let inner = word.slice(1, close >= 0 ? close : undefined);
  let from = 0;
  let to = inner.length;
  while (to > 0 && isBlank(inner[to - 1])) to--;
  while (from < to && isBlank(inner[from])) from++;
  inner = inner.slice(from, to);
  return inner;
}

/** split_nameval() on a string: [name, value] or undefined. */
function splitSetting(text: string): [string, string] | undefined {
  let i = 0;
  while (i < text.length && isBlank(text[i])) i++;
  if (i >= text.length || text[i] === "=") return undefined;
  const nameStart = i;
  while (i < text.length && !isBlank(text[i]) && text[i] !== "=") i++;
  const name = text.slice(nameStart, i);
  while (i < text.length && isBlank(text[i])) i++;
  if (text[i] !== "=") return undefined;
  i++;
  let end = text.length;
  while (end > i && isBlank(text[end - 1])) end--;
  while (i < end && isBlank(text[i])) i++;
  return [name, text.slice(i, end)];
}

const COLUMN_GOALS = [0, 11, 17, 25, 33, 41, 49, 57];

/** pcf_print_master_entry() without folding. */
function formatMasterEntry(argv: string[]): string {
  let line = "";
  for (let field = 0; field < 8; field++) {
    if (line.length > 0) {
      do line += " ";
      while (line.length < COLUMN_GOALS[field]);
    }
    line += argv[field];
  }
  const hasBlank = (text: string) => [...text].some((ch) => BLANKS.includes(ch));
  let inOptions = true;
  for (let field = 8; field < argv.length; field++) {
    const arg = argv[field];
    line += " ";
    if (inOptions && (!arg.startsWith("-") || arg === "--")) inOptions = false;
    if (inOptions) {
      if (arg[1] === "o" && field + 1 < argv.length) {
        const value = argv[++field];
        line += hasBlank(value) ? `${arg} {${value}}` : `${arg} ${value}`;
      } else {
        line += arg;
      }
    } else {
      line += hasBlank(arg) ? `{${arg}}` : arg;
    }
  }
  return line;
}
