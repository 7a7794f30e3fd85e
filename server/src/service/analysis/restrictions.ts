/**
 * smtpd restriction lists as smtpd reads them: split like mystrtokq() (commas and
 * blanks, `{}` groups kept whole), each name taking the argument its code
 * consumes (generic_checks() in smtpd_check.c). Pure: text in, items out.
 */

import type { PostfixVersion } from "../data/parameters";
import { type RequestData, type RestrictionFacts, restrictionFacts } from "../data/restrictions";
import { COMMA_SPACE, bracedWordSpans } from "../parser/bracedWords";

/** The SMTP stage at which smtpd evaluates a list. */
export type Stage = "client" | "helo" | "sender" | "recipient" | "data" | "etrn";

/** The restriction lists, each with the stage smtpd evaluates it at. */
export const RESTRICTION_LISTS: ReadonlyMap<string, Stage> = new Map([
  ["smtpd_client_restrictions", "client"],
  ["smtpd_helo_restrictions", "helo"],
  ["smtpd_sender_restrictions", "sender"],
  ["smtpd_relay_restrictions", "recipient"],
  ["smtpd_recipient_restrictions", "recipient"],
  ["smtpd_data_restrictions", "data"],
  ["smtpd_end_of_data_restrictions", "data"],
  ["smtpd_etrn_restrictions", "etrn"],
]);

/** A word of a list with its [start, end) offsets in the list's text. */
export interface ListWord {
  text: string;
  start: number;
  end: number;
}

export type RestrictionItem =
  | { kind: "restriction"; word: ListWord; facts: RestrictionFacts; argument?: ListWord }
  /** A restriction name that needs an argument and has none (smtpd answers 451). */
  | { kind: "missing-argument"; word: ListWord; facts: RestrictionFacts }
  /** A bare `type:table`, looked up as the list's default access check. */
  | { kind: "table"; word: ListWord }
  | { kind: "class"; word: ListWord }
  | { kind: "unknown"; word: ListWord };

/**
 * The items of a restriction list. `isClass` says whether a name is a restriction
 * class (smtpd_restriction_classes); smtpd looks classes up after its own names.
 */
export function parseRestrictionList(
  text: string,
  version: PostfixVersion,
  isClass: (name: string) => boolean,
): RestrictionItem[] {
  const words: ListWord[] = bracedWordSpans(text, COMMA_SPACE).map(([start, end]) => ({
    text: text.slice(start, end),
    start,
    end,
  }));
  const items: RestrictionItem[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const facts = restrictionFacts(word.text, version);
    if (facts) {
      const next = words[i + 1] as ListWord | undefined;
      if (!facts.argument) {
        items.push({ kind: "restriction", word, facts });
      } else if (next && takesArgument(facts, next.text)) {
        items.push({ kind: "restriction", word, facts, argument: next });
        i++;
      } else {
        items.push({ kind: "missing-argument", word, facts });
        // A check_*_access consumes the next word even when it is no table.
        if (next && facts.argument === "table") i++;
      }
    } else if (word.text.includes(":") || word.text.startsWith("{")) {
      items.push({ kind: "table", word });
    } else if (isClass(word.text)) {
      items.push({ kind: "class", word });
    } else {
      items.push({ kind: "unknown", word });
    }
  }
  return items;
}

/** Whether smtpd takes `next` as the argument of the restriction. */
function takesArgument(facts: RestrictionFacts, next: string): boolean {
  switch (facts.argument) {
    case "table":
    case "service":
      return next.includes(":");
    case "number":
      return /^[0-9]+$/.test(next);
    default:
      // A DNS list domain: whatever word follows.
      return true;
  }
}

/** The request data available when a list of this stage runs. */
export function dataAvailable(stage: Stage, delayReject: boolean): ReadonlySet<RequestData> {
  // With smtpd_delay_reject (the default), client, HELO and sender lists run at RCPT TO.
  const effective =
    delayReject && ["client", "helo", "sender"].includes(stage) ? "recipient" : stage;
  switch (effective) {
    case "client":
      return new Set(["client"]);
    case "helo":
      return new Set(["client", "helo"]);
    case "sender":
      return new Set(["client", "helo", "sender"]);
    case "etrn":
      return new Set(["client", "helo", "etrn"]);
    default:
      return new Set(["client", "helo", "sender", "recipient"]);
  }
}

/** Whether smtpd_delay_reject holds a value smtpd reads as "yes". */
export function isYes(value: string): boolean {
  return /^\s*yes\s*$/i.test(value);
}
