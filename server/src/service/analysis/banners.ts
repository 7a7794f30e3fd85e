import {
  type Block,
  type ParsedConfig,
  blocksAround,
  configText,
  isEntry,
} from "../parser/document";
import type { Span } from "../parser/logicalLines";
import { firstIndexWhere } from "../text/binarySearch";

/**
 * Comment banners: a one-line comment such as `# TLS parameters` that stands apart
 * (after a blank line, a rule of `#`/`=`/`-` characters, or at the top of the file)
 * and is followed directly by an entry heads a group of entries, up to the next
 * banner. A paragraph of prose, a commented-out setting and a rule line are no
 * banners (nor is a sentence ending in a period), so main.cf.dist, which explains
 * each setting in prose, has none.
 */
export interface BannerGroup extends Span {
  /** The banner's text without `#` and rule characters. */
  title: string;
  /** The banner line. */
  banner: Span;
}

/** Longer comments read as prose, not as a heading. */
const MAX_TITLE_LENGTH = 60;

/** The banner groups, of the blocks that start up to `until` (by default, all). */
export function bannerGroups(config: ParsedConfig, until = Infinity): BannerGroup[] {
  const { blocks } = config;
  const to = firstIndexWhere(blocks.length, (i) => blocks[i].start > until, 0);
  return groupsIn(blocks, configText(config), 0, to);
}

/**
 * The banner group that holds `offset`, found among the `reach` blocks on either
 * side of it: a selection range is asked for on every keystroke, and the groups of
 * the whole file take a pass over it. Undefined when the group's banner or its end
 * lies further away.
 */
export function bannerGroupAt(
  config: ParsedConfig,
  offset: number,
  reach = 2_000,
): BannerGroup | undefined {
  const { blocks, toEnd } = blocksAround(config, offset, reach);
  const groups = groupsIn(blocks, configText(config), 0, blocks.length);
  const index = groups.findIndex((group) => group.start <= offset && offset <= group.end);
  // The last group runs on to the next banner, which may lie past the blocks read.
  if (index < 0 || (index === groups.length - 1 && !toEnd)) return undefined;
  return groups[index];
}

/**
 * The banner groups of the first `count` blocks of a file, cut at the last of them;
 * the blocks after them are not looked at.
 */
export function bannerGroupsOf(
  blocks: readonly Block[],
  count: number,
  text: TextLike,
): BannerGroup[] {
  return groupsIn(blocks, text, 0, count, count);
}

/**
 * The banner groups that blocks [from, to) start, cut at `to`; a banner may look at
 * the blocks after it up to `end`.
 */
function groupsIn(
  blocks: readonly Block[],
  text: TextLike,
  from: number,
  to: number,
  end = blocks.length,
): BannerGroup[] {
  const groups: BannerGroup[] = [];
  let open: BannerGroup | undefined;
  for (let i = from; i < to; i++) {
    const block = blocks[i];
    if (isEntry(block)) {
      if (open) open.end = block.end;
      continue;
    }
    // The checks of the neighbours first: they rule out most comment lines cheaply.
    if (!standsApart(blocks, i, text) || !headsAnEntry(blocks, i, end, text)) continue;
    const title = bannerTitle(text.slice(block.start, block.end));
    if (title === undefined) continue;
    open = {
      title,
      banner: { start: block.start, end: block.end },
      start: block.start,
      end: block.end,
    };
    groups.push(open);
  }
  return groups;
}

/** The heading of a comment line, or undefined for rules, prose-like or code-like lines. */
function bannerTitle(line: string): string | undefined {
  const title = line
    .replace(/^[\s#]+/, "")
    .replace(/[\s#=*-]+$/, "")
    .replace(/^[=*-]+\s*/, "")
    .trim();
  if (title.length === 0 || title.length > MAX_TITLE_LENGTH) return undefined;
  // A sentence ("# readme_directory: The location of the README files.") is prose.
  if (title.endsWith(".")) return undefined;
  // A commented-out setting or master.cf entry is code, not a heading.
  if (title.includes("=") || /^\S+\s+(inet|unix|fifo|pass|unix-dgram)\s/.test(title))
    return undefined;
  return title;
}

function isRule(line: string): boolean {
  return /^\s*#[\s#=*-]*$/.test(line);
}

function commentText(blocks: readonly Block[], index: number, text: TextLike): string | undefined {
  const block = blocks[index];
  return block && !isEntry(block) ? text.slice(block.start, block.end) : undefined;
}

/** A blank line, a rule line or the top of the file before the banner. */
function standsApart(blocks: readonly Block[], index: number, text: TextLike): boolean {
  if (index === 0) return true;
  const previous = blocks[index - 1];
  if (hasBlankLineBetween(text, previous.end, blocks[index].start)) return true;
  const line = commentText(blocks, index - 1, text);
  return line !== undefined && isRule(line);
}

/** The next block (before `end`), past rule lines and without a blank line, is an entry. */
function headsAnEntry(
  blocks: readonly Block[],
  index: number,
  end: number,
  text: TextLike,
): boolean {
  let next = index + 1;
  while (next < end) {
    if (hasBlankLineBetween(text, blocks[next - 1].end, blocks[next].start)) return false;
    if (isEntry(blocks[next])) return true;
    const line = commentText(blocks, next, text);
    if (line === undefined || !isRule(line)) return false;
    next++;
  }
  return false;
}

type TextLike = { slice(start: number, end: number): string };

function hasBlankLineBetween(text: TextLike, end: number, start: number): boolean {
  // Next to each other, lines are one line break apart.
  if (start - end <= 1) return false;
  const between = text.slice(end, start);
  return between.indexOf("\n") !== between.lastIndexOf("\n");
}
