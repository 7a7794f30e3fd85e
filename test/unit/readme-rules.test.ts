import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../server/src/service/rules/ruleTable";

/**
 * The README's rule table is rendered from the rule table, so it cannot go stale.
 * After changing rules, run `npm run update:generated`, which also renders the
 * manifest's list of rule ids (Prettier pads the cells; the comparison ignores that padding).
 */
const README = join(__dirname, "../../README.md");
const START = "<!-- rules:start -->";
const END = "<!-- rules:end -->";

function renderTable(): string {
  const rows = RULES.map((rule) => {
    const pitfalls = rule.pitfalls?.length ? ` (${rule.pitfalls.join(", ")})` : "";
    return `| [\`${rule.id}\`](docs/rules/${rule.id}.md) | ${rule.severity} | ${rule.description.replace(/\|/g, "\\|")}${pitfalls} |`;
  });
  return ["| id | default | what it catches |", "| --- | --- | --- |", ...rows].join("\n");
}

/** Table rows without cell padding, as Prettier may add it. */
function normalize(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => line.replace(/ *\| */g, "|").replace(/-{3,}/g, "---"))
    .join("\n");
}

describe("README", () => {
  it("lists every rule with its default severity and pitfalls", () => {
    const readme = readFileSync(README, "utf8");
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, "README needs the rules markers").toBeGreaterThanOrEqual(0);
    const expected = `${START}\n\n${renderTable()}\n\n${END}`;
    const actual = readme.slice(start, end + END.length);
    if (process.env.UPDATE_README && normalize(actual) !== normalize(expected)) {
      writeFileSync(README, readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(normalize(actual)).toBe(normalize(expected));
  });
});
