import { describe, expect, it } from "vitest";
import { getFoldingRanges, getSelectionRanges } from "../../server/src/service/folding";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { atCursor } from "../support/cursor";
import { parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";

function folds(kind: ConfigKind, text: string): string[] {
  return getFoldingRanges(parseConfig(kind, text), new LineIndex(text)).map(
    (range) => `${range.startLine}-${range.endLine}${range.kind ? ` ${range.kind}` : ""}`,
  );
}

/** The text of each selection range, innermost first. */
function selections(kind: ConfigKind, marked: string): string[] {
  const { config, index, position } = atCursor(kind, marked);
  const result: string[] = [];
  for (let range = getSelectionRanges(config, index, [position])[0]; range; range = range.parent!) {
    result.push(
      config.text.slice(index.offsetAt(range.range.start), index.offsetAt(range.range.end)),
    );
  }
  return result;
}

describe("folding ranges", () => {
  it("folds continued values, comment runs and banner groups", () => {
    const text = [
      "# A comment",
      "# over two lines",
      "",
      "# TLS",
      "smtpd_tls_cert_file = /etc/ssl/cert.pem",
      "smtpd_tls_mandatory_protocols = !SSLv2,",
      "    !SSLv3",
      "# single",
      "myhostname = a",
      "",
    ].join("\n");
    expect(folds("main", text)).toEqual(["0-1 comment", "3-8 region", "5-6"]);
  });

  it("folds a master.cf entry with its -o lines", () => {
    const text = "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o a=b\n  -o c=d\n";
    expect(folds("master", text)).toEqual(["1-3"]);
  });

  it("with the client's range limit, returns that many of the file's ranges, the first ones", () => {
    const section = (n: number) =>
      [
        `# Section ${n}`,
        `a${n} = 1,`,
        "    2",
        "# a note",
        "# over two lines",
        `b${n} = 3`,
        "",
      ].join("\n");
    const text = Array.from({ length: 40 }, (_, n) => section(n)).join("\n");
    const key = (range: { startLine: number; endLine: number; kind?: string }) =>
      `${range.startLine}-${range.endLine} ${range.kind ?? ""}`;
    const all = getFoldingRanges(parseConfig("main", text), new LineIndex(text)).map(key);
    expect(all.filter((range) => range.endsWith("region")).length).toBeGreaterThan(30);
    for (const limit of [1, 7, 50, all.length, all.length + 5]) {
      const some = getFoldingRanges(parseConfig("main", text), new LineIndex(text), limit);
      expect(some).toHaveLength(Math.min(limit, all.length));
      // No range is cut short where the reading stopped: each is one of the whole file's.
      for (const range of some) expect(all).toContain(key(range));
      const lastStart = Math.max(...some.map((range) => range.startLine));
      const skippedBefore = all.filter(
        (range) => !range.endsWith("region") && Number(range.split("-")[0]) < lastStart,
      );
      for (const range of skippedBefore) expect(some.map(key)).toContain(range);
    }
  });

  it("folds nothing in a file of one-line settings", () => {
    expect(folds("main", "a = 1\nb = 2\n")).toEqual([]);
  });
});

describe("selection ranges", () => {
  it("grows from a $reference to the value and the logical line", () => {
    expect(selections("main", "smtpd_banner = $myhost█name ESMTP\n")).toEqual([
      "myhostname",
      "$myhostname",
      "$myhostname ESMTP",
      "smtpd_banner = $myhostname ESMTP",
    ]);
  });

  it("grows from a list item to the value, line and banner group", () => {
    const text = "# Networks\nmynetworks = 127.0.0.0/8,\n  10.0.█0.0/8\nx = 1\n";
    expect(selections("main", text)).toEqual([
      "10.0.0.0/8",
      "127.0.0.0/8,\n  10.0.0.0/8",
      "mynetworks = 127.0.0.0/8,\n  10.0.0.0/8",
      "# Networks\nmynetworks = 127.0.0.0/8,\n  10.0.0.0/8\nx = 1",
    ]);
  });

  it("in master.cf, grows from an -o value to the option and the entry", () => {
    expect(
      selections(
        "master",
        "submission inet n - y - - smtpd\n  -o syslog_name=postfix/sub█mission\n",
      ),
    ).toEqual([
      "postfix/submission",
      "-o syslog_name=postfix/submission",
      "submission inet n - y - - smtpd\n  -o syslog_name=postfix/submission",
    ]);
  });

  it("offers a banner group found within 2,000 entries of the cursor", () => {
    const group = (count: number) =>
      `# Tenants\n${Array.from({ length: count }, (_, i) => `p${i} = v${i}\n`).join("")}`;
    const near = selections("main", `${group(1_000)}x = █1\n\n# Other\ny = 2\n`);
    expect(near[near.length - 1]).toMatch(/^# Tenants\n[^]*\nx = 1$/);
    // The banner lies 2,500 entries before the cursor: the search does not reach it.
    const far = selections("main", `${group(2_500)}x = █1\n`);
    expect(far).toEqual(["1", "x = 1"]);
  });

  it("in a service with many options, selects the option under the cursor", () => {
    const options = Array.from({ length: 3_000 }, (_, i) => `  -o p${i}=v${i}`);
    options[1_500] = "  -o syslog_name=post█fix/in";
    const text = `smtp inet n - y - - smtpd\n${options.join("\n")}\n`;
    expect(selections("master", text).slice(0, 2)).toEqual([
      "postfix/in",
      "-o syslog_name=postfix/in",
    ]);
  });

  it("gives an empty range where there is nothing to select", () => {
    expect(selections("main", "a = 1\n\n█\n")).toEqual([""]);
  });
});
