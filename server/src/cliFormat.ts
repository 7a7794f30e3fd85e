import { isUtf8 } from "node:buffer";
import { existsSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { replaceFile } from "./files/replaceFile";
import { readFileSafelySync } from "./files/safeRead";
import { DEFAULT_CONTINUATION_INDENT, formatText } from "./service/format";
import { MAX_ANALYSED_LENGTH } from "./service/validation";
import type { ConfigKind } from "./service/parser/document";

/**
 * postfix-lint --format-files [--check] [--indent N] PATH...: formats main.cf and
 * master.cf files in place (a directory stands for its main.cf and master.cf).
 * Prints each file it changed (or, with --check, would change).
 * Exit status: 0 done, 1 a file would change (--check), 2 usage or I/O error.
 */

export const FORMAT_USAGE = "postfix-lint --format-files [--check] [--indent N] PATH...";

/** Runs the mode on the arguments after --format-files and returns the exit status. */
export function runFormatFiles(args: string[]): number {
  let check = false;
  let continuationIndent = DEFAULT_CONTINUATION_INDENT;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--check") check = true;
    else if (arg === "--indent") {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 16) {
        return usageError("--indent expects an integer from 1 to 16");
      }
      continuationIndent = value;
    } else if (arg.startsWith("-") && arg !== "-") return usageError(`unknown option "${arg}"`);
    else paths.push(arg);
  }
  if (paths.length === 0) return usageError("no PATH given");

  let status = 0;
  for (const file of paths.flatMap(filesOf)) {
    try {
      const kind = kindOf(file);
      if (!kind) throw new Error("not a main.cf or master.cf file (by name)");
      // The user named the file, so a link is followed; still only a regular file
      // under the size cap is read (a FIFO or a device would block or fill memory).
      const read = readFileSafelySync(file, {
        maxBytes: MAX_ANALYSED_LENGTH,
        allowedRoots: [],
        followSymlinksOutside: true,
      });
      if (!read.ok) throw new Error(`not formatted: it ${read.detail}`);
      const { bytes } = read;
      // Text that is not UTF-8 is read byte for byte, so that it is written back unchanged.
      const encoding = isUtf8(bytes) ? "utf8" : "latin1";
      const text = bytes.toString(encoding);
      const formatted = formatText(text, kind, { continuationIndent });
      if (formatted === text) continue;
      if (!check) replaceFile(file, Buffer.from(formatted, encoding));
      process.stdout.write(`${file}\n`);
      status = Math.max(status, check ? 1 : 0);
    } catch (error) {
      process.stderr.write(
        `postfix-lint: ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      status = 2;
    }
  }
  return status;
}

function usageError(message: string): number {
  process.stderr.write(`postfix-lint: ${message}\nusage: ${FORMAT_USAGE}\n`);
  return 2;
}

/** A file as given; a directory stands for the main.cf and master.cf in it. */
function filesOf(path: string): string[] {
  if (!existsSync(path) || !statSync(path).isDirectory()) return [path];
  return ["main.cf", "master.cf"]
    .map((name) => join(path, name))
    .filter((file) => existsSync(file));
}

function kindOf(file: string): ConfigKind | undefined {
  const name = basename(file);
  if (/^main\.cf(\.proto)?$/.test(name)) return "main";
  if (/^master\.cf(\.proto)?$/.test(name)) return "master";
  return undefined;
}
