/**
 * A rule's documentation page in Markdown, rendered from its module. The same page
 * is bundled as docs/rules/<id>.md, printed by `postfix-lint --explain <id>` and
 * opened by the "Explain rule" code action.
 */

import { RULE_MODULES } from "./registry";
import type { RuleDefinition } from "./ruleDefinition";
import { getRule } from "./ruleTable";
import type { Rule, RuleExample } from "./rule";

const FILE_NAMES = { main: "main.cf", master: "master.cf" } as const;

export function rulePage(rule: Rule): string {
  const { meta, docs } = rule;
  const lines = [`# \`${meta.id}\``, "", meta.description, "", ...factsTable(meta, rule)];
  lines.push("## Why it matters", "", docs.why, "");
  if (docs.fires.length > 0) lines.push("## Reported", "", ...docs.fires.flatMap(example), "");
  if (docs.silent.length > 0)
    lines.push("## Not reported", "", ...docs.silent.flatMap(example), "");
  if (docs.fix) lines.push("## Quick-fix", "", docs.fix, "");
  lines.push(...howToSilence(meta.id));
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function factsTable(meta: Rule["meta"], rule: Rule): string[] {
  const rows: [string, string][] = [
    ["Default severity", meta.severity],
    ["Reports on", meta.files.map((file) => FILE_NAMES[file]).join(", ")],
    [
      "Quick-fix",
      meta.safeFix ? "yes, applied by `postfix-lint --fix`" : meta.fixable ? "yes" : "no",
    ],
  ];
  if (meta.since || meta.until)
    rows.push(["Postfix releases", releaseRange(meta.since, meta.until)]);
  if (meta.pitfalls?.length) rows.push(["Pitfalls", meta.pitfalls.join(", ")]);
  if (!rule.check)
    rows.push(["Reported by", "the file reader or validation, before any rule runs"]);
  return ["| | |", "| --- | --- |", ...rows.map(([key, value]) => `| ${key} | ${value} |`), ""];
}

function releaseRange(since?: string, until?: string): string {
  if (since && until) return `${since} to ${until}`;
  return since ? `${since} and later` : `up to ${until}`;
}

function example(item: RuleExample): string[] {
  const lines: string[] = [];
  if (item.note) lines.push(item.note, "");
  if (item.version) lines.push(`With Postfix ${item.version}:`, "");
  for (const file of ["main", "master"] as const) {
    const text = item[file];
    if (text !== undefined) lines.push(...codeBlock(FILE_NAMES[file], text));
  }
  const host = Object.entries(item.host ?? {});
  if (host.length > 0)
    lines.push(
      "On the host:",
      "",
      ...host.map(([path, file]) => `- \`${path}\`: ${file.about}`),
      "",
    );
  for (const file of ["main", "master"] as const) {
    const text = item.fixed?.[file];
    if (text !== undefined)
      lines.push(...codeBlock(`${FILE_NAMES[file]} after the quick-fix`, text));
  }
  return lines;
}

function codeBlock(title: string, text: string): string[] {
  // A NUL byte would make the page a binary file: it is shown as its control picture.
  return [`${title}:`, "", "```", text.replace(/\n$/, "").replaceAll("\0", "\u2400"), "```", ""];
}

function howToSilence(id: string): string[] {
  return [
    "## Turning it off",
    "",
    `- In the editor: \`"postfix.rules": { "${id}": "off" }\` (or another severity).`,
    `- On the command line: \`postfix-lint --rule ${id}=off\`.`,
    `- For one entry: a line \`# postfix-lint: disable-next-line ${id}\` before it; for the whole file: \`# postfix-lint: disable ${id}\`.`,
    "",
  ];
}

/** A page for a rule not yet moved into a module: what the rule table knows. */
export function tablePage(rule: RuleDefinition): string {
  const pitfalls = rule.pitfalls?.length ? `\n\nPitfalls: ${rule.pitfalls.join(", ")}.` : "";
  return `# \`${rule.id}\`\n\n${rule.description}\n\nDefault severity: ${rule.severity}.${pitfalls}\n\n${howToSilence(rule.id).join("\n").trimEnd()}\n`;
}

/** The documentation page of any rule id, or undefined for an unknown id. */
export function pageOf(id: string): string | undefined {
  const rule = RULE_MODULES.find((candidate) => candidate.meta.id === id);
  if (rule) return rulePage(rule);
  const definition = getRule(id);
  return definition && tablePage(definition);
}
