import { type TableReference, tableReferences } from "../../analysis/tableReferences";
import { defaultValue, type PostfixVersion } from "../../data/parameters";
import { NESTING_TYPES, proxyLooksIntoNested } from "../../data/tables";
import { bracedWords } from "../../parser/bracedWords";
import { excerpt } from "../../text/excerpt";
import type { RuleContext, ServiceView } from "../context";
import { fileText, newlineOf } from "../edits";
import type { Fix } from "../findings";
import { defineRule, perContext } from "../rule";
import { atReference, cacheParameters, isProxyAllowList, usedIn } from "./shared";

const READ_LIST = "proxy_read_maps";
const WRITE_LIST = "proxy_write_maps";

export default defineRule({
  meta: {
    id: "proxy-table-not-allowed",
    severity: "error",
    description:
      "A proxy: table is not listed in proxy_read_maps (or proxy_write_maps for the caches proxywrite updates), so proxymap refuses every lookup in it.",
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: 'proxymap opens only the tables its allow list names: the `proxy:` entries of proxy_read_maps (proxy_write_maps for the proxywrite service), after `$` expansion in proxymap\'s own view of main.cf, compared as exact strings with the table a client asks for. Any other request is refused with "request for unapproved table", and the lookup fails, which defers mail. The default list covers the tables of the usual parameters as main.cf sets them, but not a table that only a master.cf `-o` override names, nor the parameters a release leaves out of the list, such as restriction classes.',
    fires: [
      {
        note: "A table that only a master.cf override names.",
        main: "virtual_alias_maps = proxy:hash:/etc/postfix/virtual\n",
        master:
          "submission inet n - y - - smtpd\n  -o smtpd_sender_login_maps=proxy:mysql:/etc/postfix/senders.cf\n",
      },
      {
        note: "Restriction classes are not in the default list.",
        main: "smtpd_restriction_classes = strict\nstrict = check_sender_access proxy:hash:/etc/postfix/strict\nsmtpd_sender_restrictions = strict\n",
      },
      {
        note: "An explicit list that lacks the table.",
        main: "proxy_read_maps = proxy:hash:/etc/postfix/virtual\nvirtual_alias_maps = proxy:hash:/etc/postfix/virtual\ntransport_maps = proxy:hash:/etc/postfix/transport\n",
        fixed: {
          main: "proxy_read_maps = proxy:hash:/etc/postfix/virtual proxy:hash:/etc/postfix/transport\nvirtual_alias_maps = proxy:hash:/etc/postfix/virtual\ntransport_maps = proxy:hash:/etc/postfix/transport\n",
        },
      },
    ],
    silent: [
      {
        note: "The default list names $virtual_alias_maps and $smtpd_sender_login_maps.",
        main: "virtual_alias_maps = proxy:hash:/etc/postfix/virtual\nsmtpd_sender_login_maps = proxy:mysql:/etc/postfix/senders.cf\n",
      },
      {
        note: "Listed explicitly, with $ expansion on both sides.",
        main: "proxy_read_maps = $virtual_alias_maps proxy:hash:$config_directory/access\nsmtpd_client_restrictions = check_client_access proxy:hash:/etc/postfix/access\n",
      },
      {
        note: "An explicit list over several lines, with commas and $names.",
        main: "proxy_read_maps = proxy:mysql:/etc/postfix/access.cf,\n  $relay_domains,\n  $virtual_alias_maps\nrelay_domains = proxy:mysql:/etc/postfix/domains.cf\nsmtpd_recipient_restrictions = check_recipient_access proxy:mysql:/etc/postfix/access.cf\n",
      },
      {
        note: "The verification cache goes through proxywrite, whose default list names it.",
        main: "address_verify_map = proxy:btree:$data_directory/verify_cache\n",
      },
    ],
    fix: "Appends the table, with its `proxy:` prefix, to proxy_read_maps (proxy_write_maps for a cache) in main.cf. When main.cf does not set the list yet, the fix writes the release's default list followed by the table, so every table the default allowed stays allowed. Only offered for tables named in main.cf, and not when proxymap's own master.cf entry overrides the list.",
  },
  *check(context) {
    const writeParameters = cacheParameters(context.version);
    for (const reference of tableReferences(context)) {
      if (isProxyAllowList(reference)) continue;
      const request = proxiedRequest(reference);
      if (request === undefined) continue;
      const list = writeParameters.has(reference.parameter) ? WRITE_LIST : READ_LIST;
      if (allowedTables(context)[list].has(request)) continue;
      const fix = reference.file === "main" ? appendFix(context, list, request) : undefined;
      const finding = atReference(
        reference,
        `proxymap refuses "proxy:${excerpt(request)}" ${usedIn(reference)}: ${list} does not list it. Every lookup in it fails with "request for unapproved table", and the mail that needs it is deferred. Add proxy:${excerpt(request)} to ${list} in main.cf.`,
      );
      if (fix) finding.fix = fix;
      yield finding;
    }
  },
});

/**
 * The `type:name` the client asks proxymap for: what follows the last `proxy:`
 * of the reference; undefined when no `proxy:` wraps it.
 */
function proxiedRequest(reference: TableReference): string | undefined {
  const last = reference.wrappers.lastIndexOf("proxy");
  if (last < 0) return undefined;
  const inner = reference.wrappers.slice(last + 1);
  return [...inner, `${reference.type}:${reference.name}`].join(":");
}

/** The proxymap and proxywrite services of master.cf (undefined without master.cf or such entry). */
function proxyService(context: RuleContext, name: string): ServiceView | undefined {
  return context.services.find(
    (service) => service.name === name && service.command === "proxymap",
  );
}

/** The tables proxymap and proxywrite approve, as their start-up builds the lists. */
const allowedTables = perContext((context) => ({
  [READ_LIST]: approvedTables(
    context.valueOf(READ_LIST, proxyService(context, "proxymap")),
    context.version,
  ),
  [WRITE_LIST]: approvedTables(
    context.valueOf(WRITE_LIST, proxyService(context, "proxywrite")),
    context.version,
  ),
}));

/**
 * authorize_proxied_maps() in proxymap.c: the `proxy:` entries of a list with
 * every `proxy:` prefix removed; a `{ ... }` group counts by its first word, and
 * unionmap/pipemap members count in the releases that look into them.
 */
export function approvedTables(value: string, version: PostfixVersion, into = new Set<string>()) {
  const nested = proxyLooksIntoNested(version);
  for (let word of bracedWords(value)) {
    if (nested && word.startsWith("{")) {
      word = bracedWords(word.slice(1, word.endsWith("}") ? -1 : undefined))[0] ?? "";
    }
    const colon = word.indexOf(":");
    if (nested && colon > 0 && NESTING_TYPES.has(word.slice(0, colon))) {
      const members = word.slice(colon + 1);
      if (members.startsWith("{") && members.endsWith("}"))
        approvedTables(members.slice(1, -1), version, into);
      continue;
    }
    if (!word.startsWith("proxy:")) continue;
    while (word.startsWith("proxy:")) word = word.slice("proxy:".length);
    if (word.includes(":")) into.add(word);
  }
  return into;
}

/** Appends `proxy:request` to the list in main.cf, or adds the list: its default followed by the table. */
function appendFix(context: RuleContext, list: string, request: string): Fix | undefined {
  const proxymap = proxyService(context, list === READ_LIST ? "proxymap" : "proxywrite");
  if (proxymap?.settings.has(list)) return undefined;
  const entry = `proxy:${request}`;
  const title = `Add ${entry} to ${list}`;
  const setting = context.mainSettings.get(list);
  if (setting) {
    const separator = setting.value.text.length > 0 ? " " : "";
    return {
      title,
      edits: [{ start: setting.value.end, end: setting.value.end, newText: separator + entry }],
    };
  }
  const defaults = defaultValue(list, context.version);
  if (defaults === undefined) return undefined;
  const text = fileText(context, "main");
  const newline = newlineOf(text);
  const lead = text.length > 0 && !text.endsWith("\n") ? newline : "";
  const line = `${list} = ${defaults ? `${defaults} ` : ""}${entry}`;
  return {
    title,
    edits: [{ start: text.length, end: text.length, newText: `${lead}${line}${newline}` }],
  };
}
