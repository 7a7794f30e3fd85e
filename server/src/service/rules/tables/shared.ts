import { type TableLineProblem, tableText } from "../../analysis/tableFiles";
import { type TableReference, tableReferences } from "../../analysis/tableReferences";
import { indexSuffixes } from "../../data/tables";
import type { HostFileRequest } from "../../hostFiles";
import type { RuleContext } from "../context";
import { type PostfixVersion, defaultValue } from "../../data/parameters";
import { forEachReferenceName } from "../../parser/expansion";
import { excerpt } from "../../text/excerpt";
import { type RuleFinding, perContext } from "../rule";

/**
 * The tables family: the `type:name` lookup tables a configuration names (see
 * analysis/tableReferences.ts), checked against the configured release, the
 * proxymap allow lists and, when file checks are on, the table files on the host.
 */

/** A finding on the word that names the table. */
export function atReference(reference: TableReference, message: string): RuleFinding {
  return { file: reference.file, ...reference.span, message };
}

/** A path (or a command with one) as a message gives it: whole, unless very long, and with control characters escaped. */
export const shownPath = (path: string) => excerpt(path, 200);

/** The table as a message quotes it: `"hash:/etc/postfix/virtual"`. */
export const quotedTable = (reference: TableReference) => `"${excerpt(reference.text)}"`;

/** Where the table is used: "in virtual_alias_maps" or "in -o smtpd_sender_login_maps of the submission service". */
export function usedIn(reference: TableReference): string {
  return reference.service
    ? `in -o ${reference.parameter} of the ${reference.service.name} service`
    : `in ${reference.parameter}`;
}

/** Parameters whose tables are alias files, which postalias (not postmap) indexes. */
export const ALIAS_PARAMETERS: ReadonlySet<string> = new Set(["alias_maps", "alias_database"]);

/** The command that (re)builds a table's indexed file, e.g. `postmap hash:/etc/postfix/virtual`. */
export function indexCommand(reference: TableReference, type = reference.type): string {
  const tool = ALIAS_PARAMETERS.has(reference.parameter) ? "postalias" : "postmap";
  return `${tool} ${type}:${shownPath(reference.name)}`;
}

/** The parameters whose tables Postfix itself writes (the caches proxywrite serves). */
export function cacheParameters(version: PostfixVersion): Set<string> {
  const names = new Set<string>();
  const value = defaultValue("proxy_write_maps", version);
  if (value) forEachReferenceName(value, (name) => names.add(name));
  return names;
}

/** A table whose files are on the host: its source, and the indexed files postmap makes from it. */
export interface HostTable {
  reference: TableReference;
  source: string;
  /** Full paths of the indexed files (empty for tables read from the source). */
  indexes: string[];
}

/** Whether the table is an entry of proxymap's allow lists, which repeat other settings' tables. */
export const isProxyAllowList = (reference: TableReference) =>
  reference.parameter === "proxy_read_maps" || reference.parameter === "proxy_write_maps";

/** Types whose source Postfix reads itself when it opens the table. */
export const SOURCE_READ_TYPES: ReadonlySet<string> = new Set([
  "cidr",
  "regexp",
  "pcre",
  "texthash",
]);

/**
 * The tables with files the host checks look at: indexed tables and those read
 * from their source, named by absolute path. The allow lists of proxymap
 * (proxy_read_maps, proxy_write_maps) repeat other settings' tables and are left out.
 */
export const hostTables = perContext((context: RuleContext): HostTable[] => {
  const tables: HostTable[] = [];
  for (const reference of tableReferences(context)) {
    if (isProxyAllowList(reference)) continue;
    if (!reference.name.startsWith("/")) continue;
    const suffixes = indexSuffixes(reference.type);
    if (!suffixes && !SOURCE_READ_TYPES.has(reference.type)) continue;
    tables.push({
      reference,
      source: reference.name,
      indexes: (suffixes ?? []).map((suffix) => reference.name + suffix),
    });
  }
  return tables;
});

/** The host files of the family: each source with its contents (for line checks and entry counts), indexed files by metadata. */
export function* tableFileRequests(context: RuleContext): Iterable<HostFileRequest> {
  for (const table of hostTables(context)) {
    yield { path: table.source, contents: true };
    for (const index of table.indexes) yield { path: index, contents: false };
  }
}

/** For alias_database: newaliases rebuilds all of its tables at once. */
export function rebuildNote(reference: TableReference): string {
  return reference.parameter === "alias_database" ? " (or newaliases)" : "";
}

/** The text of a table source that was read, else undefined. */
export function sourceText(context: RuleContext, path: string): string | undefined {
  const contents = context.host?.get(path)?.contents;
  return contents ? tableText(contents) : undefined;
}

/** One finding per table for the lines Postfix skips: the first, and how many more. */
export function lineProblemsFinding(
  table: HostTable,
  problems: TableLineProblem[],
): RuleFinding | undefined {
  if (problems.length === 0) return undefined;
  const [first] = problems;
  const more =
    problems.length > 1
      ? ` ${problems.length - 1} more line${problems.length > 2 ? "s have" : " has"} problems too.`
      : "";
  return atReference(
    table.reference,
    `Line ${first.line} of ${shownPath(table.source)} (${quotedTable(table.reference)} ${usedIn(table.reference)}) is malformed: ${first.problem} ("${excerpt(first.text)}"). Postfix logs a warning and skips that line when it opens the table, so it never matches.${more} Correct the line.`,
  );
}
