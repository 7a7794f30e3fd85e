import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  COMMA_SPACE_COLON,
  type Placed,
  type Word,
  compact,
  finding,
  listJoiner,
  literalSettings,
  quoted,
  replaceValue,
  valueSpan,
  words,
} from "./shared";

const EXCLUDE_PARAMETER =
  /^(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_(?:mandatory_)?exclude_ciphers$/;

export default defineRule({
  meta: {
    id: "tls-exclude-cipher-prefix",
    severity: "error",
    description:
      "A cipher exclusion item starting with '!', '+', '-' or '@'; every TLS handshake that uses the list fails.",
    pitfalls: ["P09"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: 'An exclusion list names the ciphers or cipher properties to drop, each as a plain word; Postfix adds the "!" itself when it builds the OpenSSL cipher string. Items written the OpenSSL way, with "!", "+", "-" or "@" in front, are refused when a TLS session starts, so every handshake that uses the list fails and mail that needs TLS does not get through.',
    fires: [
      {
        main: "smtpd_tls_exclude_ciphers = !RC4, aNULL, -MD5\n",
        fixed: { main: "smtpd_tls_exclude_ciphers = RC4, aNULL, MD5\n" },
      },
      {
        note: "An @ item names no cipher: the fix drops it.",
        main: "smtp_tls_mandatory_exclude_ciphers = aNULL:@STRENGTH\n",
        fixed: { main: "smtp_tls_mandatory_exclude_ciphers = aNULL\n" },
      },
    ],
    silent: [
      {
        note: "A '+' inside a word combines properties and is fine.",
        main: "smtpd_tls_exclude_ciphers = aNULL, MD5, kEDH+aRSA\n",
      },
    ],
    fix: 'Removes the "!", "+" and "-" in front of each item, which keeps the exclusions the list was written for. Items that start with "@" (sorting instructions such as @STRENGTH) and items that are nothing but prefixes are deleted, because they exclude nothing. The result excludes exactly the named ciphers; if the list was copied from an OpenSSL cipher string, "+" or "-" items may have meant something else, so read it afterwards.',
  },
  *check(context) {
    for (const p of literalSettings(context, EXCLUDE_PARAMETER)) {
      const items = words(p.value, COMMA_SPACE_COLON);
      const bad = items.filter((item) => "!+-@".includes(item.text[0]));
      if (bad.length === 0) continue;
      const span = bad.length === 1 ? valueSpan(p, bad[0].start, bad[0].end) : p.setting.value;
      const message =
        `${quoted(bad.map((item) => item.text))} ${bad.length > 1 ? "start" : "starts"} with "!", "+", "-" or "@". ` +
        `${p.name} lists the ciphers or properties to leave out, each as a plain name; it is not an OpenSSL cipher string. ` +
        `With this value every TLS handshake that uses the list fails ("invalid unary '!+-@' in cipher exclusion").`;
      yield finding(p, span, message, exclusionFix(p, items, bad));
    }
  },
});

function exclusionFix(p: Placed, items: Word[], bad: Word[]): Fix {
  const stripped = (item: Word) => item.text.replace(/^[!+\-@]+/, "");
  const dropped = (item: Word) => /^[!+-]*@/.test(item.text) || stripped(item) === "";
  if (!bad.some(dropped)) {
    return {
      title: 'Remove the "!", "+", "-" prefixes',
      edits: bad.map((item) => ({
        ...valueSpan(p, item.start, item.end),
        newText: stripped(item),
      })),
    };
  }
  const kept = items
    .filter((item) => !dropped(item))
    .map((item) => (bad.includes(item) ? stripped(item) : item.text));
  const joiner = p.value.includes(",") || compact(p) ? listJoiner(p) : " ";
  return replaceValue(p, kept.join(joiner), 'Remove the "!+-@" prefixes and the "@" items');
}
