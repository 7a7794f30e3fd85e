import type { Hover, Position } from "vscode-languageserver-types";
import { MarkupKind } from "vscode-languageserver-types";
import { type CursorContext, cursorContext } from "./cursor";
import { parameterDoc, parameterDocBody, valueDoc } from "./data/docs";
import {
  type ParameterFacts,
  allServiceSuffixRules,
  type PostfixVersion,
  compareVersions,
  defaultValue,
  firstKnownRelease,
  getParameter,
  isBuiltinParameter,
  isKnownParameter,
} from "./data/parameters";
import type { PositionMapper } from "./languageTypes";
import { type ParsedConfig, configText, lastMainValue } from "./parser/document";
import type { Span } from "./parser/logicalLines";
import type { MasterEntry, MasterFieldName } from "./parser/masterCf";
import { RULES } from "./rules/ruleTable";

/**
 * Hover: the reference manual at the cursor. On a parameter name its docs (ours for
 * TLS parameters, facts and a link for the others), default, version, status and
 * the value set here; on `$name` what it refers to; on a value keyword what that
 * value means for that parameter; on a master.cf field what the column means.
 */

export interface HoverOptions {
  version: PostfixVersion;
}

export function doHover(
  config: ParsedConfig,
  mapper: PositionMapper,
  position: Position,
  options: HoverOptions,
): Hover | null {
  const context = cursorContext(config, mapper.offsetAt(position));
  const content = hoverContent(config, context, options.version);
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
  version: PostfixVersion,
): HoverContent | undefined {
  switch (context.kind) {
    case "parameter-name": {
      const prefix = configText(config).slice(context.prefix.start, context.prefix.end);
      const name = prefix.split(/[=\s]/)[0];
      if (!name) return undefined;
      const valueHere =
        context.file === "main" ? lastMainValue(config, name) : optionValue(context.entry, name);
      const where = context.file === "main" ? "in this file" : "for this service";
      return {
        markdown: parameterMarkdown(name, version, valueHere, where),
        span: { start: context.prefix.start, end: context.prefix.start + name.length },
      };
    }
    case "reference": {
      const name = context.reference.name.text;
      return { markdown: referenceMarkdown(config, name, version), span: context.reference };
    }
    case "value": {
      const markdown = valueMarkdown(context.parameter, context.word.text);
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

function optionValue(entry: MasterEntry, name: string): string | undefined {
  let values = optionValues.get(entry);
  if (!values) {
    values = new Map();
    // A later option overrides an earlier one.
    for (const option of entry.options)
      if (option.setting) values.set(option.setting.name.text, option.setting.value.text);
    optionValues.set(entry, values);
  }
  return values.get(name);
}

/**
 * Each entry's `-o` values by name, built on the first hover over the entry: an
 * entry can have many thousands of options, and hovers come one per keystroke.
 * Parse nodes never change their options (edits re-parse into new nodes).
 */
const optionValues = new WeakMap<MasterEntry, Map<string, string>>();

const POSTCONF_MANUAL = "https://www.postfix.org/postconf.5.html";

export function parameterMarkdown(
  name: string,
  version: PostfixVersion,
  valueHere: string | undefined,
  where: string,
): string {
  const facts = getParameter(name);
  const parts = [`**${name}**${facts?.type ? ` · ${TYPE_NAMES[facts.type] ?? facts.type}` : ""}`];
  const status = statusLine(name, facts, version);
  if (status) parts.push(status);
  const doc = parameterDoc(name);
  // Names like relay_destination_concurrency_limit were built in before 2.9 and
  // are derived from master.cf service names since.
  const perService = facts?.perService && !isBuiltinParameter(name, version);
  if (doc) {
    parts.push(doc.facts, renderPitfalls(parameterDocBody(doc)));
  } else if (facts && !perService) {
    parts.push(factsLine(name, facts, version));
  } else {
    parts.push(
      serviceParameter(name, version) ??
        `Not a parameter of Postfix ${version}. Postfix ignores it, unless it is referenced as \`$${name}\` somewhere (then it is a user-defined parameter).`,
    );
  }
  if (valueHere !== undefined) parts.push(`Set ${where}: \`${valueHere || "(empty)"}\``);
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

function statusLine(
  name: string,
  facts: ParameterFacts | undefined,
  version: PostfixVersion,
): string | undefined {
  if (!facts) return undefined;
  const instead = facts.replacement
    ? ` Use \`${facts.replacement}\` instead.`
    : facts.advice === "remove"
      ? " Remove it."
      : "";
  const first = firstKnownRelease(facts);
  if (first && compareVersions(version, first) < 0 && !isKnownParameter(name, version)) {
    return `⚠ Not available in Postfix ${version}: it appeared in ${first}.`;
  }
  if (facts.status === "removed") return `⚠ Removed: Postfix no longer uses it.${instead}`;
  if (facts.status === "deprecated") {
    const since = facts.warnsSince ? ` postconf warns about it since ${facts.warnsSince}.` : "";
    return `⚠ Deprecated.${since}${instead}`;
  }
  return undefined;
}

function factsLine(name: string, facts: ParameterFacts, version: PostfixVersion): string {
  const value = facts.defaultComputed ? "computed from this host" : defaultValue(name, version);
  const shown =
    value === undefined ? facts.documentedDefault : value === "" ? "empty" : `\`${value}\``;
  const unit = facts.unit ? ` (a bare number counts in ${UNIT_NAMES[facts.unit]})` : "";
  const since = firstKnownRelease(facts);
  return [`Default: ${shown ?? "unknown"}${unit}`, since ? `Since: Postfix ${since}` : undefined]
    .filter(Boolean)
    .join(" · ");
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

/** `[[P24]]` becomes the rule that detects pitfall P24, or the pitfall number. */
function renderPitfalls(markdown: string): string {
  return markdown.replace(/\[\[(P\d+)\]\]/g, (_match, pitfall: string) => {
    const rule = RULES.find((candidate) => candidate.pitfalls?.includes(pitfall));
    return rule ? `(rule \`${rule.id}\`)` : `(pitfall ${pitfall})`;
  });
}

function referenceMarkdown(config: ParsedConfig, name: string, version: PostfixVersion): string {
  const here = lastMainValue(config, name);
  const lines = [`\`$${name}\` is replaced by the value of **${name}**.`];
  if (here !== undefined) {
    lines.push(`Set in this file: \`${here || "(empty)"}\``);
  } else {
    const value = getParameter(name)?.defaultComputed ? undefined : defaultValue(name, version);
    if (value !== undefined) lines.push(`Not set here; its default is \`${value || "(empty)"}\`.`);
    else if (!isKnownParameter(name, version)) {
      lines.push("Not set here and not a Postfix parameter: it expands to nothing.");
    }
  }
  const doc = parameterDoc(name);
  if (doc) lines.push(firstParagraph(renderPitfalls(parameterDocBody(doc))));
  return lines.join("\n\n");
}

function firstParagraph(markdown: string): string {
  return markdown.split(/\n\s*\n/)[0];
}

function valueMarkdown(parameter: string, word: string): string | undefined {
  // Protocol list items carry an operator: "!SSLv3", ">=TLSv1.2".
  const bare = word.replace(/^(!|>=|<=)/, "");
  if (!bare) return undefined;
  const meaning = valueDoc(parameter, bare) ?? valueDoc(parameter, word);
  if (meaning) return `**${bare}** for \`${parameter}\`: ${renderPitfalls(meaning)}`;
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
