import { describe, expect, it } from "vitest";
import { evaluateExpansion } from "../../server/src/service/parser/expansion";

function expand(text: string, values: Record<string, string> = {}) {
  return evaluateExpansion(text, (name) => values[name]);
}

describe("evaluating $ expansions like mac_expand", () => {
  it("expands references recursively and keeps literal text", () => {
    expect(expand("$a-${b} $(c) a$$b", { a: "x$b", b: "y", c: "" }).value).toBe("xy-y  a$b");
  });

  it("takes only the branch the value selects", () => {
    const values = { set: "1", empty: "" };
    expect(expand("${set?yes}|${empty?yes}|${unset?yes}", values).value).toBe("yes||");
    expect(expand("${set:no}|${empty:no}|${unset:no}", values).value).toBe("|no|no");
    expect(expand("${set?{a}:{b}}|${unset?{a}:{b}}", values).value).toBe("a|b");
    // Without braces the rest of the expression is the value.
    expect(expand("${set?yes:no}", values).value).toBe("yes:no");
  });

  it("compares numerically only when both sides are all digits", () => {
    expect(expand("${{01}=={1}?{t}:{f}} ${{10}<{9}?{t}:{f}} ${{3.10}<{3.9}?{t}:{f}}").value).toBe(
      "t f t",
    );
    expect(expand("${{a} == {a}}|${{a} != {a}}").value).toBe("true|");
  });

  it("compares compatibility levels with the level suffix", () => {
    expect(expand("${{3.10} <level {3.9} ? {t} : {f}}").value).toBe("f");
    expect(
      expand("${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}", {
        compatibility_level: "3.6",
      }).value,
    ).toBe("sha256");
    expect(expand("${{foo} <level {3.6}}").error?.postconfWarning).toBe(
      'malformed compatibility level syntax: "foo"',
    );
  });

  it("stops an expansion loop at Postfix's nesting limit", () => {
    const result = expand("$a", { a: "$b", b: "$a" });
    expect(result.error?.code).toBe("nesting");
    expect(result.error?.postconfWarning).toMatch(/^unreasonable macro call nesting: "[ab]"$/);
  });

  it("does not follow a name that is only tested", () => {
    expect(expand("$user_x", { user_x: "${user_x?set}" })).toEqual({ value: "set" });
  });

  it("reports syntax errors met in a looked-up value", () => {
    expect(expand("$user_x", { user_x: "${}" }).error?.code).toBe("empty-name");
    // ...but not in a branch that is not taken.
    expect(expand("${unset?${}}").error).toBeUndefined();
  });
});
