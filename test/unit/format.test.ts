import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { format, formatText } from "../../server/src/service/format";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { readLogicalLines } from "../../server/src/service/parser/logicalLines";

const OPTIONS = { continuationIndent: 4 };
const main = (...lines: string[]) => formatText(lines.join("\n"), "main", OPTIONS);
const master = (...lines: string[]) => formatText(lines.join("\n"), "master", OPTIONS);

/** The logical lines as Postfix joins them. */
function logicalTexts(text: string): string[] {
  const result: string[] = [];
  readLogicalLines(text, 0, text.length, {
    logicalLine: (line) => result.push(line.text),
    comment: () => {},
  });
  return result;
}

/** Applies the LSP edits of format() (range formatting when a range is given). */
function viaLsp(kind: ConfigKind, text: string, lines?: [number, number]): string {
  const document = TextDocument.create("file:///x", "postfix", 1, text);
  const range = lines && {
    start: { line: lines[0], character: 0 },
    end: { line: lines[1], character: 0 },
  };
  return TextDocument.applyEdits(document, format(text, kind, OPTIONS, range));
}

describe("main.cf formatting", () => {
  it("puts one blank on each side of the first = and prints an empty value as `name =`", () => {
    expect(main("a=b", "c   =   d=e", "relayhost=   ", "x\t=\ty", "")).toBe(
      ["a = b", "c = d=e", "relayhost =", "x = y", ""].join("\n"),
    );
  });

  it("removes trailing blanks from every line, comments and blank lines included", () => {
    expect(main("# note  ", "a = b \t", "   ", "  # indented  ", "c = d")).toBe(
      ["# note", "a = b", "", "  # indented", "c = d"].join("\n"),
    );
  });

  it("indents continuation lines with the configured width and leaves comment lines inside them alone", () => {
    const text = [
      "mynetworks = 127.0.0.0/8,",
      "\t10.0.0.0/8",
      "  # keep me  ",
      "#flush",
      " 192.168.0.0/16",
    ].join("\n");
    expect(formatText(text, "main", OPTIONS)).toBe(
      [
        "mynetworks = 127.0.0.0/8,",
        "    10.0.0.0/8",
        "  # keep me",
        "#flush",
        "    192.168.0.0/16",
      ].join("\n"),
    );
    expect(formatText(text, "main", { continuationIndent: 2 })).toContain("\n  10.0.0.0/8");
  });

  it("keeps the whitespace runs of values where Postfix keeps them: braces, quotes, free text", () => {
    for (const text of [
      "smtpd_banner = $myhostname ESMTP  \n  $mail_name",
      "alias_maps = inline:{ { a = b  \n c } }",
      'mailbox_transport = "a \n  b"',
    ]) {
      const formatted = formatText(text, "main", OPTIONS);
      expect(logicalTexts(formatted)).toEqual(logicalTexts(text));
      // The trailing blanks moved to the next line instead of being dropped.
      expect(formatted.split("\n").every((line) => !/[ \t]$/.test(line))).toBe(true);
    }
  });

  it("never indents a head line, un-indents a continuation line or touches a line Postfix discards", () => {
    expect(main("  first = x", "    more", "a = b")).toBe(
      ["  first = x", "    more", "a = b"].join("\n"),
    );
    expect(main("a\\", " = b")).toBe(["a\\", "    = b"].join("\n"));
    expect(main("broken line", "  x")).toBe(["broken line", "  x"].join("\n"));
    // Whitespace is kept byte for byte: the trailing blanks move, nothing is re-indented.
    expect(main("a=b\0c  ", " d")).toBe(["a=b\0c", "   d"].join("\n"));
  });

  it("keeps CRLF line ends and moves no carriage return", () => {
    expect(main("a=b  \r", "c =d\r", "  e \r", "")).toBe(
      ["a = b\r", "c = d\r", "    e\r", ""].join("\n"),
    );
    // A continued free-text value whose line ends in CRLF keeps its blanks before the "\r".
    const banner = "smtpd_banner = x \r\n y\r\n";
    expect(logicalTexts(formatText(banner, "main", OPTIONS))).toEqual(logicalTexts(banner));
  });

  it("gives the same edits through LSP ranges as formatText, with non-ASCII text before them", () => {
    const text = "# ünïcödé 😀  \nmyhostname=höst  \nmynetworks = a\n\tb  \n";
    expect(viaLsp("main", text)).toBe(formatText(text, "main", OPTIONS));
  });

  it("range formatting formats exactly the logical lines the range touches", () => {
    const text = ["a=1", "b=2", "  c", "# x  ", "  d  ", "e=3", ""].join("\n");
    // Line 2 lies inside the logical line b (lines 1-4).
    expect(viaLsp("main", text, [2, 2])).toBe(
      ["a=1", "b = 2", "    c", "# x", "    d", "e=3", ""].join("\n"),
    );
    expect(viaLsp("main", text, [0, 0])).toBe(
      ["a = 1", "b=2", "  c", "# x  ", "  d  ", "e=3", ""].join("\n"),
    );
  });
});

describe("master.cf formatting", () => {
  it("aligns the fields to the columns of the shipped master.cf and indents continuation lines by two", () => {
    expect(
      master(
        "smtp inet n - y - - smtpd",
        "      -o syslog_name=x  ",
        "proxywrite\tunix - - n - 1 proxymap",
        "postlog unix-dgram n - n - 1 postlogd",
        "",
      ),
    ).toBe(
      [
        "smtp      inet  n       -       y       -       -       smtpd",
        "  -o syslog_name=x",
        "proxywrite unix -       -       n       -       1       proxymap",
        "postlog   unix-dgram n  -       n       -       1       postlogd",
        "",
      ].join("\n"),
    );
  });

  it("keeps the arguments after the command as they are, and whitespace inside braces", () => {
    const text = "x inet n - n - - smtpd -o  a=b   -o {c = d  \n     e }";
    const formatted = formatText(text, "master", OPTIONS);
    expect(formatted.split("\n")[0]).toBe(
      "x         inet  n       -       n       -       -       smtpd -o  a=b   -o {c = d",
    );
    expect(logicalTexts(formatted)).toEqual([
      logicalTexts(text)[0].replace(
        /^x inet n - n - - /,
        "x         inet  n       -       n       -       -       ",
      ),
    ]);
  });
});

describe("formatting is stable", () => {
  it("formats formatted text to itself", () => {
    for (const [kind, text] of [
      ["main", "a=b  \nmynetworks=1, \n\t2\n # c \n 3\nsmtpd_banner = x  \n  y\n"],
      ["master", "smtp inet n - y - - smtpd\n\t-o a=b \n -o {x = y  \n z}\n"],
    ] as const) {
      const once = formatText(text, kind, OPTIONS);
      expect(formatText(once, kind, OPTIONS)).toBe(once);
    }
  });
});
