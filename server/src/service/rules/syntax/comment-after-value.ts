import type { Span } from "../../parser/logicalLines";
import type { MainEntry } from "../../parser/mainCf";
import type { MasterEntry } from "../../parser/masterCf";
import { isSpace } from "../../text/chars";
import type { Fix } from "../findings";
import { newlineOf } from "../edits";
import { type RuleFinding, defineRule } from "../rule";
import { mainScan, masterScan } from "./shared";

export default defineRule({
  meta: {
    id: "comment-after-value",
    severity: "error",
    description: "A '#' after other text is not a comment; it becomes part of the value.",
    pitfalls: ["P01", "P03"],
    fixable: true,
    safeFix: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix takes '#' as the start of a comment only when it is the first character on a line apart from blanks. Anywhere else it is ordinary text: `smtpd_tls_security_level = may # opportunistic` sets the level to the whole of `may # opportunistic`, which is not a level at all. In master.cf the words become extra arguments of the command, which smtpd(8) and most other daemons refuse, so the service does not start.",
    fires: [
      {
        main: "smtpd_tls_security_level = may # opportunistic\n",
        fixed: { main: "# opportunistic\nsmtpd_tls_security_level = may\n" },
      },
      {
        note: "In a continued value the comment moves to its own indented line.",
        main: "mynetworks = 127.0.0.0/8\n  10.0.0.0/8 # lab\n  192.0.2.0/24\n",
        fixed: { main: "mynetworks = 127.0.0.0/8\n  # lab\n  10.0.0.0/8\n  192.0.2.0/24\n" },
      },
      {
        master: "smtp inet n - y - - smtpd # public MX\n",
        fixed: { master: "# public MX\nsmtp inet n - y - - smtpd\n" },
      },
    ],
    silent: [
      { main: "# opportunistic\nsmtpd_tls_security_level = may\n" },
      {
        note: "A '#' inside a word is part of the value, and nobody meant a comment there.",
        main: "smtpd_banner = $myhostname ESMTP#1\n",
      },
      { master: "# public MX\nsmtp inet n - y - - smtpd\n" },
    ],
    fix: "Moves the '#' and the rest of its line onto a comment line of its own just above, indented like that line when it continues a value; the value keeps the text before the '#'. Each line's comment is moved by its own fix. Do not apply it when the '#' was really meant to be part of the value (a password or a pattern): Postfix did keep it, and the fix removes it.",
  },
  *check(context) {
    const main = context.main?.text ?? "";
    for (const entry of mainScan(context).hashValues)
      yield* mainHashWords(main, entry, entry.setting!.value);
    const master = context.master?.text ?? "";
    for (const entry of masterScan(context).hashEntries) yield* masterHashWords(master, entry);
  },
});

/**
 * Words starting with '#' inside a value: not comments, but part of the value. The
 * first one of each line is reported (each is moved on its own). Only the value's
 * own segments are scanned, not comment lines between them.
 */
function* mainHashWords(text: string, entry: MainEntry, value: Span): Generator<RuleFinding> {
  for (const segment of entry.segments) {
    const from = Math.max(segment.start, value.start);
    const to = Math.min(segment.end, value.end);
    for (let i = from; i < to; i++) {
      if (text[i] !== "#" || (i > value.start && !isSpace(text.charCodeAt(i - 1)))) continue;
      yield {
        file: "main",
        start: i,
        end: trimmedEnd(text, i, segment.end),
        message:
          "'#' only starts a comment at the beginning of a line. Here it and the text after it become part of the value. Move the comment to its own line.",
        fix: moveCommentFix(text, entry, segment, i),
      };
      break;
    }
  }
}

/** The first '#' word of each line of a master.cf entry's arguments. */
function* masterHashWords(text: string, entry: MasterEntry): Generator<RuleFinding> {
  // Arguments and segments are both in document order: one pass over each.
  let s = 0;
  let reported = -1;
  for (const hash of entry.arguments) {
    if (!hash.word.text.startsWith("#")) continue;
    while (s < entry.segments.length && entry.segments[s].end < hash.word.start) s++;
    const segment = entry.segments[s];
    if (!segment || segment.start > hash.word.start || s === reported) continue;
    reported = s;
    yield {
      file: "master",
      start: hash.word.start,
      end: trimmedEnd(text, hash.word.start, segment.end),
      message:
        "'#' only starts a comment at the beginning of a line. These words are passed to the program as arguments, and smtpd(8) refuses them. Move the comment to its own line.",
      fix: moveCommentFix(text, entry, segment, hash.word.start),
    };
  }
}

/**
 * Moves the text from `hash` to the end of its physical line onto a comment line of
 * its own just above that line (indented like it, so a continued value goes on).
 */
function moveCommentFix(
  text: string,
  entry: MainEntry | MasterEntry,
  segment: Span,
  hash: number,
): Fix {
  let cut = hash;
  while (cut > segment.start && isSpace(text.charCodeAt(cut - 1))) cut--;
  const comment = text.slice(hash, trimmedEnd(text, hash, segment.end));
  const indent =
    segment.start === entry.start ? "" : /^[ \t]*/.exec(text.slice(segment.start, segment.end))![0];
  return {
    title: "Move the comment to its own line",
    edits: [
      {
        start: segment.start,
        end: segment.start,
        newText: `${indent}${comment}${newlineOf(text)}`,
      },
      { start: cut, end: trimmedEnd(text, hash, segment.end), newText: "" },
    ],
  };
}

function trimmedEnd(text: string, from: number, end: number): number {
  while (end > from && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}
