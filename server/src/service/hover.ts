import type { Hover, Position } from "vscode-languageserver-types";
import { MarkupKind } from "vscode-languageserver-types";
import { type CursorContext, cursorContext } from "./cursor";
import { parameterDoc, parameterDocBody, valueDoc } from "./data/docs";
import {
  type ParameterFacts,
  allServiceSuffixRules,
  type PostfixVersion,
  OLDEST_VERSION,
  compareVersions,
  compatibilityChoice,
  defaultValue,
  firstKnownRelease,
  getParameter,
  isBuiltinParameter,
  isKnownParameter,
  releaseLine,
  warnsAsDeprecated,
} from "./data/parameters";
import { statedFacts } from "./data/tlsDocs";
import type { PositionMapper } from "./languageTypes";
import { type ParsedConfig, configText, entryAt, lastMainValue } from "./parser/document";
import { evaluateExpansion, hasNoMacros } from "./parser/expansion";
import type { Span } from "./parser/logicalLines";
import type { MasterEntry, MasterFieldName } from "./parser/masterCf";
import { lastOptionSetting } from "./parser/optionIndex";
import { RULES } from "./rules/ruleTable";
import { CERTIFICATE_PARAMETER, certificateFileMarkdown } from "./certificateInfo";
import { inQueueDirectory } from "./rules/certificates/shared";
import type { HostFiles } from "./hostFiles";
import { RESTRICTION_LISTS } from "./analysis/restrictions";
import { bracedWords } from "./parser/bracedWords";
import { postscreenAccessMarkdown, restrictionMarkdown } from "./restrictionDocs";
import { lookupTableSetting } from "./data/valueSets";
import { tableMarkdown } from "./tableInfo";

/**
 * Hover: the reference manual at the cursor, true for the configured release. On
 * a parameter name: the value set here and what it means, the value in effect
 * (defaults of the release, compatibility_level and `$name` of this file), the
 * release's status, default and first release, then our docs (TLS parameters) or
 * a link; on `$name` what it refers to; on a value keyword what that value means
 * for that parameter; on a master.cf field what the column means.
 */

export interface HoverOptions {
  version: PostfixVersion;
  /**
   * Which release `version` stands for and where it came from, shown with the
   * default: "3.7.11, detected on this host".
   */
  releaseNote?: string;
  /**
   * For a master.cf hover: the main.cf beside it, whose settings the services
   * inherit. Without it, values in effect there come from the `-o` settings
   * and the release's defaults alone.
   */
  main?: ParsedConfig;
  /** The host files last read for this configuration (certificates, tables); absent when file checks are off. */
  host?: HostFiles;
}

export function doHover(
  config: ParsedConfig,
  mapper: PositionMapper,
  position: Position,
  options: HoverOptions,
): Hover | null {
  const offset = mapper.offsetAt(position);
  const context = cursorContext(config, offset);
  const content = hoverContent(config, context, offset, options);
  if (!content) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: content.markdown },
    range: {
      start: mapper.positionAt(content.span.start),
      end: mapper.positionAt(content.span.end),
    },
  };
}

interface HoverContent {
  markdown: string;
  span: Span;
}

function hoverContent(
  config: ParsedConfig,
  context: CursorContext,
  offset: number,
  options: HoverOptions,
): HoverContent | undefined {
  const { version } = options;
  switch (context.kind) {
    case "parameter-name": {
      const prefix = configText(config).slice(context.prefix.start, context.prefix.end);
      const name = prefix.split(/[=\s]/)[0];
      if (!name) return undefined;
      const scope = settingScope(
        config,
        context.file === "master" ? context.entry : undefined,
        options,
      );
      return {
        markdown: parameterMarkdown(name, version, scope, options.releaseNote),
        span: { start: context.prefix.start, end: context.prefix.start + name.length },
      };
    }
    case "reference": {
      const name = context.reference.name.text;
      const found = config.kind === "master" ? entryAt(config, offset) : undefined;
      const entry = found?.kind === "master" ? found : undefined;
      const scope = settingScope(config, entry, options);
      return { markdown: referenceMarkdown(scope, name, version), span: context.reference };
    }
    case "value": {
      if (options.host && CERTIFICATE_PARAMETER.test(context.parameter)) {
        const found = config.kind === "master" ? entryAt(config, offset) : undefined;
        const scope = settingScope(config, found?.kind === "master" ? found : undefined, options);
        const markdown = certificateHover(scope, context.word.text, context.parameter, options);
        if (markdown) return { markdown, span: context.word };
      }
      const table = tableHover(config, context.parameter, context.word.text, offset, options);
      if (table) return { markdown: table, span: context.word };
      const markdown =
        restrictionWordMarkdown(config, context.parameter, context.word.text, version) ??
        (context.parameter === "postscreen_access_list"
          ? postscreenAccessMarkdown(context.word.text, version)
          : valueMarkdown(context.parameter, context.word.text));
      return markdown ? { markdown, span: context.word } : undefined;
    }
    case "master-field":
      if (!context.entry || !context.word.text) return undefined;
      return {
        markdown: fieldMarkdown(context.field, context.word.text, context.entry),
        span: context.word,
      };
    default:
      return undefined;
  }
}

/**
 * Where the hovered name is set and looked up: main.cf, or one master.cf
 * service whose `-o` settings override main.cf.
 */
export interface SettingScope {
  /** "in this file" or "for this service". */
  where: string;
  /** The value set at this level (main.cf, or the service's `-o`), raw. */
  setHere(name: string): string | undefined;
  /** The raw value Postfix looks up: this level, then main.cf, then undefined. */
  lookup(name: string): string | undefined;
  /** How the value in effect was found, for the reader. */
  sources: string;
}

function settingScope(
  config: ParsedConfig,
  entry: MasterEntry | undefined,
  options: HoverOptions,
): SettingScope {
  if (config.kind === "main") {
    const setHere = remembered((name: string) => lastMainValue(config, name));
    return { where: "in this file", setHere, lookup: setHere, sources: "this file" };
  }
  const main = options.main?.kind === "main" ? options.main : undefined;
  const setHere = (name: string) => entry && lastOptionSetting(entry, name)?.value.text;
  return {
    where: "for this service",
    setHere,
    lookup: remembered((name) => setHere(name) ?? (main ? lastMainValue(main, name) : undefined)),
    sources: main ? "this service's `-o` settings, main.cf" : "this service's `-o` settings",
  };
}

/** A lookup that asks once per name: a hover looks names up repeatedly while expanding. */
function remembered(lookup: (name: string) => string | undefined) {
  const values = new Map<string, string | undefined>();
  return (name: string): string | undefined => {
    if (!values.has(name)) values.set(name, lookup(name));
    return values.get(name);
  };
}

/**
 * A name's value in effect: its raw value in the scope or the release's
 * default, with every `$name` expanded the same way (compatibility_level
 * included, so defaults that depend on it come out as this file selects).
 * Defaults computed on the mail server stay as `⟨name⟩`. A hover answers on
 * every mouse move, so it looks up at most MAX_EXPANDED_NAMES names; past
 * that the value is reported as not worked out.
 */
function effectiveValue(
  scope: SettingScope,
  name: string,
  version: PostfixVersion,
): string | typeof TOO_MANY_NAMES | undefined {
  const seen = new Set<string>();
  let exhausted = false;
  const raw = (other: string): string | undefined => {
    if (!seen.has(other)) {
      if (seen.size >= MAX_EXPANDED_NAMES) {
        exhausted = true;
        return undefined;
      }
      seen.add(other);
    }
    return scope.lookup(other) ?? releaseDefault(other, version);
  };
  const value = raw(name);
  if (value === undefined) return undefined;
  const expanded = evaluateExpansion(value, raw).value;
  return exhausted ? TOO_MANY_NAMES : expanded;
}

const MAX_EXPANDED_NAMES = 50;
const TOO_MANY_NAMES = Symbol("too many names to expand");

/** The value in effect as inline code, or why it is not shown. */
function effectiveCode(value: string | typeof TOO_MANY_NAMES): string {
  return value === TOO_MANY_NAMES
    ? `not worked out here (it refers to more than ${MAX_EXPANDED_NAMES} parameters)`
    : code(value);
}

/** The release's raw default, with a placeholder for defaults computed on the host. */
/** A certificate path's hover: what the file holds, from the host files the server read. */
function certificateHover(
  scope: SettingScope,
  word: string,
  parameter: string,
  options: HoverOptions,
): string | undefined {
  const lookup = (name: string) => scope.lookup(name) ?? releaseDefault(name, options.version);
  let path = evaluateExpansion(word, lookup).value;
  // Daemons read a relative path from queue_directory; unset, it is the build's default.
  const queueDirectory = scope.lookup("queue_directory");
  if (!path.startsWith("/") && queueDirectory !== undefined)
    path = inQueueDirectory(evaluateExpansion(queueDirectory, lookup).value, path);
  const file = options.host?.get(path);
  if (!file) return undefined;
  const text = (name: string) => {
    const value = effectiveValue(scope, name, options.version);
    return typeof value === "string" ? value : undefined;
  };
  const client = parameter.startsWith("smtp_") || parameter.startsWith("lmtp_");
  const hostname = text("myhostname");
  return certificateFileMarkdown(file, {
    hostname: hostname && !hostname.includes("⟨") ? hostname : "<myhostname>",
    digest:
      text(client ? "smtp_tls_fingerprint_digest" : "smtpd_tls_fingerprint_digest") ?? "sha256",
    now: options.host!.now,
  });
}

/**
 * A lookup table's hover, in the values that list tables and in restriction
 * lists (where `unix:` is a policy service's socket rather than a table).
 */
function tableHover(
  config: ParsedConfig,
  parameter: string,
  word: string,
  offset: number,
  options: HoverOptions,
): string | undefined {
  const inList = RESTRICTION_LISTS.has(parameter) || parameter.endsWith("_restrictions");
  if (!word.includes(":") || (inList && word.startsWith("unix:"))) return undefined;
  if (!inList && !lookupTableSetting(parameter, options.version)) return undefined;
  const found = config.kind === "master" ? entryAt(config, offset) : undefined;
  const scope = settingScope(config, found?.kind === "master" ? found : undefined, options);
  const lookup = (name: string) => scope.lookup(name) ?? releaseDefault(name, options.version);
  return tableMarkdown(
    word,
    options.version,
    (text) => evaluateExpansion(text, lookup).value,
    options.host,
  );
}

function releaseDefault(name: string, version: PostfixVersion): string | undefined {
  const value = defaultValue(name, version);
  if (value !== undefined) return value;
  return getParameter(name)?.defaultComputed && isBuiltinParameter(name, version)
    ? `⟨${name}⟩`
    : undefined;
}

const POSTCONF_MANUAL = "https://www.postfix.org/postconf.5.html";

/**
 * The hover of a parameter name, also the "Look up parameter" page (without a
 * scope: nothing is set then, and nothing is in effect).
 */
export function parameterMarkdown(
  name: string,
  version: PostfixVersion,
  scope: SettingScope | undefined,
  releaseNote?: string,
): string {
  const facts = getParameter(name);
  const parts = [`**${name}**${facts?.type ? ` · ${TYPE_NAMES[facts.type] ?? facts.type}` : ""}`];
  // Names like relay_destination_concurrency_limit were built in before 2.9 and
  // are derived from master.cf service names since.
  const perService = facts?.perService && !isBuiltinParameter(name, version);
  const valueHere = scope?.setHere(name);
  if (scope && valueHere !== undefined) parts.push(setHereLine(name, valueHere, scope));
  if (scope && facts && !perService) {
    const effect = effectLine(name, valueHere, scope, version);
    if (effect) parts.push(effect);
  }
  if (facts && !perService) {
    parts.push(...releaseStatus(name, facts, version));
    parts.push(factsLine(name, facts, version, releaseNote));
  } else {
    parts.push(
      serviceParameter(name, version) ??
        `Not a parameter of Postfix ${version}. Postfix ignores it, unless it is referenced as \`$${name}\` somewhere (then it is a user-defined parameter).`,
    );
  }
  const doc = parameterDoc(name);
  if (doc) {
    const remark = defaultRemark(doc.facts, name, version);
    if (remark) parts.push(remark);
    parts.push(citationsInWords(parameterDocBody(doc)));
  }
  if (facts?.documented) parts.push(`[postconf(5): ${name}](${POSTCONF_MANUAL}#${name})`);
  return parts.join("\n\n");
}

const TYPE_NAMES: Record<string, string> = {
  bool: "yes/no",
  nbool: "yes/no",
  int: "number",
  nint: "number",
  long: "number",
  time: "time",
  str: "text",
  str_fn: "text",
  raw: "text (not $-expanded)",
};

/** "Set in this file: `encrypt` — what encrypt means for this parameter". */
function setHereLine(name: string, value: string, scope: SettingScope): string {
  const line = `Set ${scope.where}: ${code(value)}`;
  return withMeaning(line, valueMeaning(name, value));
}

/**
 * What a value means for a parameter, from the value bullets of our docs: the
 * whole value, else each documented word of a list (as a Markdown list).
 */
function valueMeaning(name: string, value: string): ValueMeaning | undefined {
  const trimmed = value.trim();
  const whole = valueDoc(name, trimmed);
  if (whole) return { inline: citationsInWords(whole) };
  const type = getParameter(name)?.type;
  if ((type === "bool" || type === "nbool") && /^(yes|no)$/i.test(trimmed))
    return { inline: trimmed.toLowerCase() === "yes" ? "on." : "off." };
  const words = trimmed.split(/[\s,]+/).filter(Boolean);
  const lines: string[] = [];
  for (const word of words.slice(0, MAX_EXPLAINED_WORDS)) {
    const meaning = valueDoc(name, word.replace(/^(!|>=|<=)/, "")) ?? valueDoc(name, word);
    if (meaning) lines.push(`- ${code(word)} — ${citationsInWords(meaning)}`);
  }
  return lines.length > 0 ? { list: lines.join("\n") } : undefined;
}

/** A value's meaning: one sentence, or a Markdown list of its words. */
type ValueMeaning = { inline: string } | { list: string };

/** `line` followed by the meaning: after a dash, or as a list below it. */
function withMeaning(line: string, meaning: ValueMeaning | undefined): string {
  if (meaning === undefined) return line;
  return "inline" in meaning ? `${line} — ${meaning.inline}` : `${line}\n${meaning.list}`;
}

/** A hover explains this many words of a list value at most. */
const MAX_EXPLAINED_WORDS = 8;

/**
 * The value in effect, when it differs from what is written: a value with
 * `$name` in it, or the release's default (compatibility_level applied).
 */
function effectLine(
  name: string,
  valueHere: string | undefined,
  scope: SettingScope,
  version: PostfixVersion,
): string | undefined {
  if (valueHere !== undefined && hasNoMacros(valueHere)) return undefined;
  const effective = effectiveValue(scope, name, version);
  if (effective === undefined) return undefined;
  const shown = effectiveCode(effective);
  const computed = shown.includes("⟨") ? " (⟨name⟩: computed on the mail server)" : "";
  let line: string;
  if (valueHere !== undefined) {
    line = `In effect: ${shown}${computed}, expanded with ${scope.sources} and the defaults of Postfix ${version}`;
  } else if (scope.lookup(name) !== undefined) {
    line = `Not set ${scope.where}; in effect: ${shown}${computed}, from main.cf`;
  } else {
    line = `Not set ${scope.where}; in effect: ${shown}${computed}, the default of Postfix ${version}${levelNote(name, scope, version)}`;
  }
  const meaning =
    valueHere === undefined && typeof effective === "string"
      ? valueMeaning(name, effective)
      : undefined;
  return meaning === undefined ? `${line}.` : withMeaning(line, meaning);
}

/** For a default that compatibility_level selects: the level that selected it. */
function levelNote(name: string, scope: SettingScope, version: PostfixVersion): string {
  if (!compatibilityChoice(defaultValue(name, version) ?? "")) return "";
  const set = scope.lookup("compatibility_level");
  if (set !== undefined) return ` at compatibility_level ${code(set)}`;
  const level = releaseDefault("compatibility_level", version) ?? "0";
  return ` at compatibility_level ${code(level)} (its default; this file does not set it)`;
}

/** A value as inline code (empty shown as such), with a fence longer than any backtick run in it. */
function code(value: string): string {
  if (value === "") return "(empty)";
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  return `${fence}${pad}${value}${pad}${fence}`;
}

/**
 * The release's view of the name: not there yet, gone, kept as an old name,
 * deprecated (postconf of that release warns) or deprecated later.
 */
function releaseStatus(name: string, facts: ParameterFacts, version: PostfixVersion): string[] {
  const instead = facts.replacement
    ? ` Use \`${facts.replacement}\` instead.`
    : facts.advice === "remove"
      ? " Remove it."
      : "";
  const later = facts.replacement
    ? ` Prefer \`${facts.replacement}\`.`
    : facts.advice === "remove"
      ? " Plan to remove it."
      : "";
  const first = firstKnownRelease(facts);
  if (!isKnownParameter(name, version)) {
    if (first && compareVersions(releaseLine(version), first) < 0)
      return [`⚠ Not available in Postfix ${version}: it first appeared in Postfix ${first}.`];
    const last = facts.builtin?.until;
    const gone = last ? ` after Postfix ${last}` : "";
    return [
      `⚠ Postfix ${version} no longer reads it: it was removed${gone}, and setting it only earns an "unused parameter" warning.${instead}`,
    ];
  }
  const lines: string[] = [];
  if (!isBuiltinParameter(name, version)) lines.push(oldNameLine(name, facts, version));
  if (warnsAsDeprecated(name, version)) {
    lines.push(
      `⚠ Deprecated in Postfix ${version}: postconf warns that support will be removed.${instead}`,
    );
  } else if (facts.builtin?.until && !facts.legacy) {
    lines.push(`Postfix ${facts.builtin.until} is the last release line that reads it.${later}`);
  } else if (facts.warnsSince) {
    lines.push(
      `Still supported in Postfix ${version}; from Postfix ${facts.warnsSince} on, postconf warns that it is deprecated.${later}`,
    );
  }
  return lines;
}

/** A legacy name: postconf accepts it, and the newer name's default may still read it. */
function oldNameLine(name: string, facts: ParameterFacts, version: PostfixVersion): string {
  const replacement = facts.replacement;
  if (!replacement) return `⚠ Postfix ${version} accepts it only as an old name; nothing reads it.`;
  const readBy = (defaultValue(replacement, version) ?? "").includes(`$${name}`);
  return readBy
    ? `⚠ Postfix ${version} keeps it only as the old name of \`${replacement}\`: it counts through the default of \`${replacement}\` (\`$${name}\`), so it has no effect once \`${replacement}\` is set.`
    : `⚠ Postfix ${version} accepts it only as the old name of \`${replacement}\` and does not read it.`;
}

/**
 * "Default in Postfix 3.7 (3.7.11, detected on this host): `x` · Since: Postfix 2.3",
 * from the release data.
 */
function factsLine(
  name: string,
  facts: ParameterFacts,
  version: PostfixVersion,
  releaseNote: string | undefined,
): string {
  const shown = releaseDefaultText(name, facts, version);
  const unit = facts.unit ? ` (a bare number counts in ${UNIT_NAMES[facts.unit]})` : "";
  const since = sinceText(name, facts);
  const release = releaseNote ? `${version} (${releaseNote})` : version;
  return [
    shown === undefined ? undefined : `**Default** in Postfix ${release}: ${shown}${unit}`,
    since ? `**Since:** ${since}` : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
}

function releaseDefaultText(
  name: string,
  facts: ParameterFacts,
  version: PostfixVersion,
): string | undefined {
  if (!isBuiltinParameter(name, version)) return undefined;
  const value = defaultValue(name, version);
  if (value === undefined) {
    if (facts.defaultComputed) return "computed on the mail server (see `postconf -d`)";
    return facts.documentedDefault;
  }
  const levelled = compatibilityChoice(value);
  if (levelled) {
    return `${code(levelled.atOrAbove)} with compatibility_level ${levelled.level} or higher, ${code(levelled.below)} below`;
  }
  const build = facts.buildDependent
    ? " (on a typical Linux build; it depends on how Postfix was built)"
    : "";
  return `${code(value)}${build}`;
}

/** The release's default as plain text for a list: "(empty)", "computed", a compatibility_level choice. */
export function releaseDefaultSummary(name: string, version: PostfixVersion): string | undefined {
  if (!isBuiltinParameter(name, version)) return undefined;
  const value = defaultValue(name, version);
  if (value === undefined) return getParameter(name)?.defaultComputed ? "computed" : undefined;
  const levelled = compatibilityChoice(value);
  const plain = (text: string) => text || "(empty)";
  return levelled
    ? `${plain(levelled.atOrAbove)} (compatibility_level ${levelled.level}+; ${plain(levelled.below)} below)`
    : plain(value);
}

/** The first release: the data's release line, or the docs' patch release within that line. */
function sinceText(name: string, facts: ParameterFacts): string | undefined {
  const line = firstKnownRelease(facts);
  if (!line) return undefined;
  const precise = [statedFacts(parameterDoc(name)?.facts ?? "").since, facts.documentedSince].find(
    (text) => text && releaseLine(text.replace(/^Postfix /, "")) === line,
  );
  if (precise) return precise.startsWith("Postfix") ? precise : `Postfix ${precise}`;
  return line === OLDEST_VERSION ? `Postfix ${line} or earlier` : `Postfix ${line}`;
}

/**
 * What our docs add about the default beyond its value, e.g. what an empty
 * default means. A stated value that this release does not have is left out
 * (the release's default is shown above), and so is a bare value.
 */
function defaultRemark(
  factsText: string,
  name: string,
  version: PostfixVersion,
): string | undefined {
  const stated = statedFacts(factsText);
  if (stated.value === undefined)
    return stated.defaultText ? `About the default: ${stated.defaultText}` : undefined;
  if (!stated.remark || !/\s/.test(stated.remark.trim())) return undefined;
  if (stated.value !== (defaultValue(name, version) ?? stated.value)) return undefined;
  if (stated.remark === stated.value) return undefined;
  return `About the default: ${stated.remark}`;
}

const UNIT_NAMES: Record<string, string> = {
  s: "seconds",
  m: "minutes",
  h: "hours",
  d: "days",
  w: "weeks",
};

/** `relay_destination_concurrency_limit`: derived from a master.cf service name. */
function serviceParameter(name: string, version: PostfixVersion): string | undefined {
  for (const rule of allServiceSuffixRules(version)) {
    if (!name.endsWith(rule.suffix) || name.length === rule.suffix.length) continue;
    const service = name.slice(0, -rule.suffix.length);
    return `Per-service parameter: applies to the master.cf service \`${service}\` when it runs ${rule.commands.map((c) => `\`${c}\``).join(" or ")}. When not set it takes the value of \`${rule.defaultParameter}\`.`;
  }
  return undefined;
}

/** A run of pitfall citations, "[[P12]], [[P10]]", with the space before it. */
const CITATIONS = /\s*\[\[P\d+\]\](?:,?\s*\[\[P\d+\]\])*/g;
/** A sentence that only points elsewhere: "See also [[P45]], [[P47]]." */
const SEE_ALSO = /See also ((?:\[\[P\d+\]\],?\s*)+)\./g;

/**
 * Pitfall citations in plain words: a pointer to the editor's warning when a
 * rule detects the pitfall, nothing otherwise (the text already says what the
 * problem is). "See also" lists become the one-line summaries of the rules.
 */
export function citationsInWords(markdown: string): string {
  return markdown
    .replace(SEE_ALSO, (_sentence, list: string) => {
      const summaries = [...list.matchAll(/\[\[(P\d+)\]\]/g)]
        .map(([, pitfall]) => ruleFor(pitfall)?.description)
        .filter(Boolean);
      return summaries.length > 0
        ? `Related problems the editor checks for: ${summaries.join(" ")}`
        : "";
    })
    .replace(CITATIONS, (run) =>
      [...run.matchAll(/\[\[(P\d+)\]\]/g)].some(([, pitfall]) => ruleFor(pitfall))
        ? " (the editor checks for this)"
        : "",
    );
}

function ruleFor(pitfall: string) {
  return RULES.find((candidate) => candidate.pitfalls?.includes(pitfall));
}

function referenceMarkdown(scope: SettingScope, name: string, version: PostfixVersion): string {
  const here = scope.lookup(name);
  const lines = [`\`$${name}\` is replaced by the value of **${name}**.`];
  if (here !== undefined) {
    lines.push(
      `Set ${scope.setHere(name) !== undefined ? scope.where : "in main.cf"}: ${code(here)}`,
    );
  } else {
    const value = getParameter(name)?.defaultComputed ? undefined : defaultValue(name, version);
    if (value !== undefined) lines.push(`Not set here; its default is ${code(value)}.`);
    else if (releaseDefault(name, version) !== undefined)
      lines.push("Not set here; its default is computed on the mail server.");
    else if (!isKnownParameter(name, version)) {
      lines.push("Not set here and not a Postfix parameter: it expands to nothing.");
    }
  }
  const raw = here ?? releaseDefault(name, version);
  if (raw !== undefined && !hasNoMacros(raw)) {
    lines.push(`In effect: ${effectiveCode(effectiveValue(scope, name, version) ?? "")}`);
  }
  const doc = parameterDoc(name);
  if (doc) lines.push(firstParagraph(citationsInWords(parameterDocBody(doc))));
  return lines.join("\n\n");
}

function firstParagraph(markdown: string): string {
  return markdown.split(/\n\s*\n/)[0];
}

/** A restriction name in a restriction list, or in a restriction class of this file. */
function restrictionWordMarkdown(
  config: ParsedConfig,
  parameter: string,
  word: string,
  version: PostfixVersion,
): string | undefined {
  if (RESTRICTION_LISTS.has(parameter)) return restrictionMarkdown(word, parameter, version);
  const classes =
    config.kind === "main" ? (lastMainValue(config, "smtpd_restriction_classes") ?? "") : "";
  if (bracedWords(classes).includes(parameter))
    return restrictionMarkdown(word, undefined, version);
  return undefined;
}

function valueMarkdown(parameter: string, word: string): string | undefined {
  // Protocol list items carry an operator: "!SSLv3", ">=TLSv1.2".
  const bare = word.replace(/^(!|>=|<=)/, "");
  if (!bare) return undefined;
  const meaning = valueDoc(parameter, bare) ?? valueDoc(parameter, word);
  if (meaning) return `**${bare}** for \`${parameter}\`: ${citationsInWords(meaning)}`;
  const type = getParameter(parameter)?.type;
  if ((type === "bool" || type === "nbool") && /^(yes|no)$/i.test(word)) {
    return `\`${parameter}\` is ${word.toLowerCase() === "yes" ? "on" : "off"}.`;
  }
  return undefined;
}

const FIELD_DESCRIPTIONS: Record<MasterFieldName, string> = {
  service:
    "Column 1, **service name**: for `inet`, a port (`smtp`, `587`) or `host:port`; for the other types, the socket or FIFO name under the queue directory.",
  type: "Column 2, **transport type**",
  private:
    "Column 3, **private**: whether the service is reachable only by Postfix itself (`y`) or by everyone (`n`).",
  unprivileged:
    "Column 4, **unprivileged**: whether the program runs as the mail owner (`y`) or as root (`n`).",
  chroot:
    "Column 5, **chroot**: whether the program runs in a chroot jail below the queue directory.",
  wakeup:
    "Column 6, **wakeup time**: after how many seconds master(8) wakes the service up; a trailing `?` means only once it has been used.",
  process_limit:
    "Column 7, **process limit**: how many processes of this service may run at once; `0` means no limit.",
  command: "Column 8, **command**: the program (in `$daemon_directory`) and its arguments.",
};

const FIELD_DEFAULTS: Partial<Record<MasterFieldName, string>> = {
  private: "`-` means the default, `y` (private).",
  unprivileged: "`-` means the default, `y` (runs as the mail owner).",
  chroot:
    "`-` means the default: `n` since Postfix 3.0, `y` before (and with compatibility_level below 1).",
  wakeup: "`-` means the default, `0` (no wake-up).",
  process_limit: "`-` means the default, `$default_process_limit` (100 unless changed).",
};

const TYPE_MEANINGS: Record<string, string> = {
  inet: "a TCP socket (a network service)",
  unix: "a UNIX-domain stream socket (an internal service)",
  "unix-dgram": "a UNIX-domain datagram socket (Postfix 3.4 and later, used by postlogd)",
  fifo: "a named pipe (obsolete; pickup and qmgr used it)",
  pass: "a UNIX-domain socket that receives connections handed over by another process, e.g. postscreen (Postfix 2.8 and later)",
};

function fieldMarkdown(field: MasterFieldName, value: string, entry: MasterEntry): string {
  const parts = [FIELD_DESCRIPTIONS[field]];
  if (field === "type" && TYPE_MEANINGS[value])
    parts[0] += `: \`${value}\` is ${TYPE_MEANINGS[value]}.`;
  if (value === "-" && FIELD_DEFAULTS[field]) parts.push(FIELD_DEFAULTS[field]!);
  else if (value === "y" || value === "n")
    parts.push(`\`${value}\` means ${value === "y" ? "yes" : "no"}.`);
  if (field === "private" && value === "y" && entry.words[1]?.text === "inet") {
    parts.push("⚠ An `inet` service cannot be private: master(8) refuses to start it.");
  }
  return parts.join("\n\n");
}
