/**
 * Text from a file, made safe to put in a message. Files come from workspaces
 * anyone may have written, and messages end up in Problems panels, terminals and
 * CI logs: so at most `maxLength` characters are shown ("…" marks a cut, which
 * never splits a surrogate pair), and every character that is not printable (C0
 * and C1 controls such as ESC, line and paragraph separators, format characters
 * such as bidi overrides, unassigned, private-use and lone surrogate code units)
 * is shown as an escape: \t, \n, \r, \xNN or \u{NNNN}.
 */
export const EXCERPT_LENGTH = 40;

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|\p{Cs}/gu;
const NAMED_ESCAPES: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function excerpt(text: string, maxLength = EXCERPT_LENGTH): string {
  // Cut by code points first, so that a surrogate pair stays whole.
  let shown = "";
  let count = 0;
  let cut = false;
  for (const char of text) {
    if (count === maxLength) {
      cut = true;
      break;
    }
    shown += char;
    count++;
  }
  const escaped = shown.replace(NOT_PRINTABLE, (char) => {
    const code = char.codePointAt(0)!;
    return (
      NAMED_ESCAPES[char] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`)
    );
  });
  return cut ? `${escaped}…` : escaped;
}
