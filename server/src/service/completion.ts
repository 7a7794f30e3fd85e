import {
  type Command,
  type CompletionItem,
  CompletionItemKind,
  CompletionItemTag,
  type CompletionList,
  InsertTextFormat,
  MarkupKind,
  type Position,
  type Range,
} from "vscode-languageserver-types";
import { type CursorContext, cursorContext, optionAt } from "./cursor";
import { parameterDoc, parameterDocBody, valueDoc } from "./data/docs";
import {
  NEWEST_VERSION,
  OLDEST_VERSION,
  type ParameterFacts,
  type PostfixVersion,
  allParameters,
  ReleaseMemo,
  compatibilityChoice,
  defaultValue,
  firstKnownRelease,
  isKnownParameter,
  releaseLine,
  warnsAsDeprecated,
} from "./data/parameters";
import {
  POSTSCREEN_ACCESS_ITEMS,
  type ValueChoice,
  type ValueKind,
  argumentValues,
  isWrapperTable,
  lookupTableTypes,
  masterFieldValues,
  parameterTypeAt,
  restrictionKeyword,
  valueKind,
  valuesOfKind,
} from "./data/valueSets";
import { RESTRICTION_LISTS, isYes } from "./analysis/restrictions";
import { restrictionFacts } from "./data/restrictions";
import { worksInStage } from "./restrictionDocs";
import type { PositionMapper } from "./languageTypes";
import {
  type DocumentText,
  type ParsedConfig,
  configText,
  entryAt,
  lastEntryBefore,
  lastMainValue,
  mainSettingNames,
  settingTexts,
} from "./parser/document";
import type { MainEntry, ParameterSetting } from "./parser/mainCf";
import type { MasterEntry } from "./parser/masterCf";
import type { Token } from "./parser/tokens";

export interface CompletionOptions {
  /** The Postfix release line the server runs, e.g. "3.7" (patch releases are fine). */
  version: string;
  /** Whether the client accepts snippets in completion items (default: yes). */
  snippetSupport?: boolean;
  /**
   * Properties of parameter items to leave out of the list, for a client that asks
   * for them item by item (completionItem/resolve, see resolveCompletion). A list
   * of every parameter name is about 370 KB with both, 260 KB without the
   * documentation, 133 KB also with itemDefaults and 97 KB without the detail too.
   */
  deferred?: { documentation?: boolean; detail?: boolean };
  /**
   * The client takes a default edit range for the list (LSP 3.17
   * `completionList.itemDefaults`): items that replace the same range then carry
   * only their new text, not a range each.
   */
  itemDefaults?: boolean;
}

/** Asks the editor to open the suggestion list again after an item is inserted. */
const TRIGGER_SUGGEST: Command = { title: "Suggest", command: "editor.action.triggerSuggest" };

const POSTCONF_URL = "https://www.postfix.org/postconf.5.html";

/** What one request works with. */
interface Request {
  config: ParsedConfig;
  /** The config's text, read around the cursor. */
  text: DocumentText;
  mapper: PositionMapper;
  offset: number;
  version: PostfixVersion;
  snippets: boolean;
  deferred: { documentation?: boolean; detail?: boolean };
  /** Set when the items are a filtered part of what matches: the editor must ask again. */
  incomplete: boolean;
}

/**
 * Completion at `position`: parameter names (main.cf line start, master.cf
 * after `-o`), values by parameter, `$name` references and master.cf fields.
 * Every item carries a text edit that replaces the word under the cursor, so
 * the editor filters on what has been typed. Pure: the result depends only on
 * the arguments.
 */
export function doComplete(
  config: ParsedConfig,
  mapper: PositionMapper,
  position: Position,
  options: CompletionOptions,
): CompletionList {
  const text = configText(config);
  const offset = Math.max(0, Math.min(mapper.offsetAt(position), text.length));
  const request: Request = {
    config,
    text,
    mapper,
    offset,
    version: effectiveVersion(options.version),
    snippets: options.snippetSupport !== false,
    deferred: options.deferred ?? {},
    incomplete: false,
  };
  const items = itemsAt(request);
  const list: CompletionList = { isIncomplete: request.incomplete, items };
  return options.itemDefaults ? withDefaultEditRange(list) : list;
}

const samePosition = (a: Position, b: Position) => a.line === b.line && a.character === b.character;

/** Moves the range that every item's edit replaces to the list's itemDefaults. */
function withDefaultEditRange(list: CompletionList): CompletionList {
  const first = list.items[0]?.textEdit;
  if (!first || !("range" in first)) return list;
  const { range } = first;
  const sameRange = (item: CompletionItem) =>
    item.textEdit !== undefined &&
    "range" in item.textEdit &&
    samePosition(item.textEdit.range.start, range.start) &&
    samePosition(item.textEdit.range.end, range.end);
  if (!list.items.every(sameRange)) return list;
  // The items were made for this request: change them in place rather than copy
  // a few hundred of them (JSON leaves out a property set to undefined).
  for (const item of list.items) {
    const { newText } = item.textEdit!;
    if (newText !== item.label) item.textEditText = newText;
    item.textEdit = undefined;
  }
  return { isIncomplete: list.isIncomplete, itemDefaults: { editRange: range }, items: list.items };
}

function effectiveVersion(version: string): PostfixVersion {
  const line = releaseLine(String(version ?? ""));
  return /^\d+\.\d+$/.test(line) ? line : NEWEST_VERSION;
}

function itemsAt(request: Request): CompletionItem[] {
  const { config, offset } = request;
  let context: CursorContext = cursorContext(config, offset);
  if (context.kind === "none") context = trailingValueContext(request) ?? context;
  switch (context.kind) {
    case "parameter-name":
      return parameterNameItems(request, context.prefix, context.file, context.entry);
    case "value":
      return valueWordItems(request, context.parameter, context.setting, context.word);
    case "reference": {
      const name = context.reference.name;
      if (offset < name.start || offset > name.end) return [];
      return referenceItems(request, name.start, name.end, "", context.setting);
    }
    case "master-field":
      return masterFieldItems(request, context.field, context.word, context.entry);
    case "none":
      return [];
  }
}

// ---------------------------------------------------------------------------
// Ranges

/**
 * The range an item replaces: [start, end) widened to contain the cursor and
 * kept on the cursor's line, as LSP requires.
 */
function editRange(request: Request, start: number, end: number): Range {
  const { mapper, offset } = request;
  const cursor = mapper.positionAt(offset);
  const from = mapper.positionAt(Math.min(start, offset));
  const to = mapper.positionAt(Math.max(end, offset));
  return {
    start: from.line === cursor.line ? from : cursor,
    end: to.line === cursor.line ? to : cursor,
  };
}

function lineEnd(text: DocumentText, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline < 0 ? text.length : newline;
}

function sortKey(group: number, rank: number | string): string {
  return typeof rank === "number" ? `${group}${String(rank).padStart(4, "0")}` : `${group}${rank}`;
}

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

// ---------------------------------------------------------------------------
// Parameter facts shown with names and references (cached per release line)

interface ParameterInfo {
  name: string;
  facts: ParameterFacts;
  version: PostfixVersion;
  deprecated: boolean;
  /** We have value completions for it: suggest them right after `name = `. */
  hasValues: boolean;
  /**
   * Detail and documentation, made when first asked for: clients that resolve
   * items (VS Code) ask for a few, and making all of them made the first
   * completion of a session take tens of milliseconds.
   */
  description?: { detail: string; documentation: string };
}

const parameterInfoCache = new ReleaseMemo((line) => {
  const infos = new Map<string, ParameterInfo>();
  for (const facts of allParameters()) {
    if (!isKnownParameter(facts.name, line)) continue;
    infos.set(facts.name, {
      name: facts.name,
      facts,
      version: line,
      deprecated: isDeprecated(facts, line),
      hasValues: valueKind(facts.name, line) !== undefined,
    });
  }
  return infos;
});

/**
 * Makes the release's list of parameter names, which the first completion would
 * otherwise make (tens of milliseconds): for a server to call while idle.
 */
export function prepareCompletion(version: string): void {
  knownParameters(effectiveVersion(version));
}

function knownParameters(version: PostfixVersion): Map<string, ParameterInfo> {
  return parameterInfoCache.get(version);
}

/** A parameter item's detail and documentation now or, when the client resolves items, later. */
function withDocumentation(item: CompletionItem, info: ParameterInfo, request: Request) {
  const { deferred } = request;
  if (deferred.documentation || deferred.detail) item.data = info.name;
  if (!deferred.detail) item.detail = described(info).detail;
  if (!deferred.documentation) item.documentation = markdown(described(info).documentation);
  return item;
}

/**
 * completionItem/resolve: adds the detail and documentation left out by `deferred`,
 * for the release the server runs (`data` holds the parameter's name). The item
 * comes back from the client, so its `data` is checked, not trusted.
 */
export function resolveCompletion(item: CompletionItem, version: string): CompletionItem {
  if (typeof item.data !== "string") return item;
  const info = knownParameters(effectiveVersion(version)).get(item.data);
  if (!info) return item;
  const { detail, documentation } = described(info);
  return { ...item, detail, documentation: markdown(documentation) };
}

/** Deprecated in the configured release: postconf warns there, or the name is gone. */
function isDeprecated(facts: ParameterFacts, version: PostfixVersion): boolean {
  return (
    warnsAsDeprecated(facts.name, version) ||
    (facts.status === "removed" && !isKnownParameter(facts.name, version))
  );
}

const TYPE_NAMES: Record<string, string> = {
  bool: "bool",
  nbool: "bool",
  int: "int",
  nint: "int",
  long: "int",
  time: "time",
  str: "str",
  raw: "str",
  str_fn: "str",
};

function shorten(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function described(info: ParameterInfo): { detail: string; documentation: string } {
  return (info.description ??= describeParameter(info));
}

function describeParameter(info: ParameterInfo): { detail: string; documentation: string } {
  const { name, facts, version, deprecated } = info;
  const parts: string[] = [];
  const type = parameterTypeAt(name, version);
  if (type) parts.push(TYPE_NAMES[type] ?? type);
  const value = defaultValue(name, version);
  const levelled = value === undefined ? undefined : compatibilityChoice(value);
  if (levelled) {
    const shown = levelled.atOrAbove === "" ? "empty" : shorten(levelled.atOrAbove);
    parts.push(`default ${shown} (compatibility_level ≥ ${levelled.level})`);
  } else if (value !== undefined) {
    parts.push(value === "" ? "default empty" : `default ${shorten(value)}`);
  } else if (facts.defaultComputed) parts.push("default computed");
  const since = firstKnownRelease(facts);
  if (since && since !== OLDEST_VERSION) parts.push(`since ${since}`);
  if (deprecated) {
    if (facts.status === "removed" && facts.builtin?.until)
      parts.push(`removed after ${facts.builtin.until}`);
    else parts.push("deprecated");
    if (facts.replacement) parts.push(`use ${facts.replacement}`);
  }
  return {
    detail: parts.join(" · "),
    documentation: parameterDocumentation(facts, parts, deprecated),
  };
}

function parameterDocumentation(
  facts: ParameterFacts,
  detailParts: string[],
  deprecated: boolean,
): string {
  const name = facts.name;
  const link = facts.documented ? `[postconf(5)](${POSTCONF_URL}#${name})` : "";
  const doc = parameterDoc(name);
  if (doc) {
    const paragraph = firstParagraph(parameterDocBody(doc));
    if (paragraph) return [paragraph, link].filter(Boolean).join("\n\n");
  }
  const lines = [detailParts.length > 0 ? detailParts.join(" · ") : "Postfix parameter"];
  if (deprecated && facts.replacement) lines.push(`Prefer \`${facts.replacement}\`.`);
  else if (deprecated && facts.advice === "remove") lines.push("Leave it unset.");
  if (link) lines.push(link);
  return lines.join("\n\n");
}

/** The first paragraph of a doc body, without pitfall citations. */
function firstParagraph(body: string): string {
  const paragraph = body.split(/\n\s*\n/).find((part) => part.trim().length > 0) ?? "";
  return paragraph.replace(/\s*\[\[[^\]]*\]\]/g, "").trim();
}

// ---------------------------------------------------------------------------
// Parameter names

function parameterNameItems(
  request: Request,
  prefix: Token,
  file: "main" | "master",
  entry: MainEntry | MasterEntry | undefined,
): CompletionItem[] {
  const { text } = request;
  const range = editRange(request, prefix.start, prefix.end);
  const rest = text.slice(prefix.end, lineEnd(text, prefix.end));
  let suffix: string;
  if (file === "master") suffix = rest.startsWith("=") ? "" : "=";
  else if (/^\s*=/.test(rest)) suffix = "";
  else suffix = /^\s+\S/.test(rest) ? " =" : " = ";
  // After -o, names of the entry's own program come first (smtpd_* for smtpd).
  const program = entry?.kind === "master" ? programOf(entry) : undefined;
  const boost = program ? `${program}_` : undefined;
  return [...knownParameters(request.version).values()].map((info) => {
    const group = info.deprecated ? 2 : boost && info.name.startsWith(boost) ? 0 : 1;
    const item: CompletionItem = withDocumentation(
      {
        label: info.name,
        kind: CompletionItemKind.Property,
        sortText: sortKey(group, info.name),
        textEdit: { range, newText: info.name + suffix },
      },
      info,
      request,
    );
    if (info.deprecated) item.tags = [CompletionItemTag.Deprecated];
    // Right after "name = " or "name=", offer the values straight away.
    if (info.hasValues && (suffix === " = " || suffix === "=")) item.command = TRIGGER_SUGGEST;
    return item;
  });
}

/** The program a master.cf entry runs: the last path component of its command field. */
function programOf(entry: MasterEntry): string | undefined {
  const command = entry.words[7]?.text;
  return command ? command.slice(command.lastIndexOf("/") + 1) : undefined;
}

// ---------------------------------------------------------------------------
// $name references

function referenceItems(
  request: Request,
  start: number,
  end: number,
  closing: string,
  setting: ParameterSetting | undefined,
): CompletionItem[] {
  const range = editRange(request, start, end);
  const current = setting?.name.text;
  const items: CompletionItem[] = [];
  const typed = request.text.slice(start, Math.max(start, request.offset));
  for (const [name, value] of userDefinedNames(request, typed)) {
    if (name === current) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Variable,
      detail: `set in this file${value ? ` · = ${shorten(value)}` : " · empty"}`,
      sortText: sortKey(0, name),
      textEdit: { range, newText: name + closing },
    });
  }
  for (const info of knownParameters(request.version).values()) {
    if (info.name === current) continue;
    const item: CompletionItem = withDocumentation(
      {
        label: info.name,
        kind: CompletionItemKind.Variable,
        sortText: sortKey(info.deprecated ? 2 : 1, info.name),
        textEdit: { range, newText: info.name + closing },
      },
      info,
      request,
    );
    if (info.deprecated) item.tags = [CompletionItemTag.Deprecated];
    items.push(item);
  }
  return items;
}

/** More user-defined names than this go to the editor only as far as typing narrows them. */
const MAX_USER_NAMES = 500;

/** Whether the characters of `typed` occur in `name` in order (how editors filter). */
function isSubsequence(typed: string, name: string): boolean {
  let at = 0;
  for (const char of typed) {
    at = name.indexOf(char, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/**
 * Names set in this file that the release does not know, with their last value.
 * A machine-made main.cf can set tens of thousands: past MAX_USER_NAMES, only
 * names that can still match `typed` are offered, at most that many, and the list
 * is marked incomplete so that the editor asks again as typing goes on.
 */
function userDefinedNames(request: Request, typed: string): [string, string][] {
  const { config, version } = request;
  const values =
    config.kind === "main"
      ? undefined
      : new Map(settingTexts(config).map(({ name, value }) => [name, value]));
  // main.cf's names come from the name index: a long file is not read line by line.
  const candidates = values ? [...values.keys()] : mainSettingNames(config);
  const narrow = candidates.length > MAX_USER_NAMES;
  if (narrow) request.incomplete = true;
  const lowerTyped = typed.toLowerCase();
  const names: [string, string][] = [];
  for (const name of candidates) {
    if (narrow && !isSubsequence(lowerTyped, name.toLowerCase())) continue;
    if (!/^[A-Za-z0-9_]+$/.test(name) || isKnownParameter(name, version)) continue;
    names.push([name, values ? values.get(name)! : (lastMainValue(config, name) ?? "")]);
    if (narrow && names.length >= MAX_USER_NAMES) break;
  }
  return names;
}

/**
 * A `$` being typed that the parser does not see as a reference yet (`$`,
 * `${`, `${na`): the span of the name and the bracket that must close it.
 */
function typedReference(
  text: DocumentText,
  wordStart: number,
  offset: number,
): { start: number; end: number; closing: string } | undefined {
  const before = text.slice(wordStart, offset);
  const match = /\$([{(]?)([A-Za-z0-9_]*)$/.exec(before);
  if (!match) return undefined;
  // "$$" is a literal dollar sign: count the dollars in front of this one.
  let dollars = 0;
  for (let i = match.index; i >= 0 && before[i] === "$"; i--) dollars++;
  if (dollars % 2 === 0) return undefined;
  const start = wordStart + match.index + 1 + match[1].length;
  const close = match[1] === "{" ? "}" : match[1] === "(" ? ")" : "";
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_]/.test(text.charAt(end))) end++;
  return { start, end, closing: close && text.charAt(end) !== close ? close : "" };
}

// ---------------------------------------------------------------------------
// Values

function valueWordItems(
  request: Request,
  parameter: string,
  setting: ParameterSetting,
  word: Token,
): CompletionItem[] {
  const { text, offset, version } = request;
  const typed = typedReference(text, word.start, offset);
  if (typed) return referenceItems(request, typed.start, typed.end, typed.closing, setting);
  const valueStart = Math.min(setting.value.start, word.start);
  const before = text.slice(valueStart, word.start);
  // Inside a { ... } group (inline:{ ... }, static:{ ... }): free text.
  if (braceDepth(before + text.slice(word.start, offset)) > 0) return [];
  const classes = restrictionClasses(request);
  const kind: ValueKind | undefined =
    valueKind(parameter, version) ?? (classes.has(parameter) ? "restrictions" : undefined);
  if (!kind) return [];
  const isFirstWord = previousWords(before).length === 0;

  switch (kind) {
    case "lookup-table":
      return tableItems(request, parameter, word);
    case "postscreen-access":
      return [
        ...choiceItems(request, parameter, [...POSTSCREEN_ACCESS_ITEMS], word),
        ...tableItems(request, parameter, word),
      ];
    case "restrictions": {
      const previous = previousWords(before).at(-1);
      const keyword = previous ? restrictionKeyword(previous) : undefined;
      if (keyword?.argument === "table") return tableItems(request, parameter, word);
      if (keyword?.argument) {
        return choiceItems(request, parameter, argumentValues(keyword.value, version), word);
      }
      const items = choiceItems(request, parameter, usefulRestrictions(request, parameter), word);
      const range = editRange(request, word.start, word.end);
      for (const name of classes) {
        if (name === parameter) continue;
        items.push({
          label: name,
          kind: CompletionItemKind.Reference,
          detail: "restriction class from smtpd_restriction_classes",
          sortText: sortKey(0, name),
          textEdit: { range, newText: name },
        });
      }
      return items;
    }
    case "tls-protocols": {
      // Protocol lists may also use ':' between items.
      const typedPart = text.slice(word.start, offset);
      const start = word.start + typedPart.lastIndexOf(":") + 1;
      const tail = text.slice(offset, word.end);
      const end = tail.includes(":") ? offset + tail.indexOf(":") : word.end;
      const choices = valuesOfKind(kind, version).filter(
        (choice) => !choice.wholeValue || (isFirstWord && start === word.start),
      );
      return choiceItems(request, parameter, choices, { text: "", start, end });
    }
    default: {
      const choices = valuesOfKind(kind, version).filter(
        (choice) => !choice.wholeValue || isFirstWord,
      );
      return choiceItems(request, parameter, choices, word);
    }
  }
}

/** Net number of open `{` in a piece of value text. */
function braceDepth(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === "{") depth++;
    else if (ch === "}" && depth > 0) depth--;
  }
  return depth;
}

/** The words of value text, skipping comment lines inside a continued value. */
function previousWords(text: string): string[] {
  return text
    .split("\n")
    .filter((line, index) => index === 0 || !/^\s*#/.test(line))
    .join(" ")
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);
}

/** Class names listed in smtpd_restriction_classes in this file. */
/**
 * The restrictions that can work in this list: those whose request data the
 * list's stage has (with smtpd_delay_reject as this file sets it, default yes).
 */
function usefulRestrictions(request: Request, parameter: string): ValueChoice[] {
  const choices = valuesOfKind("restrictions", request.version);
  const stage = RESTRICTION_LISTS.get(parameter);
  if (!stage) return choices;
  const { config } = request;
  const delayValue =
    config.kind === "main"
      ? lastMainValue(config, "smtpd_delay_reject")
      : settingTexts(config)
          .filter((setting) => setting.name === "smtpd_delay_reject")
          .pop()?.value;
  const delayReject = delayValue === undefined || isYes(delayValue);
  return choices.filter((choice) => {
    const facts = restrictionFacts(choice.value, request.version);
    return !facts || worksInStage(facts.needs, stage, delayReject);
  });
}

function restrictionClasses(request: Request): Set<string> {
  const { config } = request;
  const name = "smtpd_restriction_classes";
  // In main.cf the last line wins; a master.cf has no such line, only `-o` options.
  const value =
    config.kind === "main"
      ? lastMainValue(config, name)
      : settingTexts(config)
          .filter((setting) => setting.name === name)
          .pop()?.value;
  const classes = new Set<string>();
  for (const word of previousWords(value ?? "")) {
    if (/^[A-Za-z0-9_]+$/.test(word)) classes.add(word);
  }
  return classes;
}

/** `type:` items for a lookup table word; after `proxy:` the inner type. */
function tableItems(request: Request, parameter: string, word: Token): CompletionItem[] {
  const { text } = request;
  const typed = text.slice(word.start, request.offset);
  let start = word.start;
  let rest = typed;
  // Skip wrappers already typed: proxy:, debug:.
  for (;;) {
    const colon = rest.indexOf(":");
    if (colon < 0) break;
    const type = rest.slice(0, colon + 1);
    if (!isWrapperTable(type)) return []; // typing a table name or path
    start += colon + 1;
    rest = rest.slice(colon + 1);
  }
  // Replace "type:" when the cursor is in front of an existing one.
  const tail = text.slice(request.offset, word.end);
  const end = tail.includes(":") ? request.offset + tail.indexOf(":") + 1 : word.end;
  const wrapped = start > word.start;
  const choices = lookupTableTypes(request.version).filter(
    (choice) => !(wrapped && isWrapperTable(choice.value)),
  );
  return choiceItems(request, parameter, choices, { text: "", start, end });
}

/** Items for value choices, in the order given, replacing `word`. */
function choiceItems(
  request: Request,
  parameter: string,
  choices: ValueChoice[],
  word: Token,
): CompletionItem[] {
  const { text } = request;
  const range = editRange(request, word.start, word.end);
  const defaults = defaultNotes(parameter, request.version);
  const followedBySpace = /^[ \t\r\n,]/.test(text.slice(word.end, word.end + 1));
  return choices.map((choice, index) => {
    const note = defaults.get(choice.value.toLowerCase());
    const group = choice.deprecated ? 3 : choice.discouraged ? 2 : 1;
    const item: CompletionItem = {
      label: choice.value,
      kind: itemKind(choice),
      detail: note ? `${choice.detail} (${note})` : choice.detail,
      sortText: sortKey(group, index),
      textEdit: { range, newText: choice.value },
    };
    const doc = valueDoc(parameter, choice.value);
    if (doc) item.documentation = markdown(doc);
    if (choice.deprecated) item.tags = [CompletionItemTag.Deprecated];
    if (choice.snippet && request.snippets) {
      item.insertTextFormat = InsertTextFormat.Snippet;
      item.textEdit = { range, newText: choice.snippet };
    }
    if (choice.argument && !followedBySpace) {
      // A keyword with an argument: add the space and offer what may follow.
      item.textEdit = { range, newText: `${choice.value} ` };
      if (choice.argument === "table" || choice.argument === "endpoint")
        item.command = TRIGGER_SUGGEST;
    } else if (isWrapperTable(choice.value)) {
      item.command = TRIGGER_SUGGEST;
    }
    return item;
  });
}

/** "default" notes by lower-case value, for the release's built-in default. */
function defaultNotes(parameter: string, version: PostfixVersion): Map<string, string> {
  const notes = new Map<string, string>();
  const value = defaultValue(parameter, version);
  if (value === undefined) return notes;
  const levelled = compatibilityChoice(value);
  if (levelled) {
    notes.set(levelled.below.toLowerCase(), `default below compatibility_level ${levelled.level}`);
    notes.set(
      levelled.atOrAbove.toLowerCase(),
      `default at compatibility_level ${levelled.level}+`,
    );
  } else {
    notes.set(value.toLowerCase(), "default");
  }
  return notes;
}

function itemKind(choice: ValueChoice): CompletionItemKind {
  if (choice.value.endsWith(":") || choice.value.includes(":{")) return CompletionItemKind.Module;
  if (/^(permit|reject|defer|check|warn|sleep)/.test(choice.value))
    return CompletionItemKind.Keyword;
  return CompletionItemKind.EnumMember;
}

// ---------------------------------------------------------------------------
// master.cf fields

function masterFieldItems(
  request: Request,
  field: Parameters<typeof masterFieldValues>[0],
  word: Token,
  entry: MasterEntry | undefined,
): CompletionItem[] {
  const { text } = request;
  let serviceType = entry?.words[1]?.text;
  if (!entry) {
    const lineStart = text.lastIndexOf("\n", request.offset - 1) + 1;
    serviceType = text.slice(lineStart, request.offset).split(/[ \t]+/)[1];
  }
  const choices = masterFieldValues(field, request.version, serviceType);
  const range = editRange(request, word.start, word.end);
  return choices.map((choice, index) => {
    const item: CompletionItem = {
      label: choice.value,
      kind: field === "command" ? CompletionItemKind.Module : CompletionItemKind.EnumMember,
      detail: choice.detail,
      sortText: sortKey(choice.discouraged ? 2 : 1, index),
      textEdit: { range, newText: choice.value },
    };
    if (choice.deprecated) item.tags = [CompletionItemTag.Deprecated];
    return item;
  });
}

// ---------------------------------------------------------------------------
// Values after trailing separators

/**
 * cursorContext() gives no context for a cursor after the last word of a
 * value and its separators ("permit_mynetworks, |" or an indented
 * continuation line), because the stored value is trimmed. These positions
 * still continue that value, so complete an empty word there.
 */
function trailingValueContext(request: Request): CursorContext | undefined {
  return request.config.kind === "main" ? trailingMainValue(request) : trailingBraceValue(request);
}

function valueEnd(text: DocumentText, setting: ParameterSetting): number {
  const equals = text.indexOf("=", setting.name.end);
  return Math.max(setting.value.end, equals + 1);
}

function trailingMainValue(request: Request): CursorContext | undefined {
  const { config, text, offset } = request;
  const entry = lastEntryBefore(config, offset);
  const setting = entry?.kind === "main" ? entry.setting : undefined;
  if (!entry || !setting) return undefined;
  const from = valueEnd(text, setting);
  if (from > offset) return undefined;
  const lines = text.slice(from, offset).split("\n");
  const separators = /^[ \t\r,]*$/;
  if (!separators.test(lines[0])) return undefined;
  for (const line of lines.slice(1, -1)) {
    if (!separators.test(line) && !/^[ \t\r]*#/.test(line)) return undefined;
  }
  // The cursor's own line must be a continuation line: indented.
  if (lines.length > 1 && !/^[ \t]+[ \t\r,]*$/.test(lines[lines.length - 1])) return undefined;
  return emptyWordOf(setting, entry, offset);
}

/** A value context with an empty word at the cursor: a word about to be typed. */
function emptyWordOf(
  setting: ParameterSetting,
  entry: MainEntry | MasterEntry,
  offset: number,
): CursorContext {
  const word = { text: "", start: offset, end: offset };
  return { kind: "value", parameter: setting.name.text, setting, word, entry };
}

/** `-o { name = value | }` with the cursor after the value, inside the braces. */
function trailingBraceValue(request: Request): CursorContext | undefined {
  const { config, text, offset } = request;
  const entry = entryAt(config, offset);
  const option = entry?.kind === "master" ? optionAt(entry, offset) : undefined;
  const setting = option?.setting;
  const value = option?.value;
  if (!entry || !setting || !value || !option.braces) return undefined;
  if (offset <= value.start || offset >= value.end) return undefined;
  const from = valueEnd(text, setting);
  if (from > offset || !/^[ \t\r\n,]*$/.test(text.slice(from, offset))) return undefined;
  return emptyWordOf(setting, entry, offset);
}
