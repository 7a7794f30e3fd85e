import { describe, expect, it } from "vitest";
import { parseConfig } from "../../server/src/service/parser/document";
import {
  printMainSettings,
  printServiceSettings,
} from "../../server/src/service/postconfEmulation";

/**
 * postconf prints settings in strcmp() order of their names. The emulation sorts
 * the printed lines when that gives the same order; these names make it fall back
 * to comparing names: a control character where another name has the blank after
 * it, and a surrogate pair against a character of U+E000–U+FFFF.
 */

/** strcmp() order: UTF-8 bytes. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function mainLines(names: string[]): string[] {
  // Listed as restriction classes, the user-defined names are all known to postconf.
  const text =
    names.map((name, i) => `${name} = ${i}\n`).join("") +
    `smtpd_restriction_classes = ${names.join(", ")}\n`;
  return printMainSettings({ configDir: "/etc/postfix", main: { text } }, "3.7").lines;
}

describe("printed settings order", () => {
  it.each([
    ["plain names", ["b", "a_b", "a", "ab", "a0"]],
    ["a control character after a shorter name", ["a\x01", "a", "a\x01b", "a!"]],
    ["a surrogate pair and U+FFxx", ["x\u{1F600}", "x\uFF01", "x", "x~"]],
  ])("sorts %s like strcmp()", (_label, names) => {
    const lines = mainLines(names);
    const printed = lines.map((line) => line.slice(0, line.indexOf(" ")));
    expect(printed).toEqual([...names, "smtpd_restriction_classes"].sort(byBytes));
  });

  it("sorts master.cf -o settings of each service by name", () => {
    const master = parseConfig(
      "master",
      "smtp inet n - y - - smtpd -o b=1 -o a\x01=2 -o a=3\n" +
        "submission inet n - y - - smtpd -o y=1 -o x=2\n",
    );
    const { lines } = printServiceSettings(
      { configDir: "/etc/postfix", main: { text: "" }, master },
      "3.7",
    );
    expect(lines).toEqual([
      "smtp/inet/a = 3",
      "smtp/inet/a\x01 = 2",
      "smtp/inet/b = 1",
      "submission/inet/x = 2",
      "submission/inet/y = 1",
    ]);
  });
});
