import { describe, expect, it } from "vitest";
import { parseConfig, isEntry } from "../../server/src/service/parser/document";
import type { MainEntry } from "../../server/src/service/parser/mainCf";

function entries(text: string): MainEntry[] {
  return parseConfig("main", text).blocks.filter(isEntry) as MainEntry[];
}

function settings(text: string): [string, string][] {
  return entries(text)
    .filter((entry) => entry.setting)
    .map((entry) => [entry.setting!.name.text, entry.setting!.value.text]);
}

describe("main.cf logical lines", () => {
  it("splits name and value at the first '=' and trims the value", () => {
    expect(settings("myhostname   =   host.example   \na=b=c\nrelayhost =\n")).toEqual([
      ["myhostname", "host.example"],
      ["a", "b=c"],
      ["relayhost", ""],
    ]);
  });

  it("joins continuation lines without a separator, keeping their leading whitespace", () => {
    expect(settings("a = x\n    y\n")).toEqual([["a", "x    y"]]);
  });

  it("keeps a value going across comment and blank lines between continuations", () => {
    const text =
      "mynetworks = 127.0.0.0/8\n  # indented comment\n  10.0.0.0/8\n#flush-left comment\n\n  192.168.0.0/16\nnext = 1\n";
    const [first] = entries(text);
    expect(first.setting!.value.text).toBe("127.0.0.0/8  10.0.0.0/8  192.168.0.0/16");
    expect(first.innerComments.map((c) => text.slice(c.start, c.end))).toEqual([
      "  # indented comment",
      "#flush-left comment",
    ]);
  });

  it("treats '#' after other text as part of the value", () => {
    expect(settings("smtpd_tls_security_level = may # note\n")).toEqual([
      ["smtpd_tls_security_level", "may # note"],
    ]);
  });

  it("treats CR as whitespace, so CRLF files parse like LF files", () => {
    expect(settings("a = 1\r\nb = 2\r\n  3\r\n")).toEqual([
      ["a", "1"],
      ["b", "2\r  3"],
    ]);
  });

  it("keeps a backslash at the end of a line as an ordinary character", () => {
    expect(settings("smtpd_banner=x \\\n  y\n")).toEqual([["smtpd_banner", "x \\  y"]]);
  });

  it("reports the problems that make Postfix stop or skip a line", () => {
    const problems = entries("  leading = x\nsmtpd_tls_security_level may\n= x\na b = c\n").map(
      (entry) => entry.problem,
    );
    expect(problems).toEqual([
      "leading-whitespace",
      "missing-equals",
      "missing-name",
      "missing-equals",
    ]);
  });

  it("ignores the text after a NUL character, as Postfix's C strings do", () => {
    const [entry] = entries("a = b\0c\n");
    expect(entry.setting!.value.text).toBe("b");
    expect(entry.nulOffset).toBe(5);
  });

  it("gives names and values exact document ranges, also across continuation lines", () => {
    const text = "# c\nname = first\n  # inner\n  second\n";
    const [entry] = entries(text);
    const { name, value } = entry.setting!;
    expect(text.slice(name.start, name.end)).toBe("name");
    expect(text.slice(value.start, value.end)).toBe("first\n  # inner\n  second");
  });

  it("counts positions in UTF-16 code units", () => {
    const text = "smtpd_banner = 😀 $myhostname\n";
    const [entry] = entries(text);
    const [reference] = entry.setting!.macros.references;
    expect(text.slice(reference.name.start, reference.name.end)).toBe("myhostname");
    expect(reference.name.start).toBe(19);
  });
});

describe("$ expansions", () => {
  const macros = (value: string) => entries(`x = ${value}\n`)[0].setting!.macros;
  const names = (value: string) => macros(value).references.map((r) => r.name.text);

  it("finds every reference form", () => {
    expect(names("$a ${b} $(c) ${d?yes} ${e:no} ${f?{t}:{u}} $g-param")).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
    ]);
  });

  it("treats $$ as a literal dollar", () => {
    expect(names("a$$b $$c")).toEqual([]);
  });

  it("parses references inside operands and relational expressions", () => {
    expect(names("${a?$b:$c} ${{$d} == {1} ? {$e} : {$f}} ${g?{${h}}:{$i}}")).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
      "h",
      "i",
    ]);
  });

  it("records whether a reference is a test", () => {
    const [plain, ifSet, ifUnset] = macros("$a ${b?x} ${c:y}").references;
    expect([plain.test, ifSet.test, ifUnset.test]).toEqual([undefined, "?", ":"]);
  });

  it.each([
    ["$", "empty-name", 'empty macro name: "$"'],
    ["${}", "empty-name", 'empty macro name: "${}"'],
    ["${a1?{x}", "truncated", 'truncated macro reference: "${a1?{x}"'],
    ["${a1-param}", "name-syntax", 'attribute name syntax error at: "...a1>>>-param"'],
    ["${a b}", "name-syntax", 'attribute name syntax error at: "...a>>> b"'],
    ["${foo{bar}}", "unknown-function", 'unknown function "foo" at"...>>>foo{bar}"'],
    [
      "${{1} = {2}}",
      "operator-expected",
      '"==" or "!="" or "<"" or "<="" or ">="" or ">" expected at: "...1}>>>= {2}"',
    ],
  ])("reports %s like postconf does", (value, code, warning) => {
    expect(macros(value).error).toMatchObject({ code, postconfWarning: warning });
  });

  it("accepts the level operator and named functions of newer releases", () => {
    const result = macros(
      "${{$compatibility_level} <level {3.11} ? {} : {may}} ${domain_to_ascii{$x}}",
    );
    expect(result.error).toBeUndefined();
    expect(result.references.map((r) => r.name.text)).toEqual(["compatibility_level", "x"]);
    expect(result.functions.map((f) => f.name.text)).toEqual(["domain_to_ascii"]);
  });

  it("gives up beyond 100 nested expressions, as Postfix does", () => {
    const nested = (depth: number) => "${a?".repeat(depth) + "x" + "}".repeat(depth);
    expect(macros(nested(100)).error).toBeUndefined();
    expect(macros(nested(102)).error?.code).toBe("nesting");
    expect(macros(nested(10_000)).error?.code).toBe("nesting");
  });
});
