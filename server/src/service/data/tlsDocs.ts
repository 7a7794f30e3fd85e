/**
 * Reads the hand-written TLS parameter docs: one `## name` section per parameter,
 * whose first line is `**Default:** … · **Since:** …`. A `[[same-as:base]]` line
 * stands for the base parameter's text; `[[Pnn]]` cites a pitfall.
 */

import { NEWEST_VERSION } from "./parameters";
import { valueListMarkdown } from "./valueSets";

export interface ParameterDoc {
  name: string;
  /** The Default/Since line. */
  facts: string;
  /** The text after the facts line, with `[[same-as:…]]` left in place. */
  body: string;
}

export function parseParameterDocs(markdown: string): Map<string, ParameterDoc> {
  const docs = new Map<string, ParameterDoc>();
  const sections = markdown.split(/^## /m).slice(1);
  for (const section of sections) {
    const newline = section.indexOf("\n");
    const name = section.slice(0, newline).trim();
    const content = section.slice(newline + 1).trim();
    const factsEnd = content.indexOf("\n");
    const facts = factsEnd < 0 ? content : content.slice(0, factsEnd);
    const body = factsEnd < 0 ? "" : content.slice(factsEnd + 1).trim();
    docs.set(name, { name, facts, body });
  }
  return docs;
}

/**
 * The body with every `[[same-as:base]]` line replaced by the base's body, and
 * every `[[values:KIND]]` line by the shared list of that kind's values.
 */
export function resolvedBody(doc: ParameterDoc, docs: Map<string, ParameterDoc>): string {
  return doc.body
    .replace(
      /^\[\[same-as:([A-Za-z0-9_]+)\]\]$/gm,
      (_line, base: string) => docs.get(base)?.body ?? "",
    )
    .replace(/^\[\[values:(tls-loglevel)\]\]$/gm, (_line, kind: "tls-loglevel") =>
      valueListMarkdown(kind, NEWEST_VERSION),
    );
}

/** What a facts line says, split so that the release data can replace the plain facts. */
export interface StatedFacts {
  /** The whole Default text. */
  defaultText: string;
  /**
   * The stated value when the text is just a value (`x`, empty, or same as
   * `base`) with at most a parenthetical remark: "" for empty, `$base` for same-as.
   */
  value?: string;
  /** The parenthetical remark after such a value, without its parentheses. */
  remark?: string;
  /** The Since text, e.g. "Postfix 3.10.5". */
  since?: string;
}

export function statedFacts(facts: string): StatedFacts {
  const match = /^\*\*Default:\*\* (.*?)(?: · \*\*Since:\*\* (.*))?$/.exec(facts.trim());
  const defaultText = match?.[1] ?? "";
  const stated: StatedFacts = { defaultText };
  if (match?.[2]) stated.since = match[2];
  const simple = /^(?:(empty)|`([^`]*)`|same as `([A-Za-z0-9_]+)`)(?: \((.*)\))?$/.exec(
    defaultText,
  );
  if (simple) {
    stated.value = simple[1] ? "" : (simple[2] ?? `$${simple[3]}`);
    if (simple[4] !== undefined) stated.remark = simple[4];
  }
  return stated;
}
