import {
  type FoldingRange,
  FoldingRangeKind,
  type Position,
  type SelectionRange,
} from "vscode-languageserver-types";
import { bannerGroupAt, bannerGroupsOf } from "./analysis/banners";
import type { PositionMapper } from "./languageTypes";
import {
  type Block,
  type ParsedConfig,
  blockChunks,
  configText,
  entryAt,
  isEntry,
} from "./parser/document";
import { optionAt } from "./cursor";
import type { Span } from "./parser/logicalLines";
import type { MainEntry, ParameterSetting } from "./parser/mainCf";
import type { MasterEntry } from "./parser/masterCf";
import { lastIndexWhere } from "./text/binarySearch";

/**
 * Folding: logical lines over several physical lines (continued values, master.cf
 * entries with their `-o` lines), runs of two or more comment lines, and the
 * groups under a comment banner. Selection ranges grow from the word at the cursor
 * to its `$reference` or list item, the value, the logical line and the banner group.
 */

/**
 * The folding ranges of a file. With a `limit` (the client's `rangeLimit`: VS Code
 * asks for at most 5,000), the ranges that start first are returned and the rest
 * of the file is not read: the client would drop the surplus anyway.
 */
export function getFoldingRanges(
  config: ParsedConfig,
  mapper: PositionMapper,
  limit = Infinity,
): FoldingRange[] {
  const text = configText(config);
  const lineOf = (offset: number) => mapper.lineAt(offset);
  const ranges: FoldingRange[] = [];
  // Positions are looked up only where a range starts or ends: at 100k lines,
  // a lookup for every line would cost more than the rest.
  let runStart: Span | undefined;
  let runEnd: Span | undefined;
  const closeCommentRun = () => {
    if (runStart && runEnd && runEnd !== runStart) {
      ranges.push({
        startLine: lineOf(runStart.start),
        endLine: lineOf(runEnd.start),
        kind: FoldingRangeKind.Comment,
      });
    }
    runStart = runEnd = undefined;
  };
  // How many blocks were read, for the banner groups: ranges and groups past them
  // are not looked for.
  let blocks: readonly Block[] = [];
  let read = 0;
  let stopped = false;
  reading: for (const chunk of blockChunks(config)) {
    blocks = chunk.blocks;
    for (let index = chunk.from; index < chunk.to; index++) {
      const block = blocks[index];
      read = index + 1;
      if (ranges.length >= limit) {
        stopped = true;
        break reading;
      }
      if (isEntry(block)) {
        closeCommentRun();
        if (block.segments.length > 1 || block.innerComments.length > 0) {
          ranges.push({ startLine: lineOf(block.start), endLine: lineOf(block.end) });
        }
      } else if (runEnd && isNextLine(text, runEnd.end, block.start)) {
        runEnd = block;
      } else {
        closeCommentRun();
        runStart = runEnd = block;
      }
    }
  }
  closeCommentRun();
  const groups = bannerGroupsOf(blocks, read, text);
  // The group open where the reading stopped may run on: where it ends is unknown.
  if (stopped) groups.pop();
  const regions: FoldingRange[] = [];
  for (const group of groups) {
    const startLine = lineOf(group.start);
    const endLine = lineOf(group.end);
    if (endLine > startLine) regions.push({ startLine, endLine, kind: FoldingRangeKind.Region });
  }
  return mergeByStart(ranges, regions, limit);
}

/** The first `limit` ranges of two lists in start order, in start order (the first list first on ties). */
function mergeByStart(
  first: FoldingRange[],
  second: FoldingRange[],
  limit: number,
): FoldingRange[] {
  if (second.length === 0 && first.length <= limit) return first;
  const merged: FoldingRange[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < first.length || j < second.length)) {
    const takeFirst =
      j >= second.length || (i < first.length && first[i].startLine <= second[j].startLine);
    merged.push(takeFirst ? first[i++] : second[j++]);
  }
  return merged;
}

/** Whether `start` begins the line right after the one that ends at `end`. */
function isNextLine(text: { charAt(offset: number): string }, end: number, start: number): boolean {
  // Character tests, not a slice: this runs for every comment line read.
  if (start === end + 1) return text.charAt(end) === "\n";
  return start === end + 2 && text.charAt(end) === "\r" && text.charAt(end + 1) === "\n";
}

export function getSelectionRanges(
  config: ParsedConfig,
  mapper: PositionMapper,
  positions: Position[],
): SelectionRange[] {
  return positions.map((position) => {
    const offset = mapper.offsetAt(position);
    // The group first: reading its blocks settles the entry's offsets too, and they stay so.
    const group = bannerGroupAt(config, offset);
    const entry = entryAt(config, offset);
    const spans = entry ? entrySpans(config, entry, offset) : [];
    if (group) spans.push(group);
    // Innermost first; each parent must hold its child, and an equal span adds nothing.
    let result: SelectionRange | undefined;
    for (const span of spans.reverse()) {
      if (result && sameSpan(span, result, mapper)) continue;
      result = {
        range: { start: mapper.positionAt(span.start), end: mapper.positionAt(span.end) },
        parent: result,
      };
    }
    return result ?? { range: { start: position, end: position } };
  });
}

function sameSpan(span: Span, range: SelectionRange, mapper: PositionMapper): boolean {
  return (
    mapper.offsetAt(range.range.start) === span.start &&
    mapper.offsetAt(range.range.end) === span.end
  );
}

/** The spans around `offset` inside an entry, innermost first. */
function entrySpans(config: ParsedConfig, entry: MainEntry | MasterEntry, offset: number): Span[] {
  const inside = (span: Span) => span.start <= offset && offset <= span.end;
  const spans: Span[] = [];
  // An entry can have many thousands of options and words: binary searches.
  const option = entry.kind === "master" ? optionAt(entry, offset) : undefined;
  const candidate: { setting: ParameterSetting; whole: Span } | undefined =
    entry.kind === "main"
      ? entry.setting && { setting: entry.setting, whole: entry }
      : option?.setting && {
          setting: option.setting,
          whole: {
            start: option.flag.start,
            end: Math.max(option.flag.end, option.setting.value.end),
          },
        };
  const found = candidate && inside(candidate.whole) ? candidate : undefined;
  if (found) {
    const { setting, whole } = found;
    if (inside(setting.name)) spans.push(setting.name);
    else if (inside(setting.value)) {
      const reference = setting.macros.references.find(inside);
      if (reference) spans.push(reference.name, reference);
      else {
        const item = listItemAt(config, setting.value, offset);
        if (item) spans.push(item);
      }
      spans.push(setting.value);
    }
    if (entry.kind === "master") spans.push(whole);
  } else if (entry.kind === "master") {
    const { words } = entry;
    const word = words[lastIndexWhere(words.length, (i) => words[i].start <= offset)];
    if (word && inside(word)) spans.push(word);
  }
  spans.push(entry);
  return spans;
}

/** The list item (between blanks and commas) around `offset` in a value. */
function listItemAt(config: ParsedConfig, value: Span, offset: number): Span | undefined {
  const text = configText(config);
  const isSeparator = (char: string) => char === "," || /\s/.test(char);
  let start = offset;
  while (start > value.start && !isSeparator(text.charAt(start - 1))) start--;
  let end = offset;
  while (end < value.end && !isSeparator(text.charAt(end))) end++;
  return end > start ? { start, end } : undefined;
}
