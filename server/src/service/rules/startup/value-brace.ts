import { bracedWords } from "../../parser/bracedWords";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { expandedSettings, valueSpan } from "./shared";

type BraceProblem = { kind: "missing-close" | "text-after-close"; group: string };

export default defineRule({
  meta: {
    id: "value-brace",
    severity: "warning",
    description:
      "A '{' without its '}', or text right after a '}', in a parameter value where Postfix groups list items with braces.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "In lists Postfix keeps an item that contains separators together with `{ }`. A group that is never closed swallows the rest of the value as one item; text right after a `}` is a syntax error. postconf warns about both, and the list then means something other than what it says.",
    fires: [
      {
        note: "The group is never closed.",
        main: "smtpd_recipient_restrictions = { permit_mynetworks, reject_unauth_destination\n",
      },
      {
        note: "A separator is missing after the '}'.",
        main: "smtpd_recipient_restrictions = {permit_mynetworks}reject_unauth_destination\n",
      },
    ],
    silent: [
      {
        main: "smtpd_recipient_restrictions = { permit_mynetworks }, reject_unauth_destination\n",
      },
    ],
  },
  *check(context) {
    for (const { scoped, evaluated } of expandedSettings(context)) {
      if (evaluated.error) continue;
      const problems: BraceProblem[] = [];
      scanBraces(evaluated.value, problems, 0);
      for (const { kind, group } of problems) {
        yield {
          file: scoped.file,
          ...valueSpan(scoped.setting),
          message:
            kind === "missing-close"
              ? `A '{' in this value has no matching '}': ${quote(group)}. In a list Postfix groups an item with { }, so everything after the '{' becomes one item (postconf warns: missing '}'). Close the group or remove the '{'.`
              : `Text follows the closing '}' in ${quote(group)}. In a list Postfix groups an item with { } and expects a separator after the '}' (postconf warns: syntax error after '}'). Put a space or comma after the '}'.`,
        };
      }
    }
  },
});

function quote(text: string): string {
  return `"${excerpt(text)}"`;
}

/**
 * Brace groups in the expanded value, checked the way postconf checks them while
 * it looks for legacy database names (pcf_register_dbms_helper): the value is
 * split on commas and whitespace, keeping `{...}` together; a word that starts
 * with `{`, or a `type:{...}` table, must be one balanced group.
 */
function scanBraces(text: string, problems: BraceProblem[], depth: number): void {
  if (depth > 50) return;
  for (const word of bracedWords(text)) {
    if (word.startsWith("{")) {
      scanBraces(extractGroup(word, problems), problems, depth + 1);
      continue;
    }
    let parts = word.split(":");
    while (parts.length > 1 && parts[0] === "proxy") parts = parts.slice(1);
    if (parts.length < 2) continue;
    const prefix = parts.slice(1).join(":");
    if (prefix.startsWith("{")) scanBraces(extractGroup(prefix, problems), problems, depth + 1);
  }
}

/** extpar(): the text inside a group that starts at 0, noting what is wrong with it. */
function extractGroup(word: string, problems: BraceProblem[]): string {
  let level = 0;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === "{") level++;
    else if (word[i] === "}" && --level === 0) {
      if (i + 1 < word.length) problems.push({ kind: "text-after-close", group: word });
      return word.slice(1, i);
    }
  }
  problems.push({ kind: "missing-close", group: word });
  return word.slice(1);
}
