/**
 * What a restriction does, for hover and completion: the one-line explanation
 * (our words, valueSets.ts), then the facts of the configured release: its
 * argument, the request data it looks at, and whether it can work in the list.
 */

import { RESTRICTION_LISTS, type Stage, dataAvailable } from "./analysis/restrictions";
import { type PostfixVersion } from "./data/parameters";
import {
  type RequestData,
  anyReleaseRestriction,
  restrictionFacts,
  restrictionReplacement,
} from "./data/restrictions";
import { POSTSCREEN_ACCESS_ITEMS, restrictionKeyword, valuesOfKind } from "./data/valueSets";

const ARGUMENTS = {
  table: "a lookup table `type:name`",
  domain: "a DNS list domain, optionally `=d.d.d.d` for the reply it must return",
  service: "a policy server, `inet:host:port` or `unix:path`",
  number: "a number of seconds",
};

const DATA_WORDS: Record<RequestData, string> = {
  client: "the client (its address, name or session)",
  helo: "the HELO/EHLO name",
  sender: "the MAIL FROM address",
  recipient: "the RCPT TO address",
  etrn: "the ETRN domain",
};

/** Whether a restriction can work in a list of this stage. */
export function worksInStage(needs: RequestData, stage: Stage, delayReject: boolean): boolean {
  return dataAvailable(stage, delayReject).has(needs);
}

/**
 * Markdown for a restriction name in `list` (a restriction list, or undefined for
 * a restriction class, whose stage is where it is used); undefined for other words.
 */
export function restrictionMarkdown(
  name: string,
  list: string | undefined,
  version: PostfixVersion,
): string | undefined {
  const facts = restrictionFacts(name, version);
  if (!facts) {
    const other = anyReleaseRestriction(name);
    if (!other) return undefined;
    const range = other.until ? `${other.since} to ${other.until}` : `${other.since} and later`;
    return `**${other.name}** is a restriction of Postfix ${range}; Postfix ${version} does not know it, and smtpd answers mail at this stage with a server configuration error (451).`;
  }
  const lines = [`**${facts.name}** (smtpd restriction)`];
  const detail = restrictionKeyword(facts.name)?.detail;
  if (detail) lines.push(detail);
  const notes: string[] = [];
  if (facts.argument) notes.push(`Takes ${ARGUMENTS[facts.argument]} as the next word.`);
  if (facts.needs !== "client") notes.push(`Looks at ${DATA_WORDS[facts.needs]}.`);
  const stage = list ? RESTRICTION_LISTS.get(list) : undefined;
  if (stage && !worksInStage(facts.needs, stage, true))
    notes.push(
      `In \`${list}\` it never has ${DATA_WORDS[facts.needs]} to look at, so it does nothing here.`,
    );
  else if (stage && !worksInStage(facts.needs, stage, false))
    notes.push(`In \`${list}\` it works only with \`smtpd_delay_reject = yes\` (the default).`);
  const replacement = restrictionReplacement(facts.name, version);
  if (replacement)
    notes.push(`Deprecated: use ${replacement.map((r) => `\`${r}\``).join(" or ")}.`);
  if (facts.since !== "2.0") notes.push(`Since Postfix ${facts.since}.`);
  if (notes.length > 0) lines.push(notes.join(" "));
  return lines.join("\n\n");
}

/**
 * Markdown for a word of postscreen_access_list (server_acl.c): one of its
 * keywords, a `type:table` whose result is itself such a list, or a word
 * postscreen does not know.
 */
export function postscreenAccessMarkdown(word: string, version: PostfixVersion): string {
  const item = POSTSCREEN_ACCESS_ITEMS.find((choice) => choice.value === word.toLowerCase());
  if (item) return `**${item.value}** (postscreen access list)\n\n${item.detail}`;
  const colon = word.indexOf(":");
  if (colon > 0) {
    const type = word.slice(0, colon + 1).toLowerCase();
    const table = valuesOfKind("lookup-table", version).find((choice) => choice.value === type);
    const what = table ? ` ${table.detail}` : "";
    return `**${type}** lookup table (postscreen access list).${what} postscreen looks up the client's IP address; the result is read as an access list of its own (permit, reject, dunno, permit_mynetworks), tables not allowed.`;
  }
  return `**${word}** is not an item of postscreen_access_list: postscreen logs a warning, ignores the rest of the list and puts the client through the usual tests. Use permit_mynetworks, permit, reject, dunno or a \`type:table\`.`;
}
