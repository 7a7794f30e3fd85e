import { type Block, type ParsedConfig, configText, isEntry } from "../parser/document";
import type { Span } from "../parser/logicalLines";

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

export function bannerGroups(config: ParsedConfig): BannerGroup[] {
  const text = configText(config);
  const { blocks } = config;
  const groups: BannerGroup[] = [];
  let open: BannerGroup | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (isEntry(block)) {
      if (open) open.end = block.end;
      continue;
    }
    const title = bannerTitle(text.slice(block.start, block.end));
    if (title === undefined || !standsApart(blocks, i, text) || !headsAnEntry(blocks, i, text))
      continue;
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

function commentText(blocks: Block[], index: number, text: TextLike): string | undefined {
  const block = blocks[index];
  return block && !isEntry(block) ? text.slice(block.start, block.end) : undefined;
}

/** A blank line, a rule line or the top of the file before the banner. */
function standsApart(blocks: Block[], index: number, text: TextLike): boolean {
  if (index === 0) return true;
  const previous = blocks[index - 1];
  if (hasBlankLineBetween(text, previous.end, blocks[index].start)) return true;
  const line = commentText(blocks, index - 1, text);
  return line !== undefined && isRule(line);
}

/** The next block, past rule lines and without a blank line, is an entry. */
function headsAnEntry(blocks: Block[], index: number, text: TextLike): boolean {
  let next = index + 1;
  while (next < blocks.length) {
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
  const between = text.slice(end, start);
  return between.indexOf("\n") !== between.lastIndexOf("\n");
}
