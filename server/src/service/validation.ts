import type { Diagnostic } from "vscode-languageserver-types";
import { DiagnosticSeverity } from "vscode-languageserver-types";
import type { HostFileRequest, HostFiles } from "./hostFiles";
import type { PositionMapper } from "./languageTypes";
import { ruleDocsUrl } from "./data/packageInfo";
import { NEWEST_VERSION, type PostfixVersion } from "./data/parameters";
import { type ParsedConfig, isEntry } from "./parser/document";
import { type RuleContext, ruleContextSteps } from "./rules/context";
import type { Finding, Fix } from "./rules/findings";
import masterCfMissing, { masterMissingFinding } from "./rules/parameters/master-cf-missing";
import { RULE_MODULES } from "./rules/registry";
import { type RuleSeverity, getRule } from "./rules/ruleTable";

export type SeveritySetting = RuleSeverity | "off";

/** Every value a rule's severity may be set to. */
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = [
  "off",
  "hint",
  "info",
  "warning",
  "error",
];

/** Whether a value is a severity setting; never true for "__proto__", "constructor" or a number. */
export function isSeveritySetting(value: unknown): value is SeveritySetting {
  return typeof value === "string" && (SEVERITY_SETTINGS as readonly string[]).includes(value);
}

export interface ValidationSettings {
  /** Severity overrides by rule id. */
  rules?: Record<string, SeveritySetting>;
  /** At most this many diagnostics per file. */
  maxProblems?: number;
  /** The Postfix release to check against; default: the newest. */
  version?: PostfixVersion;
  /**
   * Say so, in an information diagnostic at the top, when main.cf is validated
   * without master.cf (the CLI and the server ask for it; rule tests do not).
   */
  noteMissingMaster?: boolean;
  /** Host files read for the rules (certificates, tables); absent when file checks are off. */
  host?: HostFiles;
}

export const DIAGNOSTIC_SOURCE = "postfix";

/**
 * Real main.cf and master.cf files are a few kilobytes. Beyond this size a
 * document is not analysed at all, so that a huge file cannot freeze the editor.
 */
export const MAX_ANALYSED_LENGTH = 10_000_000;

/**
 * The one diagnostic of a document too large to analyse: an open document is
 * measured in characters, a file on disk (which is not read) in bytes.
 */
export function tooLargeDiagnostic(
  length: number,
  unit: "characters" | "bytes" = "characters",
): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    code: "file-too-large",
    source: DIAGNOSTIC_SOURCE,
    message: `This file has ${length.toLocaleString("en")} ${unit}; files over ${MAX_ANALYSED_LENGTH.toLocaleString("en")} ${unit} are not analysed. Postfix configuration files are normally a few kilobytes.`,
  };
}

/**
 * Says that the sibling file (master.cf beside main.cf, or the reverse) exists but
 * was not read. `reason` continues "it ...", e.g. "is a FIFO (named pipe)".
 */
export function siblingNotReadDiagnostic(
  siblingName: string,
  reason: string,
  remedy: string,
): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: "sibling-not-read",
    source: DIAGNOSTIC_SOURCE,
    message: `The ${siblingName} beside this file was not read: it ${reason}. Checks that look at both main.cf and master.cf ran on this file alone. ${remedy}`,
  };
}

/**
 * Says that the certificates, keys or tables the configuration names were not
 * checked because the workspace is not trusted (the server only).
 */
export function hostFilesNotCheckedDiagnostic(count: number): Diagnostic {
  const files = count === 1 ? "1 file" : `${count} files`;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: "host-files-not-checked",
    source: DIAGNOSTIC_SOURCE,
    message: `The ${files} this configuration names (certificates, keys, lookup tables and their indexed files) were not checked, because the workspace is not trusted. In restricted mode the server opens no file that the configuration names, since an untrusted configuration could name any file on this machine. Trust the workspace to check them.`,
  };
}

/** What a diagnostic carries for its quick-fix (LSP round-trips `data` to code actions). */
export interface DiagnosticData {
  fix?: Fix;
}

/**
 * Diagnostics for one file. `sibling` is the other file of the same configuration
 * directory (master.cf for main.cf and vice versa), when known: rules see the
 * effective configuration of both, but only report on `config`.
 */
export function doValidation(
  config: ParsedConfig,
  mapper: PositionMapper,
  settings: ValidationSettings = {},
  sibling?: ParsedConfig,
  prepared?: RuleContext,
): Diagnostic[] {
  const steps = validationSteps(config, mapper, settings, sibling, prepared);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * doValidation() in steps: it pauses after building the rule context and after
 * each rule module, so that a server can answer hover and completion requests in
 * between, and drop a pass whose document changed meanwhile. Every step reads the
 * config, so none may run after the config was updated.
 *
 * `prepared` is the context that hostFileRequestSteps() built for the same files
 * and settings: validation then adds the host files to it instead of building it
 * again.
 */
export function* validationSteps(
  config: ParsedConfig,
  mapper: PositionMapper,
  settings: ValidationSettings = {},
  sibling?: ParsedConfig,
  prepared?: RuleContext,
): Generator<void, Diagnostic[], void> {
  const main = config.kind === "main" ? config : sibling?.kind === "main" ? sibling : undefined;
  const master =
    config.kind === "master" ? config : sibling?.kind === "master" ? sibling : undefined;
  let context: RuleContext;
  if (prepared) {
    // A copy, so that nothing a rule worked out without the host files is reused.
    context = { ...prepared, host: settings.host };
  } else {
    // After edits, the first read of a config's blocks shifts them into place: a step of its own.
    if (config.blocks.length + (sibling?.blocks.length ?? 0) > 0) yield;
    const version = settings.version ?? NEWEST_VERSION;
    context = yield* ruleContextSteps(main, master, version, settings.host);
  }
  yield;
  const findings: Finding[] = [];
  for (const rule of RULE_MODULES) {
    // The note has its module's place in the order (after the syntax findings).
    if (rule === masterCfMissing && config.kind === "main" && !master && settings.noteMissingMaster)
      findings.push({ ...masterMissingFinding(), rule: rule.meta.id });
    if (!rule.check || !rule.meta.files.includes(config.kind)) continue;
    yield;
    for (const finding of rule.check(context))
      if (finding.file === config.kind) findings.push({ ...finding, rule: rule.meta.id });
  }
  yield;
  const suppressed = suppressions(config);
  const diagnostics: Diagnostic[] = [];
  for (const finding of findings.sort((a, b) => a.start - b.start)) {
    const severity = severityOf(finding.rule, settings.rules);
    if (severity === "off" || suppressed(finding)) continue;
    const diagnostic: Diagnostic = {
      range: { start: mapper.positionAt(finding.start), end: mapper.positionAt(finding.end) },
      severity: LSP_SEVERITY[severity],
      code: finding.rule,
      source: DIAGNOSTIC_SOURCE,
      message: finding.message,
    };
    const href = ruleDocsUrl(finding.rule);
    if (href) diagnostic.codeDescription = { href };
    if (finding.fix) diagnostic.data = { fix: finding.fix } satisfies DiagnosticData;
    diagnostics.push(diagnostic);
    if (diagnostics.length >= (settings.maxProblems ?? 1000)) break;
  }
  return diagnostics;
}

/** The host files rules need, and the rule context built to find them (for validation). */
export interface HostFilePlan {
  requests: HostFileRequest[];
  /** Absent when the configuration names no file, so that no context was needed. */
  context?: RuleContext;
}

/**
 * The host files that rules need for this configuration (certificates, keys,
 * tables), each path once; contents and a listing win over metadata when asked for.
 */
export function hostFileRequests(
  config: ParsedConfig,
  settings: ValidationSettings = {},
  sibling?: ParsedConfig,
): HostFilePlan {
  const steps = hostFileRequestSteps(config, settings, sibling);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Words one of which a configuration must contain for a rule to ask for a file:
 * a configuration without them costs no rule context. Rules that ask for other
 * files add their words here.
 */
const HOST_FILE_WORDS =
  /cert_file|key_file|chain_files|CAfile|CApath|(?:hash|btree|lmdb|cdb|dbm|sdbm|cidr|regexp|pcre|texthash|_type):/;

/** hostFileRequests() in steps, pausing where building the rule context does (for the server). */
export function* hostFileRequestSteps(
  config: ParsedConfig,
  settings: ValidationSettings = {},
  sibling?: ParsedConfig,
): Generator<void, HostFilePlan, void> {
  if (!HOST_FILE_WORDS.test(config.text) && !(sibling && HOST_FILE_WORDS.test(sibling.text)))
    return { requests: [] };
  const main = config.kind === "main" ? config : sibling?.kind === "main" ? sibling : undefined;
  const master =
    config.kind === "master" ? config : sibling?.kind === "master" ? sibling : undefined;
  const context = yield* ruleContextSteps(main, master, settings.version ?? NEWEST_VERSION);
  const byPath = new Map<string, HostFileRequest>();
  for (const rule of RULE_MODULES) {
    for (const request of rule.hostFiles?.(context) ?? []) {
      const known = byPath.get(request.path);
      byPath.set(
        request.path,
        known
          ? {
              path: request.path,
              contents: known.contents || request.contents,
              listing: known.listing || request.listing,
            }
          : request,
      );
    }
  }
  return { requests: [...byPath.values()], context };
}

const SUPPRESSION_MARK = "postfix-lint:";
const SUPPRESSION = /^\s*#\s*postfix-lint:\s*(disable-next-line|disable)\s+(.+?)\s*$/;

/**
 * `# postfix-lint: disable-next-line RULE[, RULE]` silences the next logical entry,
 * `# postfix-lint: disable RULE[, RULE]` the whole file. (Postfix has no trailing
 * comments, so a suppression is always a line of its own.)
 */
function suppressions(config: ParsedConfig): (finding: Finding) => boolean {
  const fileWide = new Set<string>();
  /** The rules silenced on an entry, by the entry's index in `entries`. */
  const silenced = new Map<number, Set<string>>();
  // Only comments that contain the mark can match: most files have none, and a
  // long file has too many comments to try the pattern on each.
  const marks = occurrences(config.text, SUPPRESSION_MARK);
  if (marks.length === 0) return () => false;
  const entries = config.blocks.filter(isEntry);
  const comments = [
    ...config.blocks.filter((block) => !isEntry(block)),
    ...entries.flatMap((entry) => entry.innerComments),
  ];
  for (const comment of comments) {
    if (!containsMark(marks, comment.start, comment.end - SUPPRESSION_MARK.length)) continue;
    const match = SUPPRESSION.exec(config.text.slice(comment.start, comment.end));
    if (!match) continue;
    const rules = new Set(match[2].split(/[\s,]+/).filter(Boolean));
    if (match[1] === "disable") {
      rules.forEach((rule) => fileWide.add(rule));
      continue;
    }
    const next = lastIndexWhere(entries, (entry) => entry.start <= comment.end) + 1;
    if (next >= entries.length) continue;
    const known = silenced.get(next);
    if (known) rules.forEach((rule) => known.add(rule));
    else silenced.set(next, rules);
  }
  // Entries do not overlap: a finding can only be in the last one starting at or before it.
  return (finding) => {
    if (fileWide.has(finding.rule)) return true;
    const index = lastIndexWhere(entries, (entry) => entry.start <= finding.start);
    return (
      index >= 0 &&
      finding.start <= entries[index].end &&
      silenced.get(index)?.has(finding.rule) === true
    );
  };
}

/** The last index of a sorted list whose item satisfies `before` (which holds for a prefix), or -1. */
function lastIndexWhere<T>(items: T[], before: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(items[mid])) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** The offsets where `word` occurs in `text`, ascending. */
function occurrences(text: string, word: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) found.push(at);
  return found;
}

/** Whether an offset in the ascending `marks` lies in [from, to]. */
function containsMark(marks: number[], from: number, to: number): boolean {
  let low = 0;
  let high = marks.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (marks[mid] < from) low = mid + 1;
    else high = mid;
  }
  return low < marks.length && marks[low] <= to;
}

/**
 * The severity a rule reports with: its override when that is a severity, else its
 * default. The override is read as an own property, so that no key or value can
 * reach Object.prototype (settings come from JSON the workspace controls).
 */
function severityOf(rule: string, overrides: ValidationSettings["rules"]): SeveritySetting {
  const override = overrides && Object.hasOwn(overrides, rule) ? overrides[rule] : undefined;
  return isSeveritySetting(override) ? override : (getRule(rule)?.severity ?? "error");
}

const LSP_SEVERITY: Record<RuleSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
