import tlsClientDocs from "./docs/tls-client.md";
import tlsServerDocs from "./docs/tls-server.md";
import { type ParameterDoc, parseParameterDocs, resolvedBody } from "./tlsDocs";

/** The hand-written parameter docs, parsed once. */
const docs = parseParameterDocs(`${tlsClientDocs}\n${tlsServerDocs}`);

export function parameterDoc(name: string): ParameterDoc | undefined {
  return docs.get(name);
}

/** The names with hand-written docs, in the order of the docs. */
export function documentedParameterNames(): string[] {
  return [...docs.keys()];
}

export function documentedParameterCount(): number {
  return docs.size;
}

/** The doc body with shared counterpart text filled in. */
export function parameterDocBody(doc: ParameterDoc): string {
  return resolvedBody(doc, docs);
}

/**
 * What the docs say about one value of a parameter: the text of a
 * "- `value` — meaning" bullet, matched case-insensitively.
 */
export function valueDoc(parameter: string, value: string): string | undefined {
  const doc = docs.get(parameter);
  if (!doc) return undefined;
  const wanted = value.toLowerCase();
  for (const line of parameterDocBody(doc).split("\n")) {
    const match = /^- `([^`]+)` — (.*)$/.exec(line);
    if (match && match[1].toLowerCase() === wanted) return match[2];
  }
  return undefined;
}
