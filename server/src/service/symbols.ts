import {
  type DocumentSymbol,
  type Range,
  SymbolKind,
  type SymbolInformation,
} from "vscode-languageserver-types";
import { masterEntries } from "./analysis/configModel";
import type { PositionMapper } from "./languageTypes";
import {
  type Block,
  type ParsedConfig,
  blockChunks,
  configText,
  isEntry,
  mainEntriesNamed,
  mainSettingsSummary,
} from "./parser/document";
import type { Span } from "./parser/logicalLines";
import type { MainEntry, ParameterSetting } from "./parser/mainCf";
import { MASTER_FIELD_NAMES, type MasterEntry } from "./parser/masterCf";
import { type BannerGroup, bannerGroups, bannerGroupsOf } from "./analysis/banners";

/**
 * Document symbols: the Outline, breadcrumbs and "Go to Symbol". main.cf lists every
 * setting (earlier assignments of a name are marked as overridden, since the last
 * one wins); master.cf lists every service as `name/type` with its `-o` settings as
 * children. Comment banners that head a group of entries (`# TLS parameters`)
 * become containers.
 */

/** How much of a value the Outline shows. */
const DETAIL_LENGTH = 80;

/**
 * The Outline lists at most this many settings and services, in document order,
 * then a note with the number left out. Real files stay far below it (the largest
 * main.cf of 61 public configurations sets 113 parameters). A complete outline of
 * a 100k-line main.cf is 37k symbols, 11 MB of JSON; even 2,000 symbols are 560 KB,
 * which take 20 ms to encode, send and decode after every keystroke. Nobody reads
 * an outline that long, and Go to Symbol in Workspace finds every setting.
 */
export const MAX_OUTLINE_SYMBOLS = 500;

export function findDocumentSymbols(
  config: ParsedConfig,
  mapper: PositionMapper,
  limit = MAX_OUTLINE_SYMBOLS,
): DocumentSymbol[] {
  const rangeOf = (span: Span): Range => ({
    start: mapper.positionAt(span.start),
    end: mapper.positionAt(span.end),
  });
  const outline = new Outline(limit, rangeOf);
  let groups: BannerGroup[];
  if (config.kind === "main") groups = mainSymbols(config, outline);
  else {
    for (const entry of masterEntries(config)) masterSymbol(entry, outline);
    // Banners after the last listed entry head nothing listed.
    const listed = outline.placed;
    groups = bannerGroups(config, listed.length > 0 ? listed[listed.length - 1].start : 0);
  }
  return outline.withNote(groupUnderBanners(outline.placed, groups, rangeOf));
}

/** A symbol with the document span it was made from. */
interface PlacedSymbol {
  start: number;
  symbol: DocumentSymbol;
}

/** The symbols listed so far, and what the limit left out. */
class Outline {
  readonly placed: PlacedSymbol[] = [];
  private room: number;
  private readonly limit: number;
  private leftOut = 0;
  private firstLeftOut?: Span;
  private lastLeftOut?: Span;

  constructor(
    limit: number,
    readonly rangeOf: (span: Span) => Range,
  ) {
    this.room = this.limit = limit;
  }

  /** Takes up to `count` places; the rest, whose spans are given, are counted as left out. */
  take(count: number, spanOf: (index: number) => Span): number {
    const taken = Math.min(count, this.room);
    this.room -= taken;
    if (taken < count) {
      this.leftOut += count - taken;
      this.firstLeftOut ??= spanOf(taken);
      this.lastLeftOut = spanOf(count - 1);
    }
    return taken;
  }

  get isFull(): boolean {
    return this.room === 0;
  }

  /** Counts `count` entries as left out, from `first` to `last`, without reading them. */
  leaveOut(count: number, first: Span, last: Span): void {
    this.leftOut += count;
    this.firstLeftOut ??= first;
    this.lastLeftOut = last;
  }

  /** `symbols` with a last one that says how many were left out, if any. */
  withNote(symbols: DocumentSymbol[]): DocumentSymbol[] {
    const { firstLeftOut, lastLeftOut } = this;
    if (!firstLeftOut || !lastLeftOut) return symbols;
    const range = this.rangeOf({ start: firstLeftOut.start, end: lastLeftOut.end });
    const count = this.leftOut.toLocaleString("en");
    symbols.push({
      name: `${count} more not listed`,
      detail: `the outline stops at ${this.limit.toLocaleString("en")} entries; Go to Symbol in Workspace finds every setting`,
      kind: SymbolKind.Null,
      range,
      selectionRange: { start: range.start, end: range.start },
    });
    return symbols;
  }
}

/**
 * Lists main.cf's settings up to the limit, reading the file only that far (the
 * rest is counted without settling its offsets); returns the banner groups of the
 * blocks read up to the last listed entry (banners after it head nothing listed).
 */
function mainSymbols(config: ParsedConfig, outline: Outline): BannerGroup[] {
  /** How many settings of each name are listed so far. */
  const listedByName = new Map<string, number>();
  let blocks: readonly Block[] = [];
  let throughLastListed = 0;
  reading: for (const chunk of blockChunks(config)) {
    blocks = chunk.blocks;
    for (let index = chunk.from; index < chunk.to; index++) {
      const entry = blocks[index];
      if (entry.kind !== "main" || !entry.setting) continue;
      if (outline.isFull) {
        const { count, last } = mainSettingsSummary(config);
        outline.leaveOut(count - outline.placed.length, entry, last ?? entry);
        break reading;
      }
      outline.take(1, () => entry);
      throughLastListed = index + 1;
      listSetting(config, outline, entry, entry.setting, listedByName);
    }
  }
  return bannerGroupsOf(blocks, throughLastListed, configText(config));
}

/** Lists one main.cf setting, marked when a later setting of its name overrides it. */
function listSetting(
  config: ParsedConfig,
  outline: Outline,
  entry: MainEntry,
  setting: ParameterSetting,
  listedByName: Map<string, number>,
): void {
  const name = setting.name.text;
  const listedOfName = (listedByName.get(name) ?? 0) + 1;
  listedByName.set(name, listedOfName);
  const value = shorten(setting.value.text);
  // The last assignment of a name is the one in effect. Every setting before this
  // one is listed, so a setting of the name that is not listed comes later.
  const overridden = mainEntriesNamed(config, name).length > listedOfName;
  outline.placed.push({
    start: entry.start,
    symbol: {
      name,
      detail: overridden ? `overridden later · ${value}` : value,
      kind: SymbolKind.Property,
      range: outline.rangeOf(entry),
      selectionRange: outline.rangeOf(setting.name),
    },
  });
}

function masterSymbol(entry: MasterEntry, outline: Outline): void {
  const [service, type] = entry.words;
  if (!service || entry.problem?.code === "leading-whitespace") return;
  if (outline.take(1, () => entry) === 0) return;
  // The program and its arguments; the -o settings are the children.
  const command = [
    entry.words[MASTER_FIELD_NAMES.length - 1]?.text ?? "",
    ...entry.arguments.map((argument) => argument.word.text),
  ];
  const settings = entry.options.filter((option) => option.setting !== undefined);
  const listed = outline.take(settings.length, (i) => settings[i].flag);
  const { rangeOf } = outline;
  outline.placed.push({
    start: entry.start,
    symbol: {
      name: type ? `${service.text}/${type.text}` : service.text,
      detail: shorten(command.join(" ")),
      kind: SymbolKind.Module,
      range: rangeOf(entry),
      selectionRange: rangeOf(service),
      children: settings
        .slice(0, listed)
        .map((option) => optionSymbol(option.setting!, option.flag, rangeOf)),
    },
  });
}

function optionSymbol(
  setting: ParameterSetting,
  flag: Span,
  rangeOf: (span: Span) => Range,
): DocumentSymbol {
  return {
    name: setting.name.text,
    detail: shorten(setting.value.text),
    kind: SymbolKind.Property,
    range: rangeOf({ start: flag.start, end: Math.max(flag.end, setting.value.end) }),
    selectionRange: rangeOf(setting.name),
  };
}

/** Puts each entry symbol inside the banner group that holds it (both come in document order). */
function groupUnderBanners(
  placed: PlacedSymbol[],
  groups: BannerGroup[],
  rangeOf: (span: Span) => Range,
): DocumentSymbol[] {
  const result: DocumentSymbol[] = [];
  let group = 0;
  let containerOf = -1;
  let container: DocumentSymbol | undefined;
  for (const { start, symbol } of placed) {
    while (group < groups.length && groups[group].end < start) group++;
    const current = groups[group];
    if (!current || start < current.start) {
      result.push(symbol);
      continue;
    }
    if (containerOf !== group) {
      container = {
        name: current.title,
        kind: SymbolKind.Namespace,
        range: rangeOf(current),
        selectionRange: rangeOf(current.banner),
        children: [],
      };
      result.push(container);
      containerOf = group;
    }
    container!.children!.push(symbol);
  }
  return result;
}

function shorten(text: string): string {
  const long = text.length > DETAIL_LENGTH * 2;
  const head = long ? text.slice(0, DETAIL_LENGTH * 2) : text;
  // Most values are on one line with single blanks: no copy for them.
  const oneLine = /\s\s|[\t\n\r\f\v]/.test(head) ? head.replace(/\s+/g, " ").trim() : head;
  return long || oneLine.length > DETAIL_LENGTH
    ? `${oneLine.slice(0, DETAIL_LENGTH - 3)}...`
    : oneLine;
}

/** Workspace symbols: the settings and services of the given files whose name matches. */
export function findWorkspaceSymbols(
  files: { uri: string; config: ParsedConfig; mapper: PositionMapper }[],
  query: string,
  limit = 500,
): SymbolInformation[] {
  const wanted = query.toLowerCase();
  const result: SymbolInformation[] = [];
  for (const file of files) {
    for (const block of file.config.blocks) {
      if (!isEntry(block)) continue;
      for (const [name, span, kind, container] of namedSpans(block)) {
        if (!matchesQuery(name.toLowerCase(), wanted)) continue;
        result.push({
          name,
          kind,
          containerName: container,
          location: {
            uri: file.uri,
            range: {
              start: file.mapper.positionAt(span.start),
              end: file.mapper.positionAt(span.end),
            },
          },
        });
        if (result.length >= limit) return result;
      }
    }
  }
  return result;
}

/** The names an entry defines: a main.cf setting, or a service and its -o settings. */
function namedSpans(entry: MainEntry | MasterEntry): [string, Span, SymbolKind, string?][] {
  if (entry.kind === "main") {
    return entry.setting ? [[entry.setting.name.text, entry, SymbolKind.Property]] : [];
  }
  const [service, type] = entry.words;
  if (!service || !type || entry.problem?.code === "leading-whitespace") return [];
  const serviceName = `${service.text}/${type.text}`;
  return [
    [serviceName, entry, SymbolKind.Module],
    ...entry.options.flatMap((option): [string, Span, SymbolKind, string][] =>
      option.setting
        ? [[option.setting.name.text, option.setting.name, SymbolKind.Property, serviceName]]
        : [],
    ),
  ];
}

/** VS Code filters fuzzily itself; other clients get the names whose letters appear in order. */
function matchesQuery(name: string, query: string): boolean {
  let from = 0;
  for (const char of query) {
    from = name.indexOf(char, from) + 1;
    if (from === 0) return false;
  }
  return true;
}
