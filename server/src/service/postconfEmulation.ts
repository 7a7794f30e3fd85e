import {
  type ConfigDictionaries,
  type ParameterUsage,
  READ_ONLY_PARAMETERS,
  type ServiceScope,
  analyzeParameterUsage,
  splitList,
} from "./analysis/parameterUsage";
import { masterEntries } from "./analysis/configModel";
import type { PostfixVersion } from "./data/parameters";
import { evaluateExpansion } from "./parser/expansion";
import type { ParsedConfig } from "./parser/document";
import { forEachLogicalLineText } from "./parser/logicalLines";
import { type MainLineProblem, mainLineSyntax } from "./parser/mainCf";
import type { MasterEntry } from "./parser/masterCf";

/**
 * Prints a configuration the way `postconf -n`, `-M` and `-P` print it, so that
 * users without Postfix at hand can see what Postfix will read, and so that tests
 * can compare our parse with the real postconf line for line.
 */

export interface ConfigPair {
  /** The directory name postconf would be given with -c; used in messages. */
  configDir: string;
  /** The host name of the machine postconf runs on (it matters when it has no dot). */
  hostname?: string;
  /**
   * main.cf: postconf reads it into a dictionary, so its text is all the emulation
   * needs (a ParsedConfig will do; the CLI saves itself the parse tree). Undefined
   * when the file does not exist.
   */
  main?: Pick<ParsedConfig, "text">;
  /** Undefined when the file does not exist: postconf then stops, and so does the emulation. */
  master?: ParsedConfig;
}

export interface EmulatedOutput {
  lines: string[];
  /** postconf's fatal error, without the "postconf: fatal: " prefix. */
  fatal?: string;
}

/** `postconf -n`: explicit main.cf settings of known parameters, sorted by name. */
export function printMainSettings(config: ConfigPair, version: PostfixVersion): EmulatedOutput {
  const { dictionaries, usage, fatal } = readLikePostconf(config, version, "main first");
  if (fatal) return { lines: [], fatal };
  const lines: string[] = [];
  // forEach, not for-of: a long main.cf would allocate an entry pair per name.
  dictionaries.main.forEach((value, name) => {
    if (usage.isKnown(name) && !READ_ONLY_PARAMETERS.has(name))
      lines.push(printSetting(name, value));
  });
  return { lines: sortSettingLines(lines, plainOrderOf(config.main?.text ?? "")) };
}

/** `postconf -M`: one line per master.cf entry, fields in postconf's columns. */
export function printMasterEntries(config: ConfigPair, version: PostfixVersion): EmulatedOutput {
  const { fatal } = readLikePostconf(config, version, "master first");
  if (fatal) return { lines: [], fatal };
  return {
    lines: readEntries(config).map((entry) => formatMasterEntry(postconfArgv(entry))),
  };
}

/** `postconf -P`: the `-o name=value` settings of each entry, sorted by name. */
export function printServiceSettings(config: ConfigPair, version: PostfixVersion): EmulatedOutput {
  const { dictionaries, fatal } = readLikePostconf(config, version, "master first");
  if (fatal) return { lines: [], fatal };
  const lines: string[] = [];
  // One search of master.cf for all services, not one per service.
  const plainOrder = plainOrderOf(config.master?.text ?? "");
  for (const scope of dictionaries.services) {
    if (!scope.settings) continue;
    const prefix = `${scope.service}/${scope.type}/`;
    const scopeLines: string[] = [];
    scope.settings.forEach((value, name) => scopeLines.push(printSetting(name, value, prefix)));
    lines.push(...sortSettingLines(scopeLines, plainOrder));
  }
  return { lines };
}

/** The master.cf entries postconf keeps (the others are skipped, or fatal before this is used). */
function readEntries(config: ConfigPair): MasterEntry[] {
  return masterEntries(config.master).filter((entry) => !entry.problem);
}

/**
 * main.cf as postconf reads it: a dictionary (last assignment wins), and the fatal
 * error of the first logical line that is not `name = value` (postconf skips a
 * first line that starts with whitespace, with a warning). It uses the parser's
 * logical lines and split, without building parse nodes.
 */
function readMainCf(config: ConfigPair): { main: Map<string, string>; fatal?: string } {
  const main = new Map<string, string>();
  if (!config.main) return { main };
  const { text } = config.main;
  let fatal: string | undefined;
  forEachLogicalLineText(text, (lineText, start) => {
    const syntax = mainLineSyntax(lineText);
    if (typeof syntax !== "string") {
      const { nameStart, nameEnd, valueStart, valueEnd } = syntax;
      main.set(lineText.slice(nameStart, nameEnd), lineText.slice(valueStart, valueEnd));
    } else if (syntax !== "leading-whitespace" && fatal === undefined) {
      fatal = mainSyntaxFatal(config.configDir, text, start, lineText, syntax);
    }
  });
  return { main, fatal };
}

/**
 * The dictionaries postconf builds: main.cf (read by readMainCf) and, per
 * master.cf entry, the `-o` settings of its service/type name space, taken from
 * postconf's own normalisation of the command line. An entry sees the name space
 * only if it or an earlier entry with the same service/type had a setting.
 */
function postconfDictionaries(config: ConfigPair, main: Map<string, string>): ConfigDictionaries {
  const namespaces = new Map<string, Map<string, string>>();
  const services: ServiceScope[] = readEntries(config).map((entry) => {
    const argv = postconfArgv(entry);
    const key = `${argv[0]}/${argv[1]}`;
    for (const [name, value] of postconfSettings(argv)) {
      let settings = namespaces.get(key);
      if (!settings) namespaces.set(key, (settings = new Map()));
      settings.set(name, value);
    }
    const command = argv[7];
    return {
      service: argv[0],
      type: argv[1],
      command: command.slice(command.lastIndexOf("/") + 1),
      settings: namespaces.get(key),
    };
  });
  return { main, services, hostname: config.hostname };
}

/**
 * What postconf checks before it prints, in its order: -n reads main.cf before
 * master.cf, -M and -P the other way round; then it registers parameters, which
 * expands the values of known ones and, when mynetworks is not set, computes its
 * default from inet_interfaces, mynetworks_style and inet_protocols.
 */
function readLikePostconf(
  config: ConfigPair,
  version: PostfixVersion,
  order: "main first" | "master first",
): { dictionaries: ConfigDictionaries; usage: ParameterUsage; fatal?: string } {
  const { main, fatal: mainFatal } = readMainCf(config);
  // A missing main.cf is fatal to every command; a missing master.cf only to
  // -M and -P (-n warns and goes on, a warning the emulation leaves out).
  const mainMissing = config.main ? undefined : missingFile(config, "main.cf");
  const masterMissing = config.master ? undefined : missingFile(config, "master.cf");
  const syntaxFatal =
    order === "main first"
      ? (mainMissing ?? mainFatal ?? masterFieldFatal(config))
      : (masterMissing ?? masterFieldFatal(config) ?? mainMissing ?? mainFatal);
  const dictionaries = postconfDictionaries(config, main);
  const usage = analyzeParameterUsage(dictionaries, version);
  const failure = usage.expansionFailure;
  const failedIn = (phase: string) => (failure?.phase === phase ? MACRO_FATAL : undefined);
  const fatal =
    syntaxFatal ??
    failedIn("services") ??
    failedIn("defaults") ??
    mynetworksFatal(dictionaries.main, usage) ??
    failedIn("main");
  return { dictionaries, usage, fatal };
}

/** postconf's fatal error for a configuration file that does not exist. */
function missingFile(config: ConfigPair, file: "main.cf" | "master.cf"): string {
  return `open ${config.configDir}/${file}: No such file or directory`;
}

/**
 * postconf's fatal error after a `$` expansion error. (Where it expanded through
 * mail_conf_lookup_eval() it says "dictionary mail_dict: macro processing error".)
 */
const MACRO_FATAL = "macro processing error";

/**
 * pcf_mynetworks(), run while postconf scans the defaults (after master.cf's
 * settings, before main.cf's): Postfix expands inet_interfaces, mynetworks_style
 * and inet_protocols (a main.cf value through the main.cf dictionary alone, a
 * default through postconf's own lookup), validates the protocols and the style,
 * and resolves the interfaces. Host names depend on the machine, so only address
 * literals are checked against the protocols.
 */
function mynetworksFatal(main: Map<string, string>, usage: ParameterUsage): string | undefined {
  if (main.has("mynetworks")) return undefined;
  const values: string[] = [];
  for (const name of ["inet_interfaces", "mynetworks_style", "inet_protocols"]) {
    const own = main.get(name);
    const expansion =
      own !== undefined
        ? evaluateExpansion(own, (other) => main.get(other))
        : evaluateExpansion(usage.lookup(name) ?? "", usage.lookup);
    if (expansion.error) {
      return own !== undefined
        ? "dictionary mail_dict: macro processing error"
        : "macro processing error";
    }
    values.push(expansion.value);
  }
  const [interfaces, style, protocols] = values;
  const families = new Set<string>();
  for (const protocol of splitList(protocols)) {
    if (protocol === "all") ["ipv4", "ipv6"].forEach((family) => families.add(family));
    else if (protocol === "ipv4" || protocol === "ipv6") families.add(protocol);
    else return `unknown inet_protocols value "${protocol}" in "${protocols}"`;
  }
  // With every protocol disabled, Postfix skips the rest.
  if (families.size === 0) return undefined;
  const styles = new Set<string>();
  for (const word of splitList(style)) {
    if (!["class", "subnet", "host"].includes(word)) {
      return `unknown mynetworks mask style value "${word}" in "${style}"`;
    }
    styles.add(word);
  }
  if (styles.size !== 1) return `bad mynetworks_style value: ${style}; specify exactly one value`;
  for (const address of splitList(interfaces)) {
    if (address === "all" || address === "loopback-only") continue;
    const literal = address.replace(/^\[(.*)\]$/, "$1");
    const family = /^\d+\.\d+\.\d+\.\d+$/.test(literal)
      ? "ipv4"
      : literal.includes(":")
        ? "ipv6"
        : undefined;
    if (family && !families.has(family)) {
      return `config variable inet_interfaces: host not found: ${address}`;
    }
  }
  return undefined;
}

/** `name = value` as postconf prints a setting, `prefix` before the name. */
function printSetting(name: string, value: string, prefix = ""): string {
  // Most settings are in pcf_print_line()'s form already, and looking at the parts
  // is cheaper than splitting the line. A name holds no blanks (split_nameval()
  // ends it at the first); an empty value would leave a trailing blank.
  const plainPrefix = prefix === "" || !NOT_PRINT_FORM.test(prefix);
  if (value !== "" && plainPrefix && !NOT_PRINT_FORM.test(value)) {
    return `${prefix}${name} = ${value}`;
  }
  return printLine(`${prefix}${name} = ${value}`);
}

/** Text that pcf_print_line() changes: blanks other than single spaces between words. */
const NOT_PRINT_FORM = /[\t\r\n]|^ | $| {2}/;

/** pcf_print_line(): words separated by single spaces, no leading or trailing blanks. */
function printLine(text: string): string {
  const spaced = text.replace(BLANKS_RUN, " ");
  const start = spaced.startsWith(" ") ? 1 : 0;
  const end = spaced.length > start && spaced.endsWith(" ") ? spaced.length - 1 : spaced.length;
  return spaced.slice(start, end);
}

const BLANKS_RUN = /[ \t\r\n]+/g;

/**
 * Sorts printed settings (`name = value`, all with the same prefix) in strcmp()
 * order of their names, as postconf sorts them; `plainOrder` is plainOrderOf()
 * the text the names and prefixes were taken from. The lines themselves sort that
 * way unless a name holds a character below the blank that follows it. And
 * strcmp() compares UTF-8 bytes, which order like code points: JavaScript's own
 * string order compares UTF-16 units, which differs only when a surrogate pair
 * meets U+E000–U+FFFF.
 * Without such characters in the source, the built-in sort of the lines does it:
 * much faster than a comparison function, or than comparing names cut out of the
 * file. (One search of the source costs less than one per line.)
 */
function sortSettingLines(lines: string[], plainOrder: boolean): string[] {
  if (plainOrder) return lines.sort();
  const nameOf = (line: string) => line.slice(0, line.indexOf(" "));
  return lines.sort((a, b) => byteOrder(nameOf(a), nameOf(b)));
}

/**
 * Characters that make lines sort unlike their names: controls below the blank
 * (other than whitespace, which names lack) and surrogates. Written as what is
 * not one of them.
 */
const NOT_PLAIN_ORDER = /[^\t-\r -\ud7ff\ue000-\uffff]/;

/** True when names and prefixes taken from `source` sort like their lines. */
function plainOrderOf(source: string): boolean {
  return !NOT_PLAIN_ORDER.test(source);
}

function byteOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const left = a.codePointAt(i)!;
    const right = b.codePointAt(i)!;
    if (left !== right) return left - right;
    if (left > 0xffff) i++;
  }
  return a.length - b.length;
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

/** Postfix's logging shows every byte outside printable ASCII as '?'. */
function printable(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : "?"))
    .join("");
}

/** postconf's fatal error for a main.cf logical line at `start` that it cannot split. */
function mainSyntaxFatal(
  configDir: string,
  text: string,
  start: number,
  lineText: string,
  problem: Exclude<MainLineProblem, "leading-whitespace">,
): string {
  const reason =
    problem === "missing-name" ? "missing attribute name" : "missing '=' after attribute name";
  const line = lineNumber(text, start);
  return `${configDir}/main.cf, line ${line}: ${reason}: "${printable(cString(lineText))}"`;
}

function masterFieldFatal(config: ConfigPair): string | undefined {
  if (!config.master) return undefined;
  for (const entry of masterEntries(config.master)) {
    const problem = entry.problem;
    if (!problem || problem.code === "leading-whitespace") continue;
    if (problem.code === "field-count") {
      const line = lineNumber(config.master.text, entry.start);
      return `file ${config.configDir}/master.cf: line ${line}: bad field count`;
    }
    const field = printable(problem.field?.text ?? "");
    return `invalid ${problem.code} field "${field}" in "${printable(cString(entry.text))}"`;
  }
  return undefined;
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
    if (inOptions && (!arg.startsWith("-") || arg === "--")) {
      // postconf's printer never puts braces around the first non-option argument.
      inOptions = false;
      line += arg;
    } else if (inOptions) {
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
