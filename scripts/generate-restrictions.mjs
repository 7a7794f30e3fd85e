#!/usr/bin/env node
// Generates server/src/service/data/restrictions.generated.json: the smtpd
// restriction names that each Postfix release line accepts in its restriction
// lists, read from generic_checks() in src/smtpd/smtpd_check.c with the names
// resolved through the #defines of src/global/mail_params.h and smtpd_check.c.
// For each name it records facts of the code only (no text of the source):
// the first and last release line that knows it, the argument that follows it,
// the request data its branch looks at, whether the branch warns that it is
// deprecated, and the other names the same branch accepts.
//
// Usage: node scripts/generate-restrictions.mjs --repo PATH [--check]
//   --repo PATH  a git clone (bare or not) of vdukhovni/postfix with its tags
//                (POSTFIX_SRC when not given); the release tags per line are
//                those recorded in parameters.generated.json.
//   --check      do not write; exit 1 when the committed file is stale.

import { postfixSource } from "./postfixSource.mjs";

const OUTPUT = "server/src/service/data/restrictions.generated.json";
const { show, source: provenance, releases, lines, emit } = postfixSource("generate-restrictions");

/** #define NAME "string" in these texts. */
function stringDefines(...texts) {
  const defines = new Map();
  for (const text of texts)
    for (const match of text.matchAll(/^#\s*define\s+([A-Z0-9_]+)\s+(?:\\\n\s*)?"([^"]*)"/gm))
      if (!defines.has(match[1])) defines.set(match[1], match[2]);
  return defines;
}

/** The body of generic_checks(), from its definition to the end of its loop. */
function genericChecks(source) {
  const start = source.search(/^static int generic_checks\(SMTPD_STATE \*state/m);
  if (start < 0) throw new Error("generic_checks() not found");
  const end = source.indexOf("\n}\n", start);
  return source.slice(start, end);
}

/** Which request data a branch looks at (the stage it needs), from the fields it tests. */
function needs(branch) {
  for (const [field, stage] of [
    ["state->recipient", "recipient"],
    ["state->sender", "sender"],
    ["state->helo_name", "helo"],
    ["state->etrn_name", "etrn"],
  ])
    if (branch.includes(`if (${field}`)) return stage;
  return "client";
}

function argumentOf(branch, isMap) {
  if (isMap) return "table";
  if (/requires domain name argument/.test(branch)) return "domain";
  if (/transport:server/.test(branch)) return "service";
  if (/followed by number/.test(branch)) return "number";
  return undefined;
}

/**
 * smtpd's start-up check that a list holds a restriction that refuses mail by
 * default: the names it accepts, the lists it looks at, whether a `permit`
 * ends the search, and whether names are compared ignoring case.
 */
function relayControlOf(tag) {
  const check = show(tag, "src/smtpd/smtpd_check.c");
  const params = show(tag, "src/global/mail_params.h");
  const defines = stringDefines(check, params);
  const table = /rcpt_required\[\]\s*=\s*\{([^}]*)\}/.exec(check);
  const body = /static int has_required\([^)]*\)\s*\{([\s\S]*?)\n\}/.exec(check);
  if (!table || !body) return undefined;
  const names = [...table[1].matchAll(/[A-Z][A-Z0-9_]+/g)].map((m) => defines.get(m[0]));
  const lists = ["smtpd_recipient_restrictions"];
  if (/has_required\(relay_restrctions/.test(check)) lists.unshift("smtpd_relay_restrictions");
  return {
    names,
    lists,
    permitEnds: /PERMIT_ALL/.test(body[1]),
    ignoresCase: /strcasecmp\(\*rest,\s*\*reqd\)/.test(body[1]),
  };
}

function namesOf(tag) {
  const check = show(tag, "src/smtpd/smtpd_check.c");
  const params = show(tag, "src/global/mail_params.h");
  const defines = stringDefines(check, params);
  const body = genericChecks(check);
  // Split into branches at each `if (` / `else if (` that tests the restriction name.
  const test =
    /(?:strcasecmp\(name,\s*([A-Z0-9_]+)\)\s*==\s*0|is_map_command\(state,\s*name,\s*([A-Z0-9_]+),)/g;
  const starts = [];
  for (const match of body.matchAll(test))
    starts.push({ at: match.index, define: match[1] ?? match[2], map: Boolean(match[2]) });
  // Functions that warn that their restriction will be removed.
  const retiring = [...check.matchAll(/will be removed/g)].map((match) => {
    const before = check.slice(0, match.index);
    const heads = [...before.matchAll(/^static int (\w+)\(/gm)];
    return heads[heads.length - 1][1];
  });
  const found = new Map();
  for (let i = 0; i < starts.length; i++) {
    const { at, define, map } = starts[i];
    const name = defines.get(define);
    if (!name) throw new Error(`${tag}: ${define} is not a string #define`);
    // The branch runs to the next test that opens a branch of its own: names
    // tested in one condition (`... == 0 || strcasecmp(name, X) == 0) {`) share it.
    let next = i + 1;
    while (next < starts.length && !body.slice(at, starts[next].at).includes("{")) next++;
    const branch = body.slice(at, next < starts.length ? starts[next].at : body.length);
    // Names tested in the same condition (`... == 0 || strcasecmp(name, X) == 0) {`) share a branch.
    const condition = branch.slice(0, branch.indexOf("{"));
    const fact = {
      needs: needs(branch),
      argument: argumentOf(branch, map),
      deprecated:
        /is deprecated/.test(branch) ||
        retiring.some((fn) => branch.includes(`${fn}(`)) ||
        undefined,
    };
    const group = [...condition.matchAll(test)].map((m) => defines.get(m[1] ?? m[2]));
    found.set(name, { ...fact, group });
  }
  // The pseudo restriction that is handled before the branches.
  found.set(defines.get("WARN_IF_REJECT"), { needs: "client", group: [] });
  // Built-in restriction classes that smtpd defines itself (a list of other names).
  for (const match of check.matchAll(/htable_enter\(smtpd_rest_classes,\s*([A-Z0-9_]+),/g))
    found.set(defines.get(match[1]), { needs: "sender", group: [] });
  return found;
}

const restrictions = {};
for (const line of lines) {
  for (const [name, fact] of namesOf(releases[line])) {
    const entry = (restrictions[name] ??= { since: line });
    entry.lastSeen = line;
    entry.needs = fact.needs;
    if (fact.argument) entry.argument = fact.argument;
    else delete entry.argument;
    if (fact.deprecated) entry.deprecated ??= line;
    const others = fact.group.filter((other) => other !== name);
    if (others.length) entry.sameAs = others;
  }
}
const relayControl = [];
for (const line of lines) {
  const facts = relayControlOf(releases[line]);
  const last = relayControl[relayControl.length - 1];
  if (last && JSON.stringify(last.facts) === JSON.stringify(facts)) continue;
  relayControl.push({ since: line, facts });
}
const newest = lines[lines.length - 1];
for (const entry of Object.values(restrictions)) {
  if (entry.lastSeen !== newest) entry.until = entry.lastSeen;
  delete entry.lastSeen;
}
const sorted = Object.fromEntries(
  Object.entries(restrictions).sort(([a], [b]) => a.localeCompare(b)),
);
const output = `${JSON.stringify(
  {
    "//": "Generated by scripts/generate-restrictions.mjs from the Postfix source; facts only. Do not edit.",
    source: provenance,
    restrictions: sorted,
    relayControl,
  },
  null,
  2,
)}\n`;
emit(OUTPUT, output);
