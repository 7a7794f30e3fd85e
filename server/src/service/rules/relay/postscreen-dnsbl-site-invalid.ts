import { COMMA_SPACE, bracedWordSpans } from "../../parser/bracedWords";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { evaluate, wordSpan } from "../startup/shared";

/**
 * What is wrong with a postscreen_dnsbl_sites entry `domain[=filter][*weight]`,
 * checked in postscreen's order (psc_dnsbl_add_site() in postscreen_dnsbl.c):
 * the weight after the first `*`, the reply filter after the first `=`
 * (ip_match.c), then the domain (valid_hostname.c). Undefined when it is valid.
 */
export function dnsblSiteProblem(site: string): string | undefined {
  let rest = site;
  const star = rest.indexOf("*");
  if (star >= 0) {
    // sscanf("%d%c") must find a number and nothing after it.
    if (!/^\s*[+-]?[0-9]+$/.test(rest.slice(star + 1)))
      return `the weight "${excerpt(rest.slice(star + 1))}" after "*" is not a whole number`;
    rest = rest.slice(0, star);
  }
  const equals = rest.indexOf("=");
  if (equals >= 0) {
    const filter = replyFilterProblem(rest.slice(equals + 1));
    if (filter) return `the reply filter after "=" ${filter}`;
    rest = rest.slice(0, equals);
  }
  const domain = hostnameProblem(rest);
  return domain && `the DNS list domain "${excerpt(rest)}" ${domain}`;
}

/** ip_match_parse(): four `.`-separated fields, each 0–255 or `[n;n..m]`; the whole may be in []. */
function replyFilterProblem(pattern: string): string | undefined {
  let text = pattern;
  if (text.startsWith("[")) {
    let level = 0;
    let end = -1;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "[") level++;
      else if (text[i] === "]" && --level === 0) {
        end = i;
        break;
      }
    }
    if (end < 0) return 'misses a "]"';
    if (end === text.length - 1) text = text.slice(1, -1);
  }
  if (text === "") return "is empty";
  const octet = "(?:[0-9]+)";
  const member = `${octet}(?:\\.\\.${octet})?`;
  const field = `(?:${octet}|\\[${member}(?:;${member})*\\])`;
  if (!new RegExp(`^${field}(?:\\.${field}){3}$`).test(text))
    return "is not an address pattern of four fields such as 127.0.0.2 or 127.0.0.[2..11]";
  for (const number of text.match(/[0-9]+/g) ?? [])
    if (Number(number) > 255) return `has the number ${excerpt(number)}, over 255`;
  for (const [, low, high] of text.matchAll(/([0-9]+)\.\.([0-9]+)/g))
    if (Number(low) > Number(high))
      return `has the range ${excerpt(`${low}..${high}`)}, which runs backwards`;
  return undefined;
}

/** valid_hostname(): letters, digits, `_` and inner `-`, labels of 1–63, 255 in all, not all digits. */
function hostnameProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.length > 255) return "is longer than 255 characters";
  const labels = name.split(".");
  if (labels.some((label) => label === "")) return "has an empty label (a misplaced dot)";
  for (const label of labels) {
    if (/[^A-Za-z0-9_-]/.test(label)) return "has a character other than letters, digits, - and _";
    if (label.length > 63) return "has a label longer than 63 characters";
    if (label.startsWith("-") || label.endsWith("-"))
      return "has a label that starts or ends with -";
  }
  if (/^[0-9.]+$/.test(name)) return "is all digits";
  return undefined;
}

export default defineRule({
  meta: {
    id: "postscreen-dnsbl-site-invalid",
    severity: "error",
    description:
      "A postscreen_dnsbl_sites entry is not domain[=filter][*weight]; postscreen stops at start-up.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "postscreen reads each postscreen_dnsbl_sites entry as a DNS list domain, an optional reply filter after `=` (four address fields, each a number or a `[...]` list of numbers and ranges, e.g. `127.0.0.[2..11]`) and an optional whole-number weight after `*` (negative for an allow list). An entry it cannot read stops postscreen with a fatal error, so nothing answers on the port postscreen serves. Checked when master.cf runs postscreen, or is not known. postconf does not check these entries.",
    fires: [
      {
        note: "A weight that is not a number.",
        main: "postscreen_dnsbl_sites = zen.spamhaus.org*x\n",
      },
      {
        note: "A filter with a comma where postscreen wants a semicolon.",
        main: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2,3]*3\n",
      },
    ],
    silent: [
      {
        main: "postscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, list.dnswl.org=127.0.[0..255].[1;2;3]*-2, bl.spamcop.net\n",
      },
      {
        note: "No postscreen in master.cf: the setting is not read.",
        main: "postscreen_dnsbl_sites = zen.spamhaus.org*x\n",
        master: "smtp inet n - y - - smtpd\n",
      },
    ],
  },
  *check(context) {
    if (context.master && !context.services.some((service) => service.command === "postscreen"))
      return;
    for (const placed of context.settingsNamed(["postscreen_dnsbl_sites"])) {
      const evaluated = evaluate(context, placed.setting.value.text, placed.service);
      if (evaluated.error || evaluated.hostDependent) continue;
      const value = evaluated.value;
      for (const [start, end] of bracedWordSpans(value, COMMA_SPACE)) {
        const site = value.slice(start, end);
        const problem = dnsblSiteProblem(site);
        if (!problem) continue;
        yield {
          file: placed.file,
          ...wordSpan(placed.setting, site),
          message: `postscreen cannot read the postscreen_dnsbl_sites entry "${excerpt(site)}": ${problem}. postscreen stops with a fatal error at start-up, so nothing answers on the port it serves. Write the entry as domain, domain=filter or domain*weight, e.g. zen.spamhaus.org=127.0.0.[2..11]*3.`,
        };
      }
    }
  },
});
