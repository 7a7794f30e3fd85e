import { isAscii } from "node:buffer";
import { existsSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { LineIndex } from "./service/text/lineIndex";
import { FORMAT_USAGE, runFormatFiles } from "./cliFormat";
import { NEWEST_VERSION, type PostfixVersion, compareVersions } from "./service/data/parameters";
import { type ConfigKind, type ParsedConfig, parseConfig } from "./service/parser/document";
import {
  type ConfigPair,
  type EmulatedOutput,
  printMainSettings,
  printMasterEntries,
  printServiceSettings,
} from "./service/postconfEmulation";
import { RULES } from "./service/rules/ruleTable";
import {
  MAX_ANALYSED_LENGTH,
  type SeveritySetting,
  doValidation,
  tooLargeDiagnostic,
} from "./service/validation";

/**
 * postfix-lint: runs the language service on files or config directories.
 * Exit status: 0 nothing at error severity, 1 errors found, 2 usage or I/O error.
 */

const USAGE = `usage: postfix-lint [--format text|json] [--postfix-version X.Y] [--rule ID=SEVERITY]... [--kind main|master] PATH...
       postfix-lint --print main|master|services DIR
PATH is a main.cf or master.cf file, a config directory (its main.cf and master.cf), or - for stdin (with --kind).
--print emulates postconf -n (main), -M (master) or -P (services) on DIR.
       ${FORMAT_USAGE}
--format-files formats the files in place (--check: writes nothing, exits 1 if a file would change).`;

class UsageError extends Error {}

interface Options {
  format: "text" | "json";
  version: PostfixVersion;
  rules: Record<string, SeveritySetting>;
  kind?: ConfigKind;
  print?: "main" | "master" | "services";
  paths: string[];
}

function parseArguments(args: string[]): Options {
  const options: Options = { format: "text", version: NEWEST_VERSION, rules: {}, paths: [] };
  const valueOf = (index: number, flag: string) => {
    if (index >= args.length) throw new UsageError(`${flag} needs a value`);
    return args[index];
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--format") {
      const format = valueOf(++i, arg);
      if (format !== "text" && format !== "json")
        throw new UsageError(`unknown format "${format}"`);
      options.format = format;
    } else if (arg === "--postfix-version") {
      const version = valueOf(++i, arg);
      if (!/^\d+\.\d+$/.test(version) || compareVersions(version, "2.0") < 0) {
        throw new UsageError(`invalid Postfix version "${version}" (expected X.Y, e.g. 3.7)`);
      }
      options.version = version;
    } else if (arg === "--rule") {
      const match = /^([a-z0-9-]+)=(off|info|warning|error|hint)$/.exec(valueOf(++i, arg));
      if (!match) throw new UsageError(`--rule expects ID=off|info|warning|error|hint`);
      if (!RULES.some((rule) => rule.id === match[1]))
        throw new UsageError(`unknown rule "${match[1]}"`);
      options.rules[match[1]] = match[2] as SeveritySetting;
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
  return options;
}

function readText(path: string): string {
  try {
    const bytes = readFileSync(path);
    // ASCII decodes the same as Latin-1, which is a plain copy (faster than UTF-8 decoding).
    return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  } catch (error) {
    throw new Error(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

function runPrint(options: Options): number {
  if (options.paths.length !== 1)
    throw new UsageError("--print takes exactly one config directory");
  const dir = options.paths[0].replace(/\/+$/, "") || "/";
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`${dir} is not a directory`);
  const read = (kind: ConfigKind) => {
    const path = join(dir, `${kind}.cf`);
    return existsSync(path) ? readText(path) : undefined;
  };
  const mainText = read("main");
  const masterText = read("master");
  const config: ConfigPair = {
    configDir: dir,
    // postconf derives myhostname from the host it runs on; so do we.
    hostname: hostname(),
    // The emulation reads main.cf from its text, as postconf does: no parse tree.
    main: mainText === undefined ? undefined : { text: mainText },
    master: masterText === undefined ? undefined : parseConfig("master", masterText),
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
  text: string;
}

function collectTargets(options: Options): LintTarget[] {
  const targets: LintTarget[] = [];
  for (const path of options.paths) {
    if (path === "-") {
      if (!options.kind) throw new UsageError("reading stdin needs --kind main|master");
      targets.push({ path: "<stdin>", kind: options.kind, text: readFileSync(0, "utf8") });
      continue;
    }
    if (!existsSync(path)) throw new Error(`${path}: no such file or directory`);
    if (statSync(path).isDirectory()) {
      const found = (["main", "master"] as const).filter((kind) =>
        existsSync(join(path, `${kind}.cf`)),
      );
      if (found.length === 0) throw new Error(`${path}: no main.cf or master.cf in this directory`);
      for (const kind of found) {
        const file = join(path, `${kind}.cf`);
        targets.push({ path: file, kind, text: readText(file) });
      }
      continue;
    }
    const kind = options.kind ?? kindFromName(path);
    if (!kind) throw new UsageError(`${path}: cannot tell main.cf from master.cf; use --kind`);
    targets.push({ path, kind, text: readText(path) });
  }
  return targets;
}

function kindFromName(path: string): ConfigKind | undefined {
  const name = basename(path);
  if (name.startsWith("main.cf")) return "main";
  if (name.startsWith("master.cf")) return "master";
  return undefined;
}

/** The other file of the same directory, so that rules see the whole configuration. */
function siblingOf(target: LintTarget): ParsedConfig | undefined {
  if (target.path === "<stdin>") return undefined;
  const kind = target.kind === "main" ? "master" : "main";
  const path = join(dirname(target.path), `${kind}.cf`);
  return existsSync(path) ? parseConfig(kind, readText(path)) : undefined;
}

const SEVERITY_NAMES = ["", "error", "warning", "info", "hint"];

function runLint(options: Options): number {
  let errors = 0;
  const report = collectTargets(options).map((target) => {
    const index = new LineIndex(target.text);
    const diagnostics =
      target.text.length > MAX_ANALYSED_LENGTH
        ? [tooLargeDiagnostic(target.text.length)]
        : doValidation(
            parseConfig(target.kind, target.text),
            index,
            { rules: options.rules, version: options.version },
            siblingOf(target),
          );
    return {
      path: target.path,
      diagnostics: diagnostics.map((diagnostic) => {
        const severity = SEVERITY_NAMES[diagnostic.severity ?? 1];
        if (severity === "error") errors++;
        return {
          line: diagnostic.range.start.line + 1,
          column: diagnostic.range.start.character + 1,
          endLine: diagnostic.range.end.line + 1,
          endColumn: diagnostic.range.end.character + 1,
          severity,
          code: String(diagnostic.code),
          message: diagnostic.message,
        };
      }),
    };
  });
  if (options.format === "json") {
    process.stdout.write(JSON.stringify({ files: report }) + "\n");
  } else {
    for (const file of report) {
      for (const d of file.diagnostics) {
        process.stdout.write(
          `${file.path}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]\n`,
        );
      }
    }
  }
  return errors > 0 ? 1 : 0;
}

function main(args: string[]): number {
  if (args[0] === "--format-files") return runFormatFiles(args.slice(1));
  try {
    const options = parseArguments(args);
    return options.print ? runPrint(options) : runLint(options);
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

// A reader that stops early (`postfix-lint ... | head`) closes the pipe: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = main(process.argv.slice(2));
