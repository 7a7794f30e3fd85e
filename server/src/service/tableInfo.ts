/**
 * The hover of a lookup table reference (`hash:/etc/postfix/virtual`): what the
 * type is, and, when the caller passes the host files it read (trusted
 * workspaces, postfix-lint), how many entries the source has and when the indexed
 * file was last written.
 */

import { entryCount, tableText, timeOf } from "./analysis/tableFiles";
import type { PostfixVersion } from "./data/parameters";
import { WRAPPER_TYPES, indexSuffixes, typeSupport } from "./data/tables";
import { lookupTableTypes } from "./data/valueSets";
import type { HostFiles } from "./hostFiles";

/**
 * Markdown for a table word, or undefined when the word is no table of a type the
 * release knows. `expand` turns `$name` in the table's name into its value.
 */
export function tableMarkdown(
  word: string,
  version: PostfixVersion,
  expand: (text: string) => string,
  host?: HostFiles,
): string | undefined {
  let rest = word.replace(/^!/, "");
  const wrappers: string[] = [];
  for (;;) {
    const colon = rest.indexOf(":");
    if (colon <= 0) return undefined;
    const type = rest.slice(0, colon);
    const name = rest.slice(colon + 1);
    if (WRAPPER_TYPES.has(type) && name.includes(":")) {
      wrappers.push(type);
      rest = name;
      continue;
    }
    const support = typeSupport(type, version).kind;
    if (support !== "built-in" && support !== "optional") return undefined;
    const detail = lookupTableTypes(version).find((choice) => choice.value.startsWith(`${type}:`));
    const lines = [`**${type}:** lookup table${detail ? ` — ${detail.detail}` : ""}`];
    if (wrappers.includes("proxy")) lines.push("Opened by proxymap on behalf of the daemons.");
    if (host) lines.push(...hostLines(type, expand(name), host));
    return lines.join("\n\n");
  }
}

/** What the host files say about the table: entries in the source, age of the index. */
function hostLines(type: string, path: string, host: HostFiles): string[] {
  if (!path.startsWith("/")) return [];
  const lines: string[] = [];
  const source = host.get(path);
  if (source?.status === "ok" && source.contents) {
    const count = entryCount(tableText(source.contents));
    lines.push(
      `Source \`${path}\`: ${count} entr${count === 1 ? "y" : "ies"}, changed ${timeOf(source.mtimeMs!)}.`,
    );
  } else if (source?.status === "missing") {
    lines.push(`Source \`${path}\` does not exist.`);
  }
  const suffix = indexSuffixes(type)?.[0];
  const index = suffix ? host.get(path + suffix) : undefined;
  if (index?.status === "ok") lines.push(`Indexed file last written ${timeOf(index.mtimeMs!)}.`);
  else if (index?.status === "missing") lines.push(`No indexed file \`${path}${suffix}\` yet.`);
  return lines;
}
