import { excerpt } from "../../text/excerpt";
import { bracedWords } from "../../parser/bracedWords";
import { defineRule } from "../rule";
import { evaluate, rawValue, valueSpan, wordSpan } from "../startup/shared";

/**
 * The pairs of address classes whose overlap trivial-rewrite warns about when it
 * resolves an address (resolve.c); mydestination with relay_domains is not one.
 */
const WARNED_PAIRS: [string, string][] = [
  ["mydestination", "virtual_alias_domains"],
  ["mydestination", "virtual_mailbox_domains"],
  ["virtual_alias_domains", "virtual_mailbox_domains"],
  ["virtual_alias_domains", "relay_domains"],
  ["virtual_mailbox_domains", "relay_domains"],
];

/** The literal domain names of a domain list (tables, files and patterns are left out). */
function literalDomains(value: string): string[] {
  return bracedWords(value)
    .filter((word) => !/[:/!${}]/.test(word) && word.includes("."))
    .map((word) => word.toLowerCase());
}

export default defineRule({
  meta: {
    id: "domain-in-several-classes",
    severity: "warning",
    description:
      "The same domain is listed in two address classes (mydestination, virtual_alias_domains, virtual_mailbox_domains, relay_domains).",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: "Each domain belongs to one address class, which decides how its mail is delivered: locally (mydestination), by alias only (virtual_alias_domains), to virtual mailboxes (virtual_mailbox_domains) or relayed (relay_domains). A domain in two classes gets the treatment of whichever class trivial-rewrite checks first, which the documentation leaves undefined, and trivial-rewrite logs a warning for each such address. Listing a domain in both mydestination and relay_domains is not reported: Postfix does not warn about it and delivers such mail locally. Only literal domain names are compared, not tables or files.",
    fires: [
      {
        main: "mydestination = localhost, example.com\nvirtual_mailbox_domains = example.com, example.net\n",
      },
    ],
    silent: [
      { main: "mydestination = localhost\nvirtual_mailbox_domains = example.com, example.net\n" },
      {
        note: "Not a pair trivial-rewrite warns about.",
        main: "mydestination = localhost, example.com\nrelay_domains = example.com\n",
      },
    ],
  },
  *check(context) {
    const domains = new Map<string, Set<string>>();
    for (const name of new Set(WARNED_PAIRS.flat())) {
      const raw = rawValue(context, name) ?? "";
      const evaluated = evaluate(context, raw);
      if (evaluated.error || evaluated.hostDependent) continue;
      domains.set(name, new Set(literalDomains(evaluated.value)));
    }
    for (const [first, second] of WARNED_PAIRS) {
      const shared = [...(domains.get(first) ?? [])].filter((domain) =>
        domains.get(second)?.has(domain),
      );
      if (shared.length === 0) continue;
      // Reported on the second class's setting, else the first's; a pair of defaults is not reported.
      const source = context.sourceOf(second) ?? context.sourceOf(first);
      if (!source || source.file !== "main") continue;
      const literal = !source.setting.value.text.includes("$");
      for (const domain of shared) {
        yield {
          file: "main",
          ...(literal ? wordSpan(source.setting, domain) : valueSpan(source.setting)),
          message: `${excerpt(domain)} is listed in both ${first} and ${second}; a domain belongs to one address class. trivial-rewrite logs a warning for each of its addresses, and which class wins is not defined. Remove it from the class that does not deliver its mail.`,
        };
      }
    }
  },
});
