import { describe, expect, it } from "vitest";
import { doComplete } from "../../server/src/service/completion";
import { doHover } from "../../server/src/service/hover";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";

/**
 * Adversarial documents: each one goes through parsing, diagnostics, hover and
 * completion without throwing, without deep recursion and within a generous bound
 * (a guard against hangs and quadratic blow-up; the benchmark reports real times).
 */
const GENEROUS_MS = 20_000;

function survive(kind: ConfigKind, text: string): void {
  const index = new LineIndex(text);
  const config = parseConfig(kind, text);
  doValidation(config, index, { version: "3.12" });
  for (const offset of [0, text.length >> 1, text.length]) {
    const position = index.positionAt(offset);
    doHover(config, index, position, { version: "3.12" });
    doComplete(config, index, position, { version: "3.12" });
  }
}

const cases: [string, ConfigKind, () => string][] = [
  ["a single 1 MB line", "main", () => `smtpd_banner = ${"x".repeat(1_000_000)}\n`],
  [
    "100,000 continuation lines",
    "main",
    () => "mynetworks = 127.0.0.0/8\n" + "  10.0.0.0/8\n".repeat(100_000),
  ],
  [
    "10,000 nested ${",
    "main",
    () => `smtpd_banner = ${"${a?".repeat(10_000)}x${"}".repeat(10_000)}\n`,
  ],
  ["10,000 unclosed ${", "main", () => `smtpd_banner = ${"${".repeat(10_000)}\n`],
  [
    "a 1,000-long $a → $b → ... → $a cycle",
    "main",
    () =>
      Array.from({ length: 1000 }, (_, i) => `p${i} = $p${(i + 1) % 1000}\n`).join("") +
      "smtpd_banner = $p0\n",
  ],
  [
    "NUL bytes, lone CR, CRLF and a BOM",
    "main",
    () => "\uFEFFmyhostname = a\0b\rc\r\nrelayhost = [x]\r\n\0\0\n",
  ],
  [
    "surrogate pairs and emoji",
    "main",
    () => "smtpd_banner = 😀😀 $myhostname 😀\n\uD800 = \uDC00\n",
  ],
  ["a file of only '='", "main", () => "=".repeat(200_000)],
  [
    "a master.cf line with 10,000 fields",
    "master",
    () => "smtp inet n - y - - smtpd " + "-o a=b ".repeat(10_000) + "\n",
  ],
  [
    "unbalanced braces in master.cf",
    "master",
    () => "smtp inet n - y - - smtpd -o {" + "{".repeat(50_000) + "\n",
  ],
  [
    "10,000 short master.cf entries",
    "master",
    () => "s inet n - y - - smtpd -o x={a b}\n".repeat(10_000),
  ],
];

describe("adversarial documents", () => {
  for (const [label, kind, make] of cases) {
    it(`survives ${label}`, () => {
      const text = make();
      const started = performance.now();
      expect(() => survive(kind, text)).not.toThrow();
      expect(performance.now() - started).toBeLessThan(GENEROUS_MS);
    }, 120_000);
  }
});
