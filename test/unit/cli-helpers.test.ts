import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applySafeFixes } from "../../server/src/cliFix";
import { repositoryUrl } from "../../server/src/service/data/packageInfo";
import { parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";
import { unifiedDiff } from "../../server/src/unifiedDiff";

/** Applies a unified diff to the old text, checking every context and removed line. */
function patch(before: string, diff: string): string {
  const old = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let at = 0;
  const lines = diff.split("\n").slice(2);
  for (let i = 0; i < lines.length; i++) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i]);
    if (!hunk) continue;
    const start = Number(hunk[1]) - (hunk[2] === "0" ? 0 : 1);
    while (at < start) out.push(old[at++]);
    for (i++; i < lines.length && !lines[i].startsWith("@@"); i++) {
      const line = lines[i];
      if (line === "" || line.startsWith("\\")) continue;
      const noEol = lines[i + 1]?.startsWith("\\ No newline");
      const text = line.slice(1) + (noEol ? "" : "\n");
      if (line[0] === "+") out.push(text);
      else {
        expect(old[at]).toBe(text);
        at++;
        if (line[0] === " ") out.push(text);
      }
    }
    i--;
  }
  while (at < old.length) out.push(old[at++]);
  return out.join("");
}

describe("unifiedDiff", () => {
  it("produces a diff that turns the old text into the new one", () => {
    const text = fc
      .array(fc.constantFrom("a\n", "b\n", "c = 1\n", "d\r\n", "", "tail"), { maxLength: 30 })
      .map((lines) => lines.join(""));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff("f", before, after);
        if (before === after) return diff === "";
        expect(diff.startsWith("--- f\n+++ f\n@@ ")).toBe(true);
        expect(patch(before, diff)).toBe(after);
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it("shows a one-line change with three lines of context", () => {
    const before = "1\n2\n3\n4\n5\n6\n7\n8\n";
    const after = "1\n2\n3\n4\nfive\n6\n7\n8\n";
    expect(unifiedDiff("main.cf", before, after)).toBe(
      "--- main.cf\n+++ main.cf\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
    );
  });
});

describe("applySafeFixes", () => {
  const validate = (text: string) =>
    doValidation(parseConfig("main", text), new LineIndex(text), { version: "3.7" });

  it("applies safe fixes until none is left, and leaves the others", () => {
    const text = "a = 1 # x\nrelayhost = a\nrelayhost = b # y\nsmtpd_tls_securty_level = may\n";
    const fixed = applySafeFixes(text, validate);
    expect(fixed.text).toBe("# x\na = 1\n# y\nrelayhost = b\nsmtpd_tls_securty_level = may\n");
    expect(fixed.applied.map((applied) => applied.rule).sort()).toEqual([
      "comment-after-value",
      "comment-after-value",
      "duplicate-parameter",
    ]);
    expect(applySafeFixes(fixed.text, validate).applied).toEqual([]);
  });
});

describe("repositoryUrl", () => {
  it("reads a GitHub repository as package.json may name it, and nothing else", () => {
    expect(repositoryUrl("https://github.com/owner/postfix-lsp")).toBe(
      "https://github.com/owner/postfix-lsp",
    );
    expect(repositoryUrl({ type: "git", url: "git+https://github.com/owner/repo.git" })).toBe(
      "https://github.com/owner/repo",
    );
    expect(repositoryUrl("https://example.org/owner/repo")).toBeUndefined();
    expect(repositoryUrl("javascript:alert(1)")).toBeUndefined();
    expect(repositoryUrl(undefined)).toBeUndefined();
  });
});
