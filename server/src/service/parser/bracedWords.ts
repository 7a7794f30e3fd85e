/** Separators of most Postfix lists (CHARS_COMMA_SP). */
export const COMMA_SPACE = ", \t\r\n";

/**
 * Postfix's mystrtokq() with the `{}` pair: the [start, end) spans of the words of
 * `text` separated by `separators`, where separators inside balanced braces do not
 * split. Starting at `from` gives the same words as splitting `text.slice(from)`.
 */
export function bracedWordSpans(text: string, separators: string, from = 0): [number, number][] {
  const spans: [number, number][] = [];
  let i = from;
  while (i < text.length) {
    while (i < text.length && separators.includes(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let level = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === "{") level++;
      else if (level > 0 && ch === "}") level--;
      else if (level === 0 && separators.includes(ch)) break;
    }
    spans.push([start, i]);
  }
  return spans;
}

/** The words themselves, split as bracedWordSpans() does on commas and whitespace. */
export function bracedWords(text: string): string[] {
  return bracedWordSpans(text, COMMA_SPACE).map(([start, end]) => text.slice(start, end));
}
