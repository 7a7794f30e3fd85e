import { describe, expect, it } from "vitest";
import { EXCERPT_LENGTH, excerpt } from "../../server/src/service/text/excerpt";
import { diagnoseFile } from "../support/diagnose";

describe("excerpt", () => {
  it("keeps short printable text as it is, non-ASCII letters included", () => {
    expect(excerpt("smtpd_tls_security_level")).toBe("smtpd_tls_security_level");
    expect(excerpt("héllo wörld ✓")).toBe("héllo wörld ✓");
    expect(excerpt("")).toBe("");
  });

  it("escapes control characters, bidi overrides and separators", () => {
    expect(excerpt("a\tb\nc\rd")).toBe("a\\tb\\nc\\rd");
    expect(excerpt("\x1b[31mred\x1b[0m")).toBe("\\x1b[31mred\\x1b[0m");
    expect(excerpt("nul\0del\x7fc1\x85")).toBe("nul\\x00del\\x7fc1\\x85");
    expect(excerpt("admin\u202Egnp.exe")).toBe("admin\\u{202e}gnp.exe");
    expect(excerpt("zero\u200Bwidth\u2028line")).toBe("zero\\u{200b}width\\u{2028}line");
    expect(excerpt("lone \uD800 half")).toBe("lone \\u{d800} half");
  });

  it("cuts long text to a few dozen characters and marks the cut", () => {
    const long = "x".repeat(10_000);
    expect(excerpt(long)).toBe(`${"x".repeat(EXCERPT_LENGTH)}…`);
    expect(excerpt("x".repeat(EXCERPT_LENGTH))).toBe("x".repeat(EXCERPT_LENGTH));
    expect(excerpt("abcdef", 3)).toBe("abc…");
  });

  it("never splits a surrogate pair at the cut", () => {
    const emoji = "😀".repeat(50);
    const shown = excerpt(emoji, 5);
    expect(shown).toBe(`${"😀".repeat(5)}…`);
    expect(excerpt(`ab${"😀"}`, 3)).toBe("ab😀");
    expect(excerpt(`ab${"😀"}c`, 3)).toBe("ab😀…");
    for (let length = 1; length < 12; length++) {
      expect(excerpt(`a${emoji}`, length)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it("is what the missing '=' message shows of a long line", () => {
    const line = `root:$y$j9T$${"h".repeat(80)}:19000:0:99999:7:::\x1b[2J`;
    const [missing] = diagnoseFile("main", `${line}\n`).diagnostics;
    expect(missing.code).toBe("missing-equals");
    expect(missing.message).toContain(`"${excerpt(line)}"`);
    expect(missing.message).not.toContain("h".repeat(EXCERPT_LENGTH));
    expect(missing.message).not.toContain("\x1b");
  });
});
