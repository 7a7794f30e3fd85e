import type { Range } from "vscode-languageserver-types";
import { defaultValue, type PostfixVersion } from "./data/parameters";
import type { PositionMapper } from "./languageTypes";
import { type ParsedConfig, blocksInOrder, isEntry, lastMainValue } from "./parser/document";
import type { LogicalLine } from "./parser/logicalLines";
import { logicalSpan } from "./parser/logicalLines";
import type { ParameterSetting } from "./parser/mainCf";
import { evaluateExpansion } from "./parser/expansion";
import { logicalIndexOf, valueWords } from "./analysis/nameUses";
import { FILE_TABLE_TYPES, indexSuffixes } from "./data/tables";

/**
 * Document links: the files a configuration names, resolved as Postfix resolves
 * them: certificate, key and CA files, the source file of a lookup table (the text
 * that postmap reads, not the `.db` it makes; `proxy:` and tables nested in
 * `unionmap:{...}` and the like included), the settings file of an SQL/LDAP/...
 * table, with `$config_directory` and other `$name` references expanded. A relative
 * path is resolved against the daemon's working directory, which an editor cannot
 * know, so it gets no link. The language service only finds candidates; whether the
 * file exists is for the caller to check (a stat, in trusted workspaces only).
 */

export interface LinkCandidate {
  range: Range;
  /** The absolute path Postfix opens. */
  path: string;
  tooltip: string;
}

/** Parameters whose whole value names files (TLS certificates, keys, CA bundles, DH parameters). */
const FILE_PARAMETER =
  /_(?:cert_file|key_file|dcert_file|dkey_file|eccert_file|eckey_file|CAfile|chain_files|dh512_param_file|dh1024_param_file|dh2048_param_file|trust_anchor_file)$|^tls_config_file$/;

/** `[proxy:...]type:/path` inside a value; the path ends at a blank, comma or brace. */
const TABLE_REFERENCE = /(?<![A-Za-z0-9_])((?:proxy:)*)([a-z0-9]+):([^\s,{}]+)/g;

export interface LinkOptions {
  version: PostfixVersion;
  /** main.cf, for `$name` references in master.cf values (the same file when it is main.cf). */
  main?: ParsedConfig;
  /** At most this many links: the entries after the one that reaches it are not read. */
  limit?: number;
}

export function findDocumentLinks(
  config: ParsedConfig,
  mapper: PositionMapper,
  options: LinkOptions,
): LinkCandidate[] {
  const main = config.kind === "main" ? config : options.main;
  const lookup = (name: string) =>
    (main ? lastMainValue(main, name) : undefined) ?? defaultValue(name, options.version);
  const links: LinkCandidate[] = [];
  const add = (line: LogicalLine, from: number, to: number, written: string, what: string) => {
    const path = written.includes("$") ? evaluateExpansion(written, lookup).value : written;
    if (!path.startsWith("/")) return; // relative: resolved against the daemon's directory
    const span = logicalSpan(line, from, to);
    links.push({
      range: { start: mapper.positionAt(span.start), end: mapper.positionAt(span.end) },
      path,
      tooltip: path === written ? what : `${what}: ${path}`,
    });
  };
  const settingLinks = (line: LogicalLine, setting: ParameterSetting) => {
    const { value } = setting;
    if (value.text.length === 0) return;
    const base = logicalIndexOf(line, value.start);
    if (FILE_PARAMETER.test(setting.name.text)) {
      for (const word of valueWords(line, value)) {
        const from = logicalIndexOf(line, word.start);
        add(line, from, from + word.text.length, word.text, "File Postfix reads");
      }
      return;
    }
    for (const match of value.text.matchAll(TABLE_REFERENCE)) {
      const [whole, proxies, type, name] = match;
      if (!FILE_TABLE_TYPES.has(type)) continue;
      const from = base + match.index + whole.length - name.length;
      const what = indexSuffixes(type)
        ? `Source of the ${proxies}${type}: table (postmap makes the indexed file from it)`
        : `File of the ${proxies}${type}: table`;
      add(line, from, from + name.length, name, what);
    }
  };
  const limit = options.limit ?? Infinity;
  for (const block of blocksInOrder(config)) {
    if (links.length >= limit) break;
    if (!isEntry(block)) continue;
    if (block.kind === "main") {
      if (block.setting) settingLinks(block, block.setting);
    } else {
      for (const option of block.options) if (option.setting) settingLinks(block, option.setting);
    }
  }
  return links.slice(0, limit);
}
