// Every rule module's documentation examples are its tests: the examples that
// fire must fire (with the documented fix output), the silent ones must not, so
// the documentation cannot drift from the behaviour.

import { describe, expect, it } from "vitest";
import { RULE_MODULES } from "../../server/src/service/rules/registry";
import { RULES } from "../../server/src/service/rules/ruleTable";
import { testRule } from "../support/ruleTester";

describe("rule modules", () => {
  it("have unique kebab-case ids, also across the whole rule table", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(RULE_MODULES.map((rule) => [rule.meta.id, rule] as const))(
    "%s is documented: why, examples that fire and that do not, and its fix",
    (_id, rule) => {
      expect(rule.docs.why.length).toBeGreaterThan(40);
      expect(rule.meta.description).not.toMatch(/\n/);
      if (rule.meta.fixable) expect(rule.docs.fix, "a fixable rule documents its fix").toBeTruthy();
      if (!rule.check) return;
      expect(rule.docs.fires.length).toBeGreaterThan(0);
      expect(rule.docs.silent.length).toBeGreaterThan(0);
      const fixedExamples = rule.docs.fires.filter((example) => example.fixed);
      if (rule.meta.fixable)
        expect(fixedExamples.length, "show the fix in an example").toBeGreaterThan(0);
    },
  );
});

for (const rule of RULE_MODULES) {
  if (!rule.check) continue;
  testRule(rule.meta.id, {
    valid: rule.docs.silent.map((example) => ({ ...example, name: example.note })),
    invalid: rule.docs.fires.map((example) => ({
      ...example,
      name: example.note,
      output: example.fixed,
    })),
  });
}
