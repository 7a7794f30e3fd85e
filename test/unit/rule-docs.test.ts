import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pageOf } from "../../server/src/service/rules/rulePage";
import { RULES } from "../../server/src/service/rules/ruleTable";

/**
 * docs/rules/<id>.md is each rule's page, rendered from its module: a stale page
 * fails here. `npm run update:generated` renders them anew.
 */
const DIRECTORY = join(__dirname, "../../docs/rules");

describe("rule pages", () => {
  it("exist for every rule, and only for rules", () => {
    mkdirSync(DIRECTORY, { recursive: true });
    const pages = readdirSync(DIRECTORY).filter((name) => name.endsWith(".md"));
    const expected = RULES.map((rule) => `${rule.id}.md`);
    if (process.env.UPDATE_README)
      for (const rule of RULES) writeFileSync(join(DIRECTORY, `${rule.id}.md`), pageOf(rule.id)!);
    else expect(pages.sort()).toEqual([...expected].sort());
  });

  it.each(RULES.map((rule) => [rule.id]))("%s is up to date", (id) => {
    expect(readFileSync(join(DIRECTORY, `${id}.md`), "utf8")).toBe(pageOf(id));
  });
});
