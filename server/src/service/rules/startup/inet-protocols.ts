import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { PROTOCOLS, evaluate, listWords, wordSpan } from "./shared";

export default defineRule({
  meta: {
    id: "inet-protocols",
    severity: "error",
    description: "inet_protocols names something other than all, ipv4 or ipv6; Postfix stops.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "master(8) and every daemon that uses the network read inet_protocols with a fixed list of names, in lower case. Any other word is a fatal error, so Postfix does not start. postconf checks the value only when mynetworks is not set; the daemons always do.",
    fires: [
      { note: "Names are case-sensitive.", main: "inet_protocols = ipv4, IPv6\n" },
      { main: "inet_protocols = ipv4 inet6\n" },
    ],
    silent: [{ main: "inet_protocols = ipv4, ipv6\n" }, { main: "inet_protocols = all\n" }],
  },
  *check(context) {
    const source = context.sourceOf("inet_protocols");
    if (!source) return;
    const evaluated = evaluate(context, source.setting.value.text);
    // The daemons read inet_protocols before they compute myhostname and mydomain.
    if (evaluated.error || evaluated.hostDependent) return;
    const bad = listWords(evaluated.value).find((word) => !PROTOCOLS.has(word));
    if (bad === undefined) return;
    yield {
      file: source.file,
      ...wordSpan(source.setting, bad),
      message: `"${excerpt(bad)}" is not a protocol name: inet_protocols takes all, ipv4 or ipv6 (lower case; ipv4 and ipv6 may be combined). Postfix stops ("unknown inet_protocols value").`,
    };
  },
});
