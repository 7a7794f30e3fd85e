import { type TableReference, tableReferences } from "../../analysis/tableReferences";
import { COMMA_SPACE, bracedWordSpans } from "../../parser/bracedWords";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { atReference, quotedTable, usedIn } from "./shared";

export default defineRule({
  meta: {
    id: "table-inline-syntax",
    severity: "error",
    description:
      "An inline:{...}, unionmap:{...} or pipemap:{...} table is malformed: an entry without '=', an empty table, a member that is not type:name.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix parses these tables from the value itself when it opens them. `inline:` needs `{ key=value, ... }` with at least one entry, each with a key and an `=`; `unionmap:` and `pipemap:` need `{ type:name, ... }` with at least one member. When the text does not parse, the table is replaced by one whose every lookup fails, and the mail that needs it is deferred. (Unbalanced braces are value-brace's finding.)",
    fires: [
      {
        note: "An entry without '='.",
        main: "smtpd_milter_maps = inline:{ 192.0.2.1 }\n",
      },
      {
        note: "inline: without braces.",
        main: "transport_maps = inline:example.com=smtp:[relay.example.com]\n",
      },
      {
        note: "A member that is not a table.",
        main: "virtual_alias_maps = unionmap:{ hash:/etc/postfix/virtual, /etc/postfix/more }\n",
      },
      { note: "An empty table.", main: "transport_maps = inline:{ }\n" },
    ],
    silent: [
      {
        main: "transport_maps = inline:{ example.com=smtp:[relay.example.com], { example.net = relay:[192.0.2.1] } }\n",
      },
      {
        main: "virtual_alias_maps = unionmap:{ hash:/etc/postfix/virtual, regexp:/etc/postfix/virtual.re }\nsmtpd_recipient_restrictions = check_recipient_access static:{ REJECT no mail here }\n",
      },
      {
        note: "Unbalanced braces are value-brace's finding, not this rule's.",
        main: "transport_maps = inline:{ example.com=smtp:[relay.example.com]\n",
      },
    ],
  },
  *check(context) {
    for (const reference of tableReferences(context)) {
      const problem = problemOf(reference);
      if (problem === undefined) continue;
      yield atReference(
        reference,
        `The ${reference.type}: table ${quotedTable(reference)} ${usedIn(reference)} does not parse: ${problem}. Postfix replaces it with a table whose every lookup fails, and the mail that needs it is deferred. Write it as ${shapeOf(reference.type)}.`,
      );
    }
  },
});

function shapeOf(type: string): string {
  return type === "inline" ? "inline:{ key=value, ... }" : `${type}:{ type:name, ... }`;
}

/** dict_inline.c, dict_union.c, dict_pipe.c: what makes the open fail; undefined when it parses (or its braces are off). */
function problemOf(reference: TableReference): string | undefined {
  const { type, name } = reference;
  if (type !== "inline" && type !== "unionmap" && type !== "pipemap") return undefined;
  if (!name.startsWith("{")) return "the entries must be enclosed in { }";
  const close = matchingClose(name);
  if (close !== name.length - 1) return undefined; // value-brace reports it
  const inner = name.slice(1, -1);
  const entries = bracedWordSpans(inner, COMMA_SPACE).map(([start, end]) =>
    inner.slice(start, end),
  );
  if (entries.length === 0) return "it has no entries";
  for (const entry of entries) {
    const problem = type === "inline" ? inlineEntryProblem(entry) : memberProblem(entry);
    if (problem) return problem;
  }
  return undefined;
}

/** The index of the `}` that closes the `{` at 0, or -1. */
function matchingClose(text: string): number {
  let level = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "{") level++;
    else if (text[i] === "}" && --level === 0) return i;
  }
  return -1;
}

/** split_qnameval(): `key = value`, where a `{ }` entry may hold blanks and commas. */
function inlineEntryProblem(entry: string): string | undefined {
  let text = entry;
  if (text.startsWith("{")) {
    if (matchingClose(text) !== text.length - 1) return undefined; // value-brace reports it
    text = text.slice(1, -1).trim();
  }
  if (text.length === 0) return `the entry "${excerpt(entry)}" has no key`;
  let inQuotes = false;
  let keyEnd = 0;
  for (; keyEnd < text.length; keyEnd++) {
    const ch = text[keyEnd];
    if (ch === "\\") keyEnd++;
    else if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === "=" || /\s/.test(ch))) break;
  }
  if (inQuotes) return `the entry "${excerpt(entry)}" has an unbalanced '"'`;
  if (text.slice(keyEnd).trimStart()[0] !== "=")
    return `the entry "${excerpt(entry)}" has no '=' after its key`;
  return undefined;
}

function memberProblem(member: string): string | undefined {
  return member.includes(":")
    ? undefined
    : `the member "${excerpt(member)}" is not a type:name table`;
}
