import { describe, expect, it } from "vitest";
import { doComplete } from "../../server/src/service/completion";
import { doHover } from "../../server/src/service/hover";
import {
  type ConfigKind,
  type ParsedConfig,
  entryAt,
  parseConfig,
  updateConfig,
} from "../../server/src/service/parser/document";
import type { MasterEntry } from "../../server/src/service/parser/masterCf";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";

/**
 * Guards against quadratic cost in master.cf options and services, main.cf lines
 * and suppression comments. With the quadratic paths of issue #16 back, the
 * 200,000-option file alone takes minutes of CPU time; linear, these take seconds.
 * The bound is generous, so that a loaded machine does not fail it; real timings
 * are the benchmark's business (`npm run bench`, "Scaling").
 */
const GENEROUS_MS = 120_000;

/**
 * Parse and validation; hover and completion on the last line's parameter name
 * (after `-o` in master.cf); and an edit there.
 */
function exercise(kind: ConfigKind, text: string, sibling?: ParsedConfig) {
  const index = new LineIndex(text);
  const config = parseConfig(kind, text);
  const diagnostics = doValidation(config, index, { version: "3.12" }, sibling);
  const lastLine = text.lastIndexOf("\n", text.length - 2) + 1;
  const name = kind === "master" ? text.indexOf("-o ", lastLine) + 4 : lastLine + 1;
  const position = index.positionAt(name);
  const hover = doHover(config, index, position, { version: "3.12" });
  const completion = doComplete(config, index, position, { version: "3.12" });
  const edited = updateConfig(config, { start: name, end: name, newText: "x" });
  return { config, diagnostics, hover, completion, edited };
}

describe("linear cost", () => {
  it(
    "handles 200,000 -o lines in one service",
    () => {
      const options = Array.from({ length: 200_000 }, (_, i) => `  -o syslog_name=postfix/in${i}`);
      const text = `smtp inet n - y - - smtpd\n${options.join("\n")}\n`;
      const { config, diagnostics, hover, completion, edited } = exercise("master", text);
      const entry = config.blocks[0];
      expect(entry.kind === "master" && entry.options.length).toBe(200_000);
      // The last option's value is found at its place in the document.
      const last = entry.kind === "master" ? entry.options[199_999].setting : undefined;
      expect(last?.value.text).toBe("postfix/in199999");
      expect(text.slice(last!.value.start, last!.value.end)).toBe("postfix/in199999");
      expect(diagnostics).toEqual([]);
      expect(JSON.stringify(hover)).toContain("syslog_name");
      expect(completion.items.map((item) => item.label)).toContain("syslog_name");
      expect(edited.blocks).toHaveLength(1);
    },
    GENEROUS_MS,
  );

  it.each([
    ["", "smtp inet n - y - - smtpd"],
    [" that Postfix rejects", "smtp tcp n - y - - smtpd"],
  ])(
    "re-parses a few lines when one character changes inside a 100,000-option entry%s",
    (_, head) => {
      const options = Array.from({ length: 100_000 }, (_, i) => `  -o syslog_name=postfix/in${i}`);
      const text = `${head}\n${options.join("\n")}\nnext unix - - n - - pipe\n`;
      let config = parseConfig("master", text);
      // Each changes its own lines only (the edit that makes the rest of the entry
      // arguments, for example, re-parses the rest).
      const edits = [
        { line: 50_000, column: 22, newText: "x" }, // inside a value
        { line: 50_001, column: 32, newText: "\n  -o a=b" }, // a new option line
        { line: 10, column: 0, newText: "#" }, // an option line commented out
        { line: 100_000, column: 17, newText: " " }, // the last value split: an argument
      ];
      for (const { line, column, newText } of edits) {
        const nodes = (entry: MasterEntry) => [...entry.words, ...entry.options, ...entry.segments];
        const before = new Set<object>(nodes(entryAt(config, 0) as MasterEntry));
        const at = nthLineStart(config.text, line) + column;
        config = updateConfig(config, { start: at, end: at, newText });
        const after = new Set<object>(nodes(entryAt(config, 0) as MasterEntry));
        // The work an edit did: the nodes it dropped or made afresh (the rest are kept).
        const changed =
          [...before].filter((node) => !after.has(node)).length +
          [...after].filter((node) => !before.has(node)).length;
        expect(changed).toBeGreaterThan(0);
        expect(changed).toBeLessThanOrEqual(16);
      }
      expect(config).toStrictEqual(parseConfig("master", config.text));
    },
  );

  it(
    "handles 40,000 user-defined -o names that the service references",
    () => {
      const count = 40_000;
      const names = Array.from({ length: count }, (_, i) => `u${i}`);
      const text =
        "smtp inet n - y - - smtpd\n" +
        names.map((name) => `  -o ${name}=permit\n`).join("") +
        `  -o { smtpd_client_restrictions = ${names.map((name) => `$${name}`).join(" ")} }\n`;
      const { diagnostics } = exercise("master", text);
      // Every name is referenced, so none is reported as unknown.
      expect(diagnostics.filter((d) => d.code === "unknown-parameter")).toEqual([]);
    },
    GENEROUS_MS,
  );

  it(
    "handles 10,000 services, with a main.cf full of undefined references next to them",
    () => {
      const services = 10_000;
      const master = Array.from(
        { length: services },
        (_, i) => `relay${i} unix - - y - - smtp\n  -o syslog_name=postfix/relay${i}\n`,
      ).join("");
      // Each name is referenced by the line before it, so only p0 is unused.
      const main = Array.from(
        { length: 5_000 },
        (_, i) => `p${i} = $missing${i} $p${i + 1}\n`,
      ).join("");
      const { diagnostics } = exercise("master", master, parseConfig("main", main));
      expect(diagnostics).toEqual([]);
      const mainResult = exercise("main", main, parseConfig("master", master));
      // The default cap on diagnostics per file: p0 unused, then undefined references.
      expect(mainResult.diagnostics).toHaveLength(1000);
      expect(mainResult.diagnostics.filter((d) => d.code === "undefined-reference")).toHaveLength(
        999,
      );
    },
    GENEROUS_MS,
  );

  it(
    "handles 10,000 smtpd services that each turn on TLS without a certificate",
    () => {
      const master =
        "tlsmgr unix - - y 1000? 1 tlsmgr\n" +
        Array.from(
          { length: 10_000 },
          (_, i) => `${10000 + i} inet n - y - - smtpd\n  -o smtpd_tls_security_level=may\n`,
        ).join("");
      const { diagnostics } = exercise("master", master);
      // One finding per service (the cap is 1,000), each naming its own service.
      expect(diagnostics).toHaveLength(1000);
      diagnostics.forEach((diagnostic, i) => {
        expect(diagnostic.code).toBe("server-tls-without-certificate");
        expect(diagnostic.message).toContain(`on ${10000 + i}/inet`);
      });
    },
    GENEROUS_MS,
  );

  it(
    "handles 40,000 suppression comments",
    () => {
      const lines = ["biff = no"];
      for (let i = 0; i < 40_000; i++) {
        lines.push("# postfix-lint: disable-next-line duplicate-parameter", "biff = no");
      }
      lines.push("biff = yes");
      const { diagnostics } = exercise("main", lines.join("\n") + "\n");
      // Only the last, unsuppressed assignment is reported as a duplicate.
      expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
        ["duplicate-parameter", 80_001],
      ]);
    },
    GENEROUS_MS,
  );
});

function nthLineStart(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf("\n", offset) + 1;
  return offset;
}
