import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DocumentSymbol } from "vscode-languageserver-types";
import {
  type ConfigKind,
  parseConfig,
  updateConfig,
} from "../../server/src/service/parser/document";
import {
  MAX_OUTLINE_SYMBOLS,
  findDocumentSymbols,
  findWorkspaceSymbols,
} from "../../server/src/service/symbols";
import { LineIndex } from "../../server/src/service/text/lineIndex";

function symbols(kind: ConfigKind, text: string): DocumentSymbol[] {
  return findDocumentSymbols(parseConfig(kind, text), new LineIndex(text));
}

/** name (detail) with children indented, one line each. */
function outline(list: DocumentSymbol[], depth = 0): string[] {
  return list.flatMap((symbol) => [
    `${"  ".repeat(depth)}${symbol.name}${symbol.detail ? ` (${symbol.detail})` : ""}`,
    ...outline(symbol.children ?? [], depth + 1),
  ]);
}

const FIXTURES = join(__dirname, "../fixtures/oracle");

describe("document symbols", () => {
  it("lists every main.cf setting with its value, marking earlier assignments as overridden", () => {
    const text = "myhostname = a.example\nrelayhost = [mx]:25\nmyhostname = b.example\n";
    expect(outline(symbols("main", text))).toEqual([
      "myhostname (overridden later · a.example)",
      "relayhost ([mx]:25)",
      "myhostname (b.example)",
    ]);
    const [first] = symbols("main", text);
    expect(first.selectionRange).toEqual({
      start: { line: 0, character: 0 },
      end: { line: 0, character: 10 },
    });
  });

  it("marks overridden assignments after edits, as in a fresh parse of the edited text", () => {
    let text = "myhostname = a.example\nrelayhost = [mx]:25\n";
    let config = parseConfig("main", text);
    for (const [at, insert] of [
      [text.length, "myhostname = b.example\n"],
      [0, "relayhost = [first]\n"],
    ] as const) {
      config = updateConfig(config, { start: at, end: at, newText: insert });
      text = text.slice(0, at) + insert + text.slice(at);
    }
    expect(outline(findDocumentSymbols(config, new LineIndex(text)))).toEqual(
      outline(symbols("main", text)),
    );
    expect(outline(symbols("main", text))).toEqual([
      "relayhost (overridden later · [first])",
      "myhostname (overridden later · a.example)",
      "relayhost ([mx]:25)",
      "myhostname (b.example)",
    ]);
  });

  it("with a limit, lists after edits what a fresh parse of the edited text lists", () => {
    let text = Array.from({ length: 60 }, (_, i) => `p${i % 17} = v${i}\n`).join("");
    let config = parseConfig("main", text);
    let state = 7;
    const random = (n: number) => (state = (state * 1103515245 + 12345) & 0x7fffffff) % n;
    for (let edit = 0; edit < 200; edit++) {
      const start = random(text.length);
      const end = Math.min(text.length, start + random(4));
      const newText = ["x", "", "\n", "\nq = 1\n", "# c\n".repeat(random(40))][random(5)];
      config = updateConfig(config, { start, end, newText });
      text = text.slice(0, start) + newText + text.slice(end);
      const limit = [3, 10, 100][edit % 3];
      const index = new LineIndex(text);
      expect(findDocumentSymbols(config, index, limit)).toEqual(
        findDocumentSymbols(parseConfig("main", text), index, limit),
      );
    }
  });

  it("after a large insertion, still marks a setting overridden by one far below it", () => {
    // The assignments that override come after thousands of blocks, whose offsets an
    // edit above them leaves pending until something reads that far.
    let text = Array.from({ length: 3000 }, (_, i) => `a${i} = v${i}\n`).join("") + "a1 = later\n";
    let config = parseConfig("main", text);
    const comments = "# note\n".repeat(10_000);
    config = updateConfig(config, { start: 0, end: 0, newText: comments });
    text = comments + text;
    const index = new LineIndex(text);
    const listed = findDocumentSymbols(config, index, 3);
    expect(outline(listed).slice(0, 3)).toEqual([
      "a0 (v0)",
      "a1 (overridden later · v1)",
      "a2 (v2)",
    ]);
    expect(listed).toEqual(findDocumentSymbols(parseConfig("main", text), index, 3));
  });

  it("stops at the limit with a note that counts the entries left out and spans them", () => {
    const text = Array.from({ length: 6 }, (_, i) => `p${i} = v${i}\n`).join("");
    const list = findDocumentSymbols(parseConfig("main", text), new LineIndex(text), 4);
    expect(outline(list)).toEqual([
      "p0 (v0)",
      "p1 (v1)",
      "p2 (v2)",
      "p3 (v3)",
      "2 more not listed (the outline stops at 4 entries; Go to Symbol in Workspace finds every setting)",
    ]);
    expect(list[4].range).toEqual({
      start: { line: 4, character: 0 },
      end: { line: 5, character: 7 },
    });
  });

  it("counts a service's -o settings against the limit", () => {
    const options = Array.from({ length: 5 }, (_, i) => `  -o p${i}=v${i}`).join("\n");
    const text = `smtp inet n - n - - smtpd\n${options}\nnext unix - - n - - pipe\n`;
    const list = findDocumentSymbols(parseConfig("master", text), new LineIndex(text), 3);
    expect(outline(list)).toEqual([
      "smtp/inet (smtpd)",
      "  p0 (v0)",
      "  p1 (v1)",
      "4 more not listed (the outline stops at 3 entries; Go to Symbol in Workspace finds every setting)",
    ]);
  });

  it("lists 500 entries of a longer file, which is more than any real main.cf sets", () => {
    expect(MAX_OUTLINE_SYMBOLS).toBe(500);
    const text = Array.from({ length: 2_500 }, (_, i) => `p${i} = v${i}\n`).join("");
    const list = symbols("main", text);
    expect(list).toHaveLength(501);
    expect(list[499].name).toBe("p499");
    expect(list[500].name).toBe("2,000 more not listed");
  });

  it("gives a continued value one symbol spanning its lines, with the value on one line", () => {
    const [symbol] = symbols(
      "main",
      "mynetworks = 127.0.0.0/8\n    [::1]/128\n# note\n  10.0.0.0/8\n",
    );
    expect(symbol.detail).toBe("127.0.0.0/8 [::1]/128 10.0.0.0/8");
    expect(symbol.range.end).toEqual({ line: 3, character: 12 });
  });

  it("cuts a long value to 80 characters with three dots, however its blanks run", () => {
    for (const value of [
      "x".repeat(300),
      `a${" ".repeat(200)}b ${"c ".repeat(100)}`,
      "d\t".repeat(50),
    ]) {
      const [symbol] = symbols("main", `name = ${value}\n`);
      expect(symbol.detail!.length).toBeLessThanOrEqual(80);
      // ASCII only: one character beyond Latin-1 makes V8 encode the whole response slower.
      expect(symbol.detail).toMatch(/^[\x20-\x7e]*$/);
      expect(symbol.detail!.endsWith("...")).toBe(value.trim().replace(/\s+/g, " ").length > 80);
      expect(symbol.detail).not.toMatch(/\s\s|\t/);
    }
  });

  it("puts settings under comment banners that head a group", () => {
    const text = [
      "compatibility_level = 3.6",
      "",
      "# TLS parameters",
      "smtpd_tls_cert_file = /etc/ssl/cert.pem",
      "smtpd_tls_security_level = may",
      "",
      "#####################",
      "# Restrictions",
      "#####################",
      "smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination",
      "",
    ].join("\n");
    expect(outline(symbols("main", text))).toEqual([
      "compatibility_level (3.6)",
      "TLS parameters",
      "  smtpd_tls_cert_file (/etc/ssl/cert.pem)",
      "  smtpd_tls_security_level (may)",
      "Restrictions",
      "  smtpd_relay_restrictions (permit_mynetworks reject_unauth_destination)",
    ]);
  });

  it("takes neither prose, a commented-out setting nor a comment followed by a blank line as a banner", () => {
    const text = [
      "# The default is fine for most sites; see the",
      "# manual for the details.",
      "myhostname = mail.example",
      "",
      "#relayhost = [mx]",
      "relayhost = [smarthost]",
      "",
      "# Nothing below this line",
      "",
      "mydomain = example",
      "",
    ].join("\n");
    expect(outline(symbols("main", text))).toEqual([
      "myhostname (mail.example)",
      "relayhost ([smarthost])",
      "mydomain (example)",
    ]);
  });

  it("has no banner groups in Debian's main.cf.dist, which explains each setting in prose", () => {
    const text = readFileSync(join(FIXTURES, "debian-main-cf-dist/main.cf"), "utf8");
    const list = symbols("main", text);
    expect(list.every((symbol) => symbol.kind === 7)).toBe(true); // Property: no containers
    expect(list.length).toBe(
      parseConfig("main", text).blocks.filter((b) => b.kind === "main").length,
    );
  });

  it("lists master.cf services as name/type with the command, and their -o settings as children", () => {
    const text = [
      "smtp      inet  n       -       y       -       -       smtpd",
      "submission inet n       -       y       -       -       smtpd",
      "  -o syslog_name=postfix/submission",
      "  -o smtpd_tls_security_level=encrypt",
      "pickup    unix  n       -       y       60      1       pickup",
      "",
    ].join("\n");
    expect(outline(symbols("master", text))).toEqual([
      "smtp/inet (smtpd)",
      "submission/inet (smtpd)",
      "  syslog_name (postfix/submission)",
      "  smtpd_tls_security_level (encrypt)",
      "pickup/unix (pickup)",
    ]);
    const submission = symbols("master", text)[1];
    expect(submission.range).toEqual({
      start: { line: 1, character: 0 },
      end: { line: 3, character: 37 },
    });
  });

  it("keeps Debian's master.cf flat: its header comment is prose", () => {
    const text = readFileSync(join(FIXTURES, "debian-master-cf-dist/master.cf"), "utf8");
    const list = symbols("master", text);
    expect(list[0].name).toBe("smtp/inet");
    expect(
      list.some((symbol) => symbol.name === "pipe/unix" || symbol.name === "maildrop/unix"),
    ).toBe(true);
  });

  it("gives every symbol a selection range inside its range (VS Code rejects others)", () => {
    const text = "# Main\nmyhostname = a\nsmtpd_banner = $myhostname ESMTP\n";
    const check = (list: DocumentSymbol[]) => {
      for (const symbol of list) {
        const { range, selectionRange } = symbol;
        const before = (a: { line: number; character: number }, b: typeof a) =>
          a.line < b.line || (a.line === b.line && a.character <= b.character);
        expect(
          before(range.start, selectionRange.start) && before(selectionRange.end, range.end),
        ).toBe(true);
        check(symbol.children ?? []);
      }
    };
    check(symbols("main", text));
  });
});

describe("workspace symbols", () => {
  it("finds settings and services in the given files by the letters of the query", () => {
    const main = "smtpd_tls_security_level = may\nmyhostname = a\n";
    const master = "submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n";
    const files = [
      {
        uri: "file:///etc/postfix/main.cf",
        config: parseConfig("main", main),
        mapper: new LineIndex(main),
      },
      {
        uri: "file:///etc/postfix/master.cf",
        config: parseConfig("master", master),
        mapper: new LineIndex(master),
      },
    ];
    const found = findWorkspaceSymbols(files, "tlssec");
    expect(found.map((s) => `${s.name} ${s.containerName ?? ""} ${s.location.uri}`)).toEqual([
      "smtpd_tls_security_level  file:///etc/postfix/main.cf",
      "smtpd_tls_security_level submission/inet file:///etc/postfix/master.cf",
    ]);
    expect(findWorkspaceSymbols(files, "submission").map((s) => s.name)).toEqual([
      "submission/inet",
    ]);
  });
});
