import { describe, expect, it } from "vitest";
import { getInlayHints } from "../../server/src/service/inlayHints";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";

/** Each hint as "line: label". */
function hints(
  kind: ConfigKind,
  text: string,
  options: { main?: string; expansions?: boolean; overrides?: boolean } = {},
): string[] {
  const index = new LineIndex(text);
  const range = { start: { line: 0, character: 0 }, end: index.positionAt(text.length) };
  return getInlayHints(parseConfig(kind, text), index, range, {
    version: "3.7",
    main: options.main === undefined ? undefined : parseConfig("main", options.main),
    expansions: options.expansions ?? true,
    overrides: options.overrides ?? true,
  }).map((hint) => `${hint.position.line}:${hint.position.character}:${hint.label as string}`);
}

describe("inlay hints", () => {
  it("show what a value with $ references expands to, nested references and defaults included", () => {
    const text =
      "mydomain = example.org\nsite = mail.$mydomain\nsmtpd_banner = $site ESMTP $mail_name\n";
    expect(hints("main", text)).toEqual([
      "1:21: → mail.example.org",
      "2:37: → mail.example.org ESMTP Postfix",
    ]);
  });

  it("say nothing for a value without references, and cut long expansions", () => {
    expect(hints("main", "myhostname = a.example\n")).toEqual([]);
    const long = `x = ${"a".repeat(100)}\ny = $x\n`;
    const [hint] = hints("main", long);
    expect(hint.length).toBeLessThan(80);
    expect(hint.endsWith("…")).toBe(true);
  });

  it("expand an -o value with the service's own settings first", () => {
    const main = "banner_text = from main\n";
    const master =
      "submission inet n - y - - smtpd\n  -o smtpd_banner=$banner_text\n  -o banner_text=from_service\n";
    expect(hints("master", master, { main, overrides: false })).toEqual(["1:30: → from_service"]);
  });

  it("show the main.cf value or the default that an -o setting replaces", () => {
    const master =
      "submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n";
    expect(
      hints("master", master, { main: "smtpd_tls_security_level = may\n", expansions: false }),
    ).toEqual(["1:37: (main.cf: may)", "2:31: (default: no)"]);
  });

  it("turn off each kind on its own", () => {
    const master = "s inet n - y - - smtpd\n  -o smtpd_banner=$myhostname\n";
    expect(hints("master", master, { main: "", expansions: false, overrides: false })).toEqual([]);
  });

  it("cover only the requested range", () => {
    const text = "a = $mail_name\nb = $mail_name\nc = $mail_name\n";
    const index = new LineIndex(text);
    const found = getInlayHints(
      parseConfig("main", text),
      index,
      { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
      {
        version: "3.7",
        expansions: true,
        overrides: true,
      },
    );
    expect(found.map((hint) => hint.position.line)).toEqual([1]);
  });
});
