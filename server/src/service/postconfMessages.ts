import { type Diagnostic, DiagnosticSeverity, type Range } from "vscode-languageserver-types";
import type { PositionMapper } from "./languageTypes";
import type { ConfigKind } from "./parser/document";
import { excerpt } from "./text/excerpt";

/**
 * What the real postconf printed about a configuration, as diagnostics on the
 * lines it names. postconf writes `postconf: warning: TEXT` and `postconf: fatal:
 * TEXT` on stderr; TEXT may start with the file and a line number, name a
 * parameter, or quote the text it objects to. Each message is placed by the
 * first of those it has, else on the first line of the file it is about.
 */

export const POSTCONF_SOURCE = "postconf";
/** postconf's messages quote up to a line of configuration; longer ones are cut. */
const MAX_MESSAGE_LENGTH = 300;

export interface CheckedText {
  text: string;
  mapper: PositionMapper;
}

export type PostconfFindings = Record<ConfigKind, Diagnostic[]>;

/**
 * The diagnostics of postconf's stderr, per file. `dir` is the directory postconf
 * read (its path is left out of the messages); `defaultKind` is the file a message
 * that names none is put in. A message printed twice (by two runs) counts once.
 */
export function postconfFindings(
  stderr: string,
  dir: string,
  files: Record<ConfigKind, CheckedText>,
  defaultKind: ConfigKind = "main",
): PostconfFindings {
  const findings: PostconfFindings = { main: [], master: [] };
  const seen = new Set<string>();
  for (const line of stderr.split("\n")) {
    const match = /^.*?postconf: (warning|fatal|panic|error): (.*)$/.exec(line);
    if (!match) continue;
    const text = match[2].split(`${dir}/`).join("");
    const key = `${match[1]} ${text}`;
    if (seen.has(key) || text.endsWith(`overriding earlier entry: config_directory=${dir}`))
      // postconf -c DIR sets config_directory before it reads main.cf: that is the check's doing.
      continue;
    seen.add(key);
    const place = locate(text, files, defaultKind);
    findings[place.kind].push({
      range: place.range,
      severity: match[1] === "warning" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      source: POSTCONF_SOURCE,
      code: match[1],
      message: `postconf ${match[1]}: ${excerpt(text, MAX_MESSAGE_LENGTH)}`,
    });
  }
  return findings;
}

interface Place {
  kind: ConfigKind;
  range: Range;
}

function locate(text: string, files: Record<ConfigKind, CheckedText>, fallback: ConfigKind): Place {
  const named = /^(?:file )?(main|master)\.cf\b/.exec(text)?.[1] as ConfigKind | undefined;
  const kind = named ?? fallback;
  let m: RegExpExecArray | null;
  if ((m = /^(?:file )?(?:main|master)\.cf(?:,|: ) ?line (\d+): /.exec(text))) {
    return { kind, range: lineRange(files[kind], Number(m[1]) - 1) };
  }
  if (
    (m = /^(?:main|master)\.cf: (?:unused parameter|read-only parameter assignment): ([^=]+)=/.exec(
      text,
    ))
  ) {
    const found = find(files[kind], new RegExp(`(?:^|[\\s{,])(${escape(m[1])})[ \\t]*=`, "m"));
    if (found) return { kind, range: found };
  }
  if ((m = /^(?:main|master)\.cf: undefined parameter: (\S+)$/.exec(text))) {
    const found = find(files[kind], new RegExp(`(\\$[{(]?${escape(m[1])})(?![\\w])`));
    if (found) return { kind, range: found };
  }
  // The last quoted text: in `invalid private field "x" in "ENTRY"`, the entry.
  const quoted = /.*"([^"]*)"/.exec(text)?.[1];
  if (quoted !== undefined) {
    // A quote may be cut ("...abc") and mark the error (abc>>>def): the longest piece is searched.
    const piece = quoted
      .replace(/^\.\.\.|\.\.\.$/g, "")
      .split(">>>")
      .reduce((a, b) => (b.length > a.length ? b : a), "");
    if (piece.trim()) {
      for (const candidate of named ? [kind] : [kind, other(kind)]) {
        const found = findText(files[candidate], piece);
        if (found) return { kind: candidate, range: found };
      }
    }
  }
  return { kind, range: lineRange(files[kind], 0) };
}

function other(kind: ConfigKind): ConfigKind {
  return kind === "main" ? "master" : "main";
}

/** The range of a whole line (without its line break); past the end, the last line. */
function lineRange(file: CheckedText, line: number): Range {
  const start = file.mapper.positionAt(file.mapper.offsetAt({ line, character: 0 }));
  const startOffset = file.mapper.offsetAt(start);
  const lineBreak = file.text.indexOf("\n", startOffset);
  let endOffset = lineBreak < 0 ? file.text.length : lineBreak;
  if (endOffset > startOffset && file.text[endOffset - 1] === "\r") endOffset--;
  return { start, end: file.mapper.positionAt(endOffset) };
}

/** The range of the first group of the first match of `pattern`. */
function find(file: CheckedText, pattern: RegExp): Range | undefined {
  const match = pattern.exec(file.text);
  if (!match) return undefined;
  const start = match.index + match[0].indexOf(match[1]);
  return rangeOf(file, start, start + match[1].length);
}

function findText(file: CheckedText, piece: string): Range | undefined {
  const start = file.text.indexOf(piece);
  return start < 0 ? undefined : rangeOf(file, start, start + piece.length);
}

function rangeOf(file: CheckedText, start: number, end: number): Range {
  return { start: file.mapper.positionAt(start), end: file.mapper.positionAt(end) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * postconf's findings that none of ours shares a line with: where our rules and
 * postconf disagree, which is a bug report for postfix-lsp.
 */
export function findingsWeMiss(postconf: Diagnostic[], ours: readonly Diagnostic[]): Diagnostic[] {
  const ourLines = new Set<number>();
  for (const { range } of ours) {
    for (let line = range.start.line; line <= range.end.line; line++) ourLines.add(line);
  }
  return postconf.filter((finding) => {
    for (let line = finding.range.start.line; line <= finding.range.end.line; line++) {
      if (ourLines.has(line)) return false;
    }
    return true;
  });
}
