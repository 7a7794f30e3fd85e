/**
 * The text of lookup table files as Postfix reads it: logical lines (readllines()
 * in readlline.c), and the line checks that dict_cidr.c, dict_regexp.c and
 * dict_pcre.c make when a table is opened. Pure: text in, problems out. Only the
 * shape of a line is checked (delimiters, flags, IF/ENDIF, a missing result), never
 * what a regular expression means: JavaScript's regular expressions are neither
 * POSIX's nor PCRE's.
 */

import { parseNetwork } from "../rules/relay/networks";

/** A logical line: continuation lines joined, with the number of its first line. */
export interface TableLine {
  line: number;
  text: string;
}

/** A line Postfix complains about when it opens the table (it skips that rule). */
export interface TableLineProblem {
  line: number;
  text: string;
  problem: string;
}

const decoder = new TextDecoder("utf-8");

/** A table file's bytes as text (UTF-8; a stray byte becomes U+FFFD, which no check looks at). */
export const tableText = (bytes: Uint8Array) => decoder.decode(bytes);

/** A file time as messages and hovers give it: "2026-12-06 18:51 UTC". */
export const timeOf = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

const isSpace = (ch: string | undefined) =>
  ch === " " || ch === "\t" || ch === "\r" || ch === "\n" || ch === "\v" || ch === "\f";

/**
 * readllines(): blank and `#` comment lines are skipped; a line that starts with
 * whitespace continues the logical line before it (joined without a separator,
 * its leading whitespace kept). Linear in the text.
 */
export function tableLines(text: string): TableLine[] {
  const lines: TableLine[] = [];
  let current: TableLine | undefined;
  let number = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    number++;
    const physical = text.slice(start, end);
    start = end + 1;
    let first = 0;
    while (first < physical.length && isSpace(physical[first])) first++;
    if (first === physical.length || physical[first] === "#") continue;
    if (isSpace(physical[0])) {
      // Without a line to continue, Postfix warns and skips it.
      if (current) current.text += physical;
      continue;
    }
    current = { line: number, text: physical };
    lines.push(current);
  }
  // Trailing whitespace (a carriage return too) means nothing to the parsers.
  for (const line of lines) line.text = line.text.replace(/\s+$/, "");
  return lines;
}

/** The number of entries (logical lines) in a table source. */
export function entryCount(text: string): number {
  return tableLines(text).length;
}

/** dict_cidr_parse_rule(): `[!]network[/prefix] result`, `IF network`, `ENDIF`. */
export function cidrProblems(text: string): TableLineProblem[] {
  const problems: TableLineProblem[] = [];
  const open: TableLine[] = [];
  for (const entry of tableLines(text)) {
    const report = (problem: string) => problems.push({ ...entry, problem });
    let p = entry.text.replace(/^\s+/, "");
    if (/^if(?![A-Za-z0-9])/i.test(p)) {
      p = p.slice(2).replace(/^[\s!]+/, "");
      if (p === "") report("IF has no address pattern");
      else {
        const reason = networkProblem(p);
        if (reason) report(reason);
        else open.push(entry);
      }
      continue;
    }
    if (/^endif(?![A-Za-z0-9])/i.test(p)) {
      if (p.slice(5).trim() !== "") report("text follows ENDIF");
      else if (open.length === 0) report("ENDIF without IF");
      else open.pop();
      continue;
    }
    p = p.replace(/^[\s!]+/, "");
    const match = /^(\S*)\s*(.*)$/.exec(p)!;
    const [, pattern, result] = match;
    if (pattern === "") {
      report("no address pattern");
      continue;
    }
    const reason = networkProblem(pattern);
    if (reason) report(reason);
    else if (result === "") report("no result after the network");
  }
  return [...problems, ...unclosed(open)];
}

/** The IFs left open at the end, innermost first, as Postfix reports them. */
function unclosed(open: TableLine[]): TableLineProblem[] {
  return open.reverse().map((entry) => ({ ...entry, problem: "IF has no matching ENDIF" }));
}

/** cidr_match_parse() on one pattern: undefined when it parses. */
function networkProblem(pattern: string): string | undefined {
  const parsed = parseNetwork(pattern);
  if (parsed.kind === "invalid") return `"${pattern}" is not a valid network: ${parsed.reason}`;
  if (parsed.kind !== "network") return `"${pattern}" is not a valid network`;
  return undefined;
}

export type RegexpFlavor = "regexp" | "pcre";

/** The flags after the closing delimiter (dict_regexp_get_pat(), dict_pcre_get_pattern()). */
const FLAGS: Record<RegexpFlavor, string> = { regexp: "imx", pcre: "imsxAEUX" };

/**
 * dict_regexp_parseline() / dict_pcre_parse_rule(): `[!]/pattern/flags result`
 * (any delimiter, optionally `!/second/flags`), `IF [!]/pattern/flags`, `ENDIF`.
 */
export function regexpProblems(text: string, flavor: RegexpFlavor): TableLineProblem[] {
  const problems: TableLineProblem[] = [];
  const open: TableLine[] = [];
  for (const entry of tableLines(text)) {
    const report = (problem: string) => problems.push({ ...entry, problem });
    const p = entry.text;
    if (!/^[A-Za-z0-9]/.test(p)) {
      const first = patternEnd(p, 0, flavor);
      if (typeof first === "string") {
        report(first);
        continue;
      }
      let at = first;
      if (p[at] === "!") {
        const second = patternEnd(p, at, flavor);
        if (typeof second === "string") {
          report(second);
          continue;
        }
        at = second;
      }
      if (p.slice(at).trim() === "") report("no result after the pattern");
      continue;
    }
    if (/^if(?![A-Za-z0-9])/i.test(p)) {
      let at = 2;
      while (isSpace(p[at])) at++;
      const end = patternEnd(p, at, flavor);
      if (typeof end === "string") report(end);
      else {
        if (p.slice(end).trim() !== "") report("text follows the IF pattern");
        open.push(entry);
      }
      continue;
    }
    if (/^endif(?![A-Za-z0-9])/i.test(p)) {
      if (open.length === 0) report("ENDIF without IF");
      else {
        open.pop();
        if (p.slice(5).trim() !== "") report("text follows ENDIF");
      }
      continue;
    }
    report("a line must start with a pattern, IF or ENDIF");
  }
  return [...problems, ...unclosed(open)];
}

/**
 * Reads `[!...]<d>pattern<d>flags` from `from`; returns the index after the flags,
 * or what is wrong.
 */
function patternEnd(text: string, from: number, flavor: RegexpFlavor): number | string {
  let p = from;
  while (p < text.length && (text[p] === "!" || isSpace(text[p]))) p++;
  if (p >= text.length) return "no pattern";
  const delimiter = text[p++];
  while (p < text.length) {
    if (text[p] === "\\") {
      if (p + 1 >= text.length) break;
      p++;
    } else if (text[p] === delimiter) break;
    p++;
  }
  if (p >= text.length) return `the pattern has no closing "${delimiter}"`;
  p++;
  while (p < text.length && !isSpace(text[p]) && text[p] !== "!") {
    if (!FLAGS[flavor].includes(text[p])) return `unknown flag "${text[p]}" after the pattern`;
    p++;
  }
  return p;
}
