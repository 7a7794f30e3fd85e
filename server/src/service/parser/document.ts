import { type CommentBlock, type LogicalLine, isHeadLine, readLogicalLines } from "./logicalLines";
import { type MainEntry, parseMainEntry } from "./mainCf";
import { type MasterEntry, parseMasterEntry } from "./masterCf";

export type ConfigKind = "main" | "master";

export type Block = MainEntry | MasterEntry | CommentBlock;

/**
 * A parsed main.cf or master.cf: its logical entries and top-level comment lines in
 * document order. Comment lines inside a continued entry belong to that entry.
 */
export interface ParsedConfig {
  kind: ConfigKind;
  text: string;
  blocks: Block[];
}

/** A text change in the form LSP sends it, with offsets into the old text. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export function parseConfig(kind: ConfigKind, text: string): ParsedConfig {
  return { kind, text, blocks: parseRange(kind, text, 0, text.length) };
}

function parseRange(kind: ConfigKind, text: string, from: number, to: number): Block[] {
  const blocks: Block[] = [];
  const parseEntry: (line: LogicalLine) => Block =
    kind === "main" ? parseMainEntry : parseMasterEntry;
  readLogicalLines(text, from, to, {
    logicalLine: (line) => blocks.push(parseEntry(line)),
    comment: (line) => blocks.push({ kind: "comment", start: line.start, end: line.end }),
  });
  return blocks;
}

export function isEntry(block: Block): block is MainEntry | MasterEntry {
  return block.kind !== "comment";
}

/**
 * Applies an edit and re-parses only the logical entries it can affect: from the
 * entry that starts before the edited line (an edit may join its line to that
 * entry) up to the first entry that starts on a later, untouched head line (a head
 * line always starts a fresh logical line, whatever precedes it). Blocks after that
 * are reused with their offsets shifted.
 */
export function updateConfig(config: ParsedConfig, edit: TextEdit): ParsedConfig {
  const oldText = config.text;
  const text = oldText.slice(0, edit.start) + edit.newText + oldText.slice(edit.end);
  const delta = edit.newText.length - (edit.end - edit.start);
  const blocks = config.blocks;

  const editLineStart = oldText.lastIndexOf("\n", edit.start - 1) + 1;
  // First block to re-parse: the last entry starting before the edited line.
  let first = lastIndexWhere(blocks, (block) => block.start < editLineStart);
  while (first >= 0 && !isEntry(blocks[first])) first--;
  const from = first >= 0 ? blocks[first].start : 0;
  if (first < 0) first = 0;

  // First block to keep: an entry on a head line that starts after the edited lines.
  const editLineEnd = nextNewline(oldText, edit.end);
  let keep = firstIndexWhere(blocks, (block) => block.start > editLineEnd, first);
  while (
    keep < blocks.length &&
    !(isEntry(blocks[keep]) && isHeadLine(oldText, blocks[keep].start))
  ) {
    keep++;
  }
  const to = keep < blocks.length ? blocks[keep].start + delta : text.length;

  const reparsed = parseRange(config.kind, text, from, to);
  const kept = blocks.slice(keep);
  if (delta !== 0) for (const block of kept) shiftOffsets(block, delta);
  return { kind: config.kind, text, blocks: [...blocks.slice(0, first), ...reparsed, ...kept] };
}

/** Applies several edits in order, each against the text the previous one produced. */
export function updateConfigWithEdits(config: ParsedConfig, edits: TextEdit[]): ParsedConfig {
  return edits.reduce(updateConfig, config);
}

function nextNewline(text: string, from: number): number {
  const index = text.indexOf("\n", from);
  return index < 0 ? text.length : index;
}

function lastIndexWhere<T>(items: T[], predicate: (item: T) => boolean): number {
  // Blocks are sorted by start, so the predicate holds for a prefix: binary search.
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (predicate(items[mid])) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function firstIndexWhere<T>(items: T[], predicate: (item: T) => boolean, from: number): number {
  let low = from;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (predicate(items[mid])) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Shifts every `start`/`end` document offset in a block (see the convention in
 * logicalLines.ts). A node referenced twice in a tree is shifted once.
 */
function shiftOffsets(node: object, delta: number, seen = new Set<object>()): void {
  if (seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node)
      if (typeof item === "object" && item !== null) shiftOffsets(item, delta, seen);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (key === "start" || key === "end" || key === "nulOffset") {
      record[key] = (value as number) + delta;
    } else if (typeof value === "object" && value !== null) {
      shiftOffsets(value, delta, seen);
    }
  }
}
