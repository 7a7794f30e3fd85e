/**
 * Character classes exactly as Postfix uses them. Postfix works on bytes and
 * calls isspace()/isalnum() only for ASCII, so non-ASCII characters are never
 * whitespace or name characters here.
 */

/** Postfix's ISSPACE: space, tab, newline, vertical tab, form feed, carriage return. */
export function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** Postfix's ISALNUM: ASCII letters and digits. */
export function isAlnum(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

/** Characters allowed in a `$name` reference. */
export function isNameChar(code: number): boolean {
  // isAlnum() written out, lower case first: this runs for every character of every name.
  return (
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a)
  );
}

/** Index of the first non-whitespace character at or after `from`, or `end`. */
export function skipSpace(text: string, from: number, end = text.length): number {
  let i = from;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just after the last non-whitespace character before `end`, but not before `from`. */
export function trimEnd(text: string, from: number, end: number): number {
  let i = end;
  while (i > from && isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * A copy of `text` that shares no memory with the document it was cut from. V8
 * makes a slice point into its source, and the parser keeps slices of the text it
 * reads (entry texts, tokens): without this, every re-parsed entry would keep a
 * whole old version of the document alive. A slice of a concatenation copies.
 */
export function detached(text: string): string {
  return (" " + text).slice(1);
}
