import { excerpt } from "../../text/excerpt";
import type { FixEdit } from "../findings";
import { defineRule } from "../rule";
import {
  type ProtocolList,
  allowedProtocols,
  enumerate,
  finding,
  completesBound,
  parseProtocolWords,
  protocolFailure,
  protocolLists,
  quoted,
  valueOffset,
  valueSpan,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-protocol-bound-spaced",
    severity: "error",
    description:
      "A '>=' or '<=' separated from its protocol name; the name after it becomes the only protocol allowed.",
    pitfalls: ["P07"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: 'Spaces and commas separate the words of a protocol list, so ">= TLSv1.2" is two words: a bound with no version, which sets no limit, and a plain "TLSv1.2", which allows that one version and nothing else. The list reads like a lower bound, yet newer versions such as TLS 1.3 end up off. When the word after the bound is not a protocol name, the whole list is invalid and TLS is not used at all.',
    fires: [
      {
        note: "TLS 1.3 is off, although the list reads like a lower bound.",
        main: "smtpd_tls_mandatory_protocols = >= TLSv1.2\n",
        fixed: { main: "smtpd_tls_mandatory_protocols = >=TLSv1.2\n" },
      },
      {
        note: "Joined across a continuation line.",
        main: "smtp_tls_protocols = <=\n    TLSv1.2\n",
        fixed: { main: "smtp_tls_protocols = <=TLSv1.2\n" },
      },
    ],
    silent: [{ main: "smtp_tls_protocols = >=TLSv1.2 <=TLSv1.3\n" }],
    fix: "Deletes the space, comma or line break between each lone bound and the protocol name or hex version after it, so that the bound takes that version. Nothing is offered when no version follows the bound. Joining makes the list a range; if you really meant only the one version, write it without the bound instead.",
  },
  *check(context) {
    for (const list of protocolLists(context)) {
      if (list.lone.length > 0) yield spacedBound(list, context.version);
    }
  },
});

function spacedBound({ p, list, lone }: ProtocolList, version: string) {
  const valid = list.every((word) => word.kind !== "invalid");
  const first = lone[0];
  const next = list[list.indexOf(first) + 1];
  let effect: string;
  if (!valid) effect = `; ${protocolFailure(p.name)}`;
  else {
    const allowed = allowedProtocols(list, version);
    // What the list would allow with each lone bound joined to the word after it.
    const joined = list
      .map((word, index) =>
        index > 0 && lone.includes(list[index - 1]) ? list[index - 1].text + word.text : word.text,
      )
      .filter((text) => text !== ">=" && text !== "<=");
    const intended = parseProtocolWords(joined.join(" "), version);
    const lost = intended.some((word) => word.kind === "invalid")
      ? []
      : allowedProtocols(intended, version)
          .filter((protocol) => protocol.tls && !allowed.includes(protocol))
          .map((protocol) => protocol.name);
    const includes = list.filter((word) => word.kind === "include").map((word) => word.text);
    effect =
      includes.length > 0
        ? `, and ${quoted(includes)} after it ${includes.length > 1 ? "become the only protocols" : "becomes the only protocol"} allowed` +
          (lost.length > 0 ? `, so ${enumerate(lost)} ${lost.length > 1 ? "are" : "is"} off` : "")
        : "";
  }
  const target = next
    ? `"${excerpt(first.text + next.text)}"`
    : `"${excerpt(first.text)}" directly followed by a protocol name`;
  const message = `"${excerpt(first.text)}" is separated from the protocol after it, so Postfix reads it as a bound without a version. That sets no limit${effect}. Write ${target} without a space.`;
  const edits: FixEdit[] = [];
  for (const word of lone) {
    const index = list.indexOf(word);
    const following = list[index + 1];
    if (!completesBound(following)) continue;
    edits.push({
      start: valueSpan(p, word.start, word.end).end,
      end: valueOffset(p, following.start),
      newText: "",
    });
  }
  const fix =
    edits.length > 0
      ? {
          title:
            lone.length === 1 && next
              ? `Join "${excerpt(first.text)}" and "${excerpt(next.text)}"`
              : "Join the bounds with their protocols",
          edits,
        }
      : undefined;
  return finding(
    p,
    valueSpan(p, first.start, next && edits.length > 0 ? next.end : first.end),
    message,
    fix,
  );
}
