import {
  type DocumentHighlight,
  DocumentHighlightKind,
  type Location,
  type Position,
} from "vscode-languageserver-types";
import { type NameTables, type NameUse, entryNameUses, nameTables } from "./analysis/nameUses";
import type { PostfixVersion } from "./data/parameters";
import type { PositionMapper } from "./languageTypes";
import { type ParsedConfig, entriesContaining, entryAt, lastMainEntry } from "./parser/document";
import type { Span } from "./parser/logicalLines";

/**
 * Go to definition, find references and document highlight, across main.cf and
 * master.cf. A `$name` goes to the assignment in effect: inside a master.cf service
 * an `-o` of that service wins over main.cf; an `-o name` goes to the main.cf
 * assignment it overrides; a service name (a transport, or the first part of a
 * parameter Postfix derives from it) goes to its master.cf entry; a restriction
 * class in a restriction list goes to its assignment.
 */

/** An open or sibling file, as the language service sees it. */
export interface ConfigFile {
  uri: string;
  config: ParsedConfig;
  mapper: PositionMapper;
}

export interface NavigationOptions {
  version: PostfixVersion;
}

/** The file pair a request works on: the file asked about and its sibling, if any. */
export interface Pair {
  main?: ConfigFile;
  master?: ConfigFile;
  tables: NameTables;
}

export function pairOf(
  file: ConfigFile,
  sibling: ConfigFile | undefined,
  options: NavigationOptions,
): Pair {
  const main =
    file.config.kind === "main" ? file : sibling?.config.kind === "main" ? sibling : undefined;
  const master =
    file.config.kind === "master" ? file : sibling?.config.kind === "master" ? sibling : undefined;
  return { main, master, tables: nameTables(main?.config, master?.config, options.version) };
}

/** The name use under the cursor, read from the one entry there. */
export function nameUseAt(
  file: ConfigFile,
  position: Position,
  tables: NameTables,
): NameUse | undefined {
  const offset = file.mapper.offsetAt(position);
  const entry = entryAt(file.config, offset);
  if (!entry) return undefined;
  // The innermost use wins: a derived name's service part lies inside the name.
  const holding = entryNameUses(entry, tables).filter(
    (use) => use.span.start <= offset && offset <= use.span.end,
  );
  return holding.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start))[0];
}

function locationOf(file: ConfigFile, span: Span): Location {
  return {
    uri: file.uri,
    range: { start: file.mapper.positionAt(span.start), end: file.mapper.positionAt(span.end) },
  };
}

export function findDefinition(
  file: ConfigFile,
  position: Position,
  sibling: ConfigFile | undefined,
  options: NavigationOptions,
): Location[] {
  const pair = pairOf(file, sibling, options);
  const use = nameUseAt(file, position, pair.tables);
  if (!use) return [];
  if (use.kind === "service") {
    if (!pair.master) return [];
    const entries = usesOf(pair.master, use, pair.tables).filter(
      (candidate) => candidate.role === "service",
    );
    // A transport names a unix-type service; prefer those when there are several.
    const unix = entries.filter(
      (entry) => entry.entry.kind === "master" && entry.entry.words[1]?.text === "unix",
    );
    const targets = use.role === "read" && unix.length > 0 ? unix : entries;
    return targets.map((target) => locationOf(pair.master!, target.span));
  }
  // Inside a service, its own later -o of the name wins over main.cf (not for the -o itself).
  if (use.entry.kind === "master" && use.role === "read" && file === pair.master) {
    const own = entryNameUses(use.entry, pair.tables).filter(
      (candidate) => candidate.role === "option" && candidate.name === use.name,
    );
    if (own.length > 0) return [locationOf(file, own[own.length - 1].span)];
  }
  const assignment = lastAssignment(pair, use.name);
  return assignment ? [locationOf(pair.main!, assignment.span)] : [];
}

/** The main.cf assignment in effect (the last one). */
function lastAssignment(pair: Pair, name: string): NameUse | undefined {
  const entry = pair.main && lastMainEntry(pair.main.config, name);
  if (!entry?.setting) return undefined;
  return { kind: "parameter", name, span: entry.setting.name, role: "assignment", entry };
}

export function findReferences(
  file: ConfigFile,
  position: Position,
  sibling: ConfigFile | undefined,
  options: NavigationOptions & { includeDeclaration: boolean },
): Location[] {
  const pair = pairOf(file, sibling, options);
  const use = nameUseAt(file, position, pair.tables);
  if (!use) return [];
  return [pair.main, pair.master].flatMap((target) =>
    target
      ? usesOf(target, use, pair.tables)
          .filter((found) => options.includeDeclaration || found.role === "read")
          .map((found) => locationOf(target, found.span))
      : [],
  );
}

export function findDocumentHighlights(
  file: ConfigFile,
  position: Position,
  sibling: ConfigFile | undefined,
  options: NavigationOptions,
): DocumentHighlight[] {
  const pair = pairOf(file, sibling, options);
  const use = nameUseAt(file, position, pair.tables);
  if (!use) return [];
  return usesOf(file, use, pair.tables).map((found) => ({
    range: locationOf(file, found.span).range,
    kind: found.role === "read" ? DocumentHighlightKind.Read : DocumentHighlightKind.Write,
  }));
}

/** The uses of a name in a file, in document order. */
export function usesOf(
  file: ConfigFile,
  wanted: { kind: NameUse["kind"]; name: string },
  tables: NameTables,
): NameUse[] {
  const uses: NameUse[] = [];
  for (const block of entriesContaining(file.config, wanted.name)) {
    for (const use of entryNameUses(block, tables)) {
      if (use.kind === wanted.kind && use.name === wanted.name) uses.push(use);
    }
  }
  return uses;
}
