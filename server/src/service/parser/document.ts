import { type CommentBlock, type LogicalLine, readLogicalLines } from "./logicalLines";
import type { MainEntry, ParameterSetting } from "./mainCf";
import { parseMainEntry } from "./mainCf";
import type { MasterEntry } from "./masterCf";
import { parseMasterEntry } from "./masterCf";
import { reparseMasterEntryEdit } from "./masterEntryEdit";
import { shiftBlock } from "./shift";
import { firstIndexWhere, lastIndexWhere } from "../text/binarySearch";
import { detached } from "../text/chars";
import { type DocumentText, PieceText, replaceInPieces, splitIntoPieces } from "../text/pieces";

export { type DocumentText, PieceText };

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
 * last entry that starts before the edit (an edit may join its line to that entry)
 * up to the first entry that starts on a later, untouched head line (a head line
 * always starts a fresh logical line, whatever precedes it). Blocks after that are
 * reused.
 *
 * The cost of an edit does not grow with the document: the text is kept in pieces
 * of a few KB (an edit copies one piece, not the document), and the offsets of the
 * reused blocks are shifted lazily, when someone next reads `blocks`. Reading
 * `text` or `blocks` after edits costs one pass over the document, however many
 * edits came in between.
 *
 * The config passed in is consumed: its blocks are reused (and later shifted) by
 * the result, so only the returned config may be used afterwards.
 */
export function updateConfig(config: ParsedConfig, edit: TextEdit): ParsedConfig {
  const document = documentOf(config);
  const { blocks } = document;
  const start = Math.max(0, Math.min(edit.start, document.length));
  const end = Math.max(start, Math.min(edit.end, document.length));
  const delta = edit.newText.length - (end - start);

  // First block to re-parse: the last entry starting before the edit.
  let first = lastIndexWhere(blocks.length, (i) => startOf(document, i) < start);
  while (first >= 0 && !isEntry(blocks[first])) first--;
  const from = first >= 0 ? startOf(document, first) : 0;
  if (first < 0) first = 0;
  // A long master.cf entry may be re-parsed around the edit alone; it needs exact offsets.
  const longEntry = isLongMasterEntry(blocks[first]) ? settleBlock(document, first) : undefined;

  // First block to keep: an entry on a head line that starts after the edited lines.
  // (A block starts a line, so starting after `end` means a later line, and the
  // line break before it survives the edit.)
  let keep = firstIndexWhere(blocks.length, (i) => startOf(document, i) > end, first);
  while (keep < blocks.length && !isHeadEntry(blocks[keep])) keep++;
  const oldTo = keep < blocks.length ? startOf(document, keep) : document.length;

  replaceText(document, start, end, edit.newText);
  const entry =
    longEntry?.kind === "master"
      ? reparseMasterEntryEdit(longEntry, { start, end, delta }, (f, t) =>
          substring(document, f, t),
        )
      : undefined;
  let reparsed: Block[];
  if (entry) {
    reparsed = [entry];
    keep = first + 1; // the blocks after the entry only move
  } else {
    // Parse the affected lines on their own, then move them to their place.
    const local = detached(substring(document, from, oldTo + delta));
    reparsed = parseRange(config.kind, local, 0, local.length);
    if (from !== 0) for (const block of reparsed) shiftBlock(block, from);
  }
  const kept = keep < blocks.length;
  const keptShift = kept ? shiftAt(document.shifts, keep) + delta : 0;

  replaceShifts(document.shifts, first, keep, reparsed.length, kept ? keptShift : undefined, delta);
  if (document.names) {
    indexNames(document.names, blocks, first, keep, false);
    indexNames(document.names, reparsed, 0, reparsed.length, true);
  }
  if (reparsed.length > 10_000) {
    document.blocks = blocks.slice(0, first).concat(reparsed, blocks.slice(keep));
  } else {
    blocks.splice(first, keep - first, ...reparsed);
  }
  while (document.shifts.length > MAX_PENDING_SHIFTS) applySmallestShift(document);
  const handle = handles.get(config);
  if (handle) handle.superseded = true;
  return configOf(config.kind, document);
}

/** Applies several edits in order, each against the text the previous one produced. */
export function updateConfigWithEdits(config: ParsedConfig, edits: TextEdit[]): ParsedConfig {
  return edits.reduce(updateConfig, config);
}

// ------------------------------------------------------------------------------
// Reading around one place without a pass over the document
//
// After an edit, the first read of `config.text` joins the whole text and the first
// read of `config.blocks` shifts every block after the edit: a few ms at 100k lines,
// and megabytes of garbage. Hover and completion look at one entry and the text
// around the cursor, so they read through these functions instead.

/** The config's text, without joining it when edits left it in pieces. */
export function configText(config: ParsedConfig): DocumentText {
  const document = liveDocument(config);
  if (!document || document.text !== undefined) return config.text;
  // One view per edit: a request reads the text several times.
  document.view ??= new PieceText(document.pieces);
  return document.view;
}

/** The entry whose span holds `offset` (start <= offset <= end). */
export function entryAt(config: ParsedConfig, offset: number): MainEntry | MasterEntry | undefined {
  const found = blockBefore(config, (start) => start <= offset);
  return found && isEntry(found) && offset <= found.end ? found : undefined;
}

/**
 * The entries whose text holds `needle`, each once, in document order. It is a
 * search of the text, so after an edit only the entries found are settled: every
 * use of a name spells the name out.
 */
export function entriesContaining(
  config: ParsedConfig,
  needle: string,
): (MainEntry | MasterEntry)[] {
  if (needle === "") return [];
  const { document, blocks, lastStartingWhere } = blockView(config);
  const endAt = (i: number) => blocks[i].end + (document ? shiftAt(document.shifts, i) : 0);
  const text = configText(config);
  const indexes: number[] = [];
  for (let at = text.indexOf(needle); at >= 0;) {
    const index = lastStartingWhere((start) => start <= at);
    const holds = index >= 0 && isEntry(blocks[index]) && at <= endAt(index);
    if (holds) indexes.push(index);
    // The entry's other occurrences add nothing.
    at = text.indexOf(needle, holds ? Math.max(endAt(index), at + 1) : at + 1);
  }
  if (document) settleEach(document, indexes);
  return indexes.map((index) => blocks[index] as MainEntry | MasterEntry);
}

/** The last entry that starts before `offset`. */
export function lastEntryBefore(
  config: ParsedConfig,
  offset: number,
): MainEntry | MasterEntry | undefined {
  return blockBefore(config, (start) => start < offset, true) as
    MainEntry | MasterEntry | undefined;
}

/** The value of the last `name = value` line of a main.cf (text only, no offsets). */
export function lastMainValue(config: ParsedConfig, name: string): string | undefined {
  const document = liveDocument(config);
  return lastOf(config, name, document ? document.blocks : config.blocks)?.setting?.value.text;
}

/** The last main.cf entry that sets `name`, with true offsets (only it is settled). */
export function lastMainEntry(config: ParsedConfig, name: string): MainEntry | undefined {
  const document = liveDocument(config);
  if (!document) return lastOf(config, name, config.blocks);
  const entry = lastOf(config, name, document.blocks);
  // Finding its place is a scan for identity, far cheaper than shifting every block.
  return entry && (settleBlock(document, document.blocks.indexOf(entry)) as MainEntry);
}

/**
 * How many main.cf entries set a parameter, and the last of them with true
 * offsets; no other block is settled.
 */
export function mainSettingsSummary(config: ParsedConfig): { count: number; last?: MainEntry } {
  let count = 0;
  for (const entries of mainNameIndex(config).values()) count += entries.length;
  const document = liveDocument(config);
  const blocks = document ? document.blocks : config.blocks;
  let lastIndex = blocks.length - 1;
  while (lastIndex >= 0 && !isSetting(blocks[lastIndex])) lastIndex--;
  if (lastIndex < 0) return { count };
  const last = document ? settleBlock(document, lastIndex) : blocks[lastIndex];
  return { count, last: last as MainEntry };
}

function isSetting(block: Block): boolean {
  return block.kind === "main" && block.setting !== undefined;
}

/** Blocks settled at a time by blocksInOrder(). */
const SETTLE_CHUNK = 2048;

/**
 * The blocks in document order, with true offsets, settled a chunk at a time as the
 * caller reads on: a reader that stops early (folding at the client's limit, links
 * at theirs) settles only what it read. The settled part is a prefix, which no
 * pending shift covers, so nothing moves it back while the caller reads.
 */
export function* blocksInOrder(config: ParsedConfig): Generator<Block, void, undefined> {
  for (const { blocks, from, to } of blockChunks(config)) {
    for (let i = from; i < to; i++) yield blocks[i];
  }
}

/**
 * As blocksInOrder(), a chunk at a time: blocks [from, to) of `blocks` (the
 * config's own list, read-only) have true offsets once the chunk is given, as do
 * all before them; those after may not yet. For readers that go over many blocks,
 * without a step of a generator for each.
 */
export function* blockChunks(
  config: ParsedConfig,
): Generator<{ blocks: readonly Block[]; from: number; to: number }, void, undefined> {
  const document = liveDocument(config);
  const blocks = document ? document.blocks : config.blocks;
  for (let from = 0; from < blocks.length; from += SETTLE_CHUNK) {
    const to = Math.min(blocks.length, from + SETTLE_CHUNK);
    if (document) settleBlocks(document, from, to);
    yield { blocks, from, to };
  }
}

/**
 * The blocks that overlap [from, to], with true offsets (only they are settled):
 * for a reader of a window of the file, such as the visible lines.
 */
export function blocksBetween(config: ParsedConfig, from: number, to: number): Block[] {
  const { blocks, lastStartingWhere, settle } = blockView(config);
  // The last block starting at or before `from` may reach into the window.
  const first = Math.max(
    0,
    lastStartingWhere((start) => start <= from),
  );
  const end = Math.max(first, lastStartingWhere((start) => start <= to) + 1);
  settle(first, end);
  return blocks.slice(first, end);
}

/**
 * Up to `reach` blocks on either side of the one that starts at or before `offset`,
 * with true offsets: `at` is that block's index among them (-1 before the first
 * block), `toEnd` whether they run to the end of the file.
 */
export function blocksAround(
  config: ParsedConfig,
  offset: number,
  reach: number,
): { blocks: Block[]; at: number; toEnd: boolean } {
  const { blocks, lastStartingWhere, settle } = blockView(config);
  const at = lastStartingWhere((start) => start <= offset);
  const from = Math.max(0, at - reach);
  const to = Math.min(blocks.length, at + reach + 1);
  settle(from, to);
  return { blocks: blocks.slice(from, to), at: at - from, toEnd: to === blocks.length };
}

function lastOf(config: ParsedConfig, name: string, blocks: Block[]): MainEntry | undefined {
  const entries = mainNameIndex(config).get(name);
  if (!entries) return undefined;
  // A name set twice: the later line wins. Rare, so find their places then.
  let last = entries[0];
  for (let i = 1; i < entries.length; i++) {
    if (blocks.indexOf(entries[i]) > blocks.indexOf(last)) last = entries[i];
  }
  return last;
}

/** The main.cf entries that set `name`, in no particular order (kept up to date by edits). */
export function mainEntriesNamed(config: ParsedConfig, name: string): readonly MainEntry[] {
  return mainNameIndex(config).get(name) ?? [];
}

/** The names that main.cf lines set, each once, in no particular order. */
export function mainSettingNames(config: ParsedConfig): string[] {
  return [...mainNameIndex(config).keys()];
}

/** The main.cf entries that set each name, in no particular order. */
type NameIndex = Map<string, MainEntry[]>;

const plainNameIndexes = new WeakMap<ParsedConfig, NameIndex>();

/** The config's name index: kept up to date by edits, or built once for a plain parse. */
function mainNameIndex(config: ParsedConfig): NameIndex {
  const document = liveDocument(config);
  if (document) return (document.names ??= nameIndex(document.blocks));
  let index = plainNameIndexes.get(config);
  if (!index) plainNameIndexes.set(config, (index = nameIndex(config.blocks)));
  return index;
}

function nameIndex(blocks: Block[]): NameIndex {
  const index: NameIndex = new Map();
  indexNames(index, blocks, 0, blocks.length, true);
  return index;
}

/** Adds blocks [from, to) to the index, or removes them. */
function indexNames(index: NameIndex, blocks: Block[], from: number, to: number, add: boolean) {
  for (let i = from; i < to; i++) {
    const block = blocks[i];
    if (block.kind !== "main" || !block.setting) continue;
    const name = block.setting.name.text;
    const entries = index.get(name);
    if (add) {
      if (entries) entries.push(block);
      else index.set(name, [block]);
    } else if (entries) {
      const remaining = entries.filter((entry) => entry !== block);
      if (remaining.length > 0) index.set(name, remaining);
      else index.delete(name);
    }
  }
}

/**
 * Every setting as text, in document order: main.cf `name = value` lines, or the
 * `-o name=value` options of master.cf entries.
 */
export function settingTexts(config: ParsedConfig): Array<{ name: string; value: string }> {
  const settings: Array<{ name: string; value: string }> = [];
  const add = (setting: ParameterSetting | undefined) => {
    if (setting) settings.push({ name: setting.name.text, value: setting.value.text });
  };
  for (const block of liveDocument(config)?.blocks ?? config.blocks) {
    if (block.kind === "main") add(block.setting);
    else if (block.kind === "master") for (const option of block.options) add(option.setting);
  }
  return settings;
}

/**
 * The last block whose start satisfies `before` (a prefix of the blocks), or with
 * `entriesOnly` the last such entry; settled.
 */
function blockBefore(
  config: ParsedConfig,
  before: (start: number) => boolean,
  entriesOnly = false,
): Block | undefined {
  const { blocks, lastStartingWhere, settle } = blockView(config);
  let index = lastStartingWhere(before);
  if (entriesOnly) while (index >= 0 && !isEntry(blocks[index])) index--;
  if (index < 0) return undefined;
  settle(index, index + 1);
  return blocks[index];
}

/**
 * A config's blocks as edits left them (offsets maybe not settled yet): the last
 * block whose true start passes a test (a prefix of the blocks; -1 if none), and
 * settling a range of them. A plain parse has nothing to settle.
 */
function blockView(config: ParsedConfig) {
  const document = liveDocument(config);
  const blocks = document ? document.blocks : config.blocks;
  const startAt = (i: number) => (document ? startOf(document, i) : blocks[i].start);
  return {
    document,
    blocks,
    lastStartingWhere: (test: (start: number) => boolean) =>
      lastIndexWhere(blocks.length, (i) => test(startAt(i))),
    settle: (from: number, to: number) => {
      if (document) settleBlocks(document, from, to);
    },
  };
}

/** The incremental document behind a config that updateConfig returned, if any. */
function liveDocument(config: ParsedConfig): IncrementalDocument | undefined {
  const handle = handles.get(config);
  if (handle?.superseded) throw new Error(SUPERSEDED);
  return handle?.document;
}

// ------------------------------------------------------------------------------
// Incremental state

/** Blocks [from, next run's from) lag `delta` behind their true offsets. */
interface PendingShift {
  from: number;
  delta: number;
}

/** The document behind a config that updateConfig returned; edits change it in place. */
interface IncrementalDocument {
  length: number;
  /** The text in pieces; joined on demand. */
  pieces: string[];
  /** The joined text, when it has been asked for since the last edit. */
  text?: string;
  /** The pieces as configText() gives them, made on first use after an edit. */
  view?: PieceText;
  blocks: Block[];
  /** Which entries set each name; built on first use, then kept up to date by edits. */
  names?: NameIndex;
  /**
   * Offset corrections not yet applied to `blocks`, sorted by `from`; neighbours
   * differ in delta and the first delta is not 0 (blocks before it lag by 0).
   */
  shifts: PendingShift[];
}

interface Handle {
  document: IncrementalDocument;
  /** A later updateConfig took the document over. */
  superseded: boolean;
}

/** Past this many pending shifts, an edit applies the one that covers fewest blocks. */
const MAX_PENDING_SHIFTS = 512;

const handles = new WeakMap<ParsedConfig, Handle>();

function documentOf(config: ParsedConfig): IncrementalDocument {
  const handle = handles.get(config);
  if (handle) {
    if (handle.superseded) throw new Error(SUPERSEDED);
    return handle.document;
  }
  // A config from parseConfig: its blocks array belongs to the caller.
  return {
    length: config.text.length,
    pieces: splitIntoPieces(config.text),
    text: config.text,
    blocks: config.blocks.slice(),
    shifts: [],
  };
}

const SUPERSEDED =
  "postfix-lsp: this ParsedConfig was replaced by updateConfig; use the config it returned";

/**
 * A config whose `text` and `blocks` are computed on first read and then kept as
 * ordinary properties, so the result looks and compares like parseConfig's.
 */
function configOf(kind: ConfigKind, document: IncrementalDocument): ParsedConfig {
  const config = { kind } as ParsedConfig;
  const handle: Handle = { document, superseded: false };
  const settle = (key: "text" | "blocks", value: unknown) => {
    Object.defineProperty(config, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  Object.defineProperty(config, "text", {
    enumerable: true,
    configurable: true,
    get() {
      if (handle.superseded) throw new Error(SUPERSEDED);
      const text = joinedText(document);
      settle("text", text);
      return text;
    },
    set: (value: string) => settle("text", value),
  });
  Object.defineProperty(config, "blocks", {
    enumerable: true,
    configurable: true,
    get() {
      if (handle.superseded) throw new Error(SUPERSEDED);
      applyShifts(document);
      // A copy: later edits change the document's array in place.
      const blocks = document.blocks.slice();
      settle("blocks", blocks);
      return blocks;
    },
    set: (value: Block[]) => settle("blocks", value),
  });
  handles.set(config, handle);
  return config;
}

// ------------------------------------------------------------------------------
// The text in pieces

function joinedText(document: IncrementalDocument): string {
  if (document.text === undefined) {
    document.text = document.pieces.join("");
    // Pieces that are slices of the joined text keep one copy of it alive, not two.
    document.pieces = splitIntoPieces(document.text);
  }
  return document.text;
}

function replaceText(
  document: IncrementalDocument,
  start: number,
  end: number,
  newText: string,
): void {
  replaceInPieces(document.pieces, start, end, newText);
  document.length += newText.length - (end - start);
  document.text = undefined;
  document.view = undefined;
}

function substring(document: IncrementalDocument, from: number, to: number): string {
  if (document.text !== undefined) return document.text.slice(from, to);
  const parts: string[] = [];
  let start = 0;
  for (const piece of document.pieces) {
    const end = start + piece.length;
    if (end > from && start < to) {
      parts.push(piece.slice(Math.max(0, from - start), Math.min(piece.length, to - start)));
    }
    if (end >= to) break;
    start = end;
  }
  return parts.join("");
}

// ------------------------------------------------------------------------------
// Lazily shifted offsets

function shiftAt(shifts: PendingShift[], index: number): number {
  const run = lastIndexWhere(shifts.length, (i) => shifts[i].from <= index);
  return run >= 0 ? shifts[run].delta : 0;
}

function startOf(document: IncrementalDocument, index: number): number {
  return document.blocks[index].start + shiftAt(document.shifts, index);
}

/**
 * Updates the pending shifts in place after blocks [first, keep) were replaced by
 * `added` freshly parsed blocks (exact offsets) and the text after the edit moved by
 * `delta`: the kept blocks then lag by `keptShift` (undefined when none are kept).
 * Costs a pass over the pending shifts after the edit, not over the blocks.
 */
function replaceShifts(
  shifts: PendingShift[],
  first: number,
  keep: number,
  added: number,
  keptShift: number | undefined,
  delta: number,
): void {
  const a = firstIndexWhere(shifts.length, (i) => shifts[i].from >= first, 0);
  const b = firstIndexWhere(shifts.length, (i) => shifts[i].from > keep, a);
  const moved = added - (keep - first);
  for (let i = b; i < shifts.length; i++) {
    shifts[i].from += moved;
    shifts[i].delta += delta;
  }
  const before = a > 0 ? shifts[a - 1].delta : 0;
  const replacement: PendingShift[] = [];
  const add = (from: number, runDelta: number) => {
    if (replacement.length > 0 && replacement[replacement.length - 1].from === from) {
      replacement.pop(); // it covered no blocks
    }
    const previous = replacement.length > 0 ? replacement[replacement.length - 1].delta : before;
    if (runDelta !== previous) replacement.push({ from, delta: runDelta });
  };
  add(first, 0);
  if (keptShift !== undefined) add(keep + moved, keptShift);
  shifts.splice(a, b - a, ...replacement);
}

function applyShifts(document: IncrementalDocument): void {
  const { blocks, shifts } = document;
  for (let run = 0; run < shifts.length; run++) {
    const { from, delta } = shifts[run];
    if (delta === 0) continue;
    const to = run + 1 < shifts.length ? shifts[run + 1].from : blocks.length;
    for (let i = from; i < to; i++) shiftBlock(blocks[i], delta);
  }
  document.shifts = [];
}

/**
 * Applies the pending shift that covers the fewest blocks, so that it merges into
 * its predecessor: edits scattered over a large document that nobody reads in
 * between then cost a few blocks each, not a pass over the document now and then.
 */
function applySmallestShift(document: IncrementalDocument): void {
  const { blocks, shifts } = document;
  let smallest = 0;
  let smallestSize = Infinity;
  for (let run = 0; run < shifts.length; run++) {
    const size =
      (run + 1 < shifts.length ? shifts[run + 1].from : blocks.length) - shifts[run].from;
    if (size < smallestSize) {
      smallest = run;
      smallestSize = size;
    }
  }
  const { from, delta } = shifts[smallest];
  const previous = smallest > 0 ? shifts[smallest - 1].delta : 0;
  for (let i = from; i < from + smallestSize; i++) shiftBlock(blocks[i], delta - previous);
  // Its blocks now lag like the run before; the run after may lag the same too.
  const merges = smallest + 1 < shifts.length && shifts[smallest + 1].delta === previous;
  shifts.splice(smallest, merges ? 2 : 1);
}

/**
 * Applies its pending shift to block `index` alone, for a reader that needs one
 * block with true offsets: the block then lags 0, its neighbours as before.
 */
function settleBlock(document: IncrementalDocument, index: number): Block {
  settleBlocks(document, index, index + 1);
  return document.blocks[index];
}

/** Applies their pending shifts to blocks [from, to) alone: they lag 0, the others as before. */
function settleBlocks(
  document: IncrementalDocument,
  from: number,
  to: number,
  makeRoom = true,
): void {
  if (from >= to || isSettled(document, from, to)) return;
  // Make room first: trimming afterwards could pick these blocks' new run and undo it.
  while (makeRoom && document.shifts.length > MAX_PENDING_SHIFTS - 2) applySmallestShift(document);
  const { shifts, blocks } = document;
  const lagAfter = shiftAt(shifts, to);
  let run = lastIndexWhere(shifts.length, (i) => shifts[i].from <= from);
  for (let index = from; index < to; run++) {
    const lag = run >= 0 ? shifts[run].delta : 0;
    const runEnd = Math.min(to, run + 1 < shifts.length ? shifts[run + 1].from : blocks.length);
    if (lag !== 0) for (let i = index; i < runEnd; i++) shiftBlock(blocks[i], lag);
    index = runEnd;
  }
  // The runs that start in [from, to] give way to the settled ones, in place: a
  // request settles blocks after every edit, and there can be hundreds of runs.
  const first = firstIndexWhere(shifts.length, (i) => shifts[i].from >= from, 0);
  const after = firstIndexWhere(shifts.length, (i) => shifts[i].from > to, first);
  const settled: PendingShift[] = [{ from, delta: 0 }];
  if (to < blocks.length) settled.push({ from: to, delta: lagAfter });
  shifts.splice(first, after - first, ...settled);
  // Keep the invariant: neighbours differ, and no leading run lags 0. (An indexed
  // loop: for-of allocated a result object per run here.)
  let kept = 0;
  let previous = 0;
  for (let i = 0; i < shifts.length; i++) {
    if (shifts[i].delta === previous) continue;
    shifts[kept++] = shifts[i];
    previous = shifts[i].delta;
  }
  shifts.length = kept;
}

/** Whether blocks [from, to) lag 0 already (then settling them must not trim, which could undo it). */
function isSettled(document: IncrementalDocument, from: number, to: number): boolean {
  const { shifts } = document;
  const run = lastIndexWhere(shifts.length, (i) => shifts[i].from <= from);
  if (run >= 0 && shifts[run].delta !== 0) return false;
  // The next run, if it starts inside the range, lags (neighbours differ).
  return run + 1 >= shifts.length || shifts[run + 1].from >= to;
}

/**
 * Settles the blocks at `indexes` (ascending) so that all of them keep true offsets
 * together: room for their runs is made once, first, since trimming the pending
 * shifts between two of them could shift the first back. Many blocks are settled
 * as the one range that holds them.
 */
function settleEach(document: IncrementalDocument, indexes: number[]): void {
  if (indexes.length === 0) return;
  if (indexes.length > MAX_PENDING_SHIFTS / 8) {
    settleBlocks(document, indexes[0], indexes[indexes.length - 1] + 1);
    return;
  }
  while (document.shifts.length > MAX_PENDING_SHIFTS - 2 * indexes.length)
    applySmallestShift(document);
  for (const index of indexes) settleBlocks(document, index, index + 1, false);
}

/** A master.cf entry with enough continuation lines that an edit inside may spare the rest. */
function isLongMasterEntry(block: Block | undefined): boolean {
  return block?.kind === "master" && block.segments.length > 2;
}

function isHeadEntry(block: Block): boolean {
  // Only an entry whose text starts with whitespace is not on a head line, and both
  // parsers flag it (without reading the text, which an edited entry builds on demand).
  if (block.kind === "main") return block.problem !== "leading-whitespace";
  return block.kind === "master" && block.problem?.code !== "leading-whitespace";
}
