import { describe, expect, it } from "vitest";
import {
  type CompletionItem,
  CompletionItemTag,
  type CompletionList,
  InsertTextFormat,
  type MarkupContent,
  type Range,
  type TextEdit,
} from "vscode-languageserver-types";
import {
  doComplete,
  prepareCompletion,
  resolveCompletion,
} from "../../server/src/service/completion";
import { releaseMemoUsage } from "../../server/src/service/data/parameters";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";

const CURSOR = "█";

/**
 * Completes at the `█` marker of `marked` (the marker is removed first) and
 * returns helpers to read the result.
 */
function complete(kind: ConfigKind, marked: string, version = "3.12") {
  const offset = marked.indexOf(CURSOR);
  if (offset < 0 || marked.indexOf(CURSOR, offset + 1) >= 0)
    throw new Error("mark exactly one cursor position with █");
  const text = marked.slice(0, offset) + marked.slice(offset + CURSOR.length);
  const index = new LineIndex(text);
  const list = doComplete(parseConfig(kind, text), index, index.positionAt(offset), { version });
  const items = list.items;
  const edit = (item: CompletionItem) => item.textEdit as TextEdit;
  return {
    items,
    labels: items.map((item) => item.label),
    /** The labels in the order the editor shows them (by sortText). */
    ranked: [...items]
      .sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1))
      .map((item) => item.label),
    item(label: string): CompletionItem {
      const found = items.find((candidate) => candidate.label === label);
      if (!found) throw new Error(`no completion item ${label}`);
      return found;
    },
    /** The text an item's edit replaces. */
    replaced(item: CompletionItem): string {
      const { range } = edit(item);
      return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
    },
    /** The document after accepting an item. */
    accept(item: CompletionItem): string {
      const { range, newText } = edit(item);
      return (
        text.slice(0, index.offsetAt(range.start)) + newText + text.slice(index.offsetAt(range.end))
      );
    },
  };
}

const docOf = (item: CompletionItem) => (item.documentation as MarkupContent | undefined)?.value;
const isDeprecated = (item: CompletionItem) => item.tags?.includes(CompletionItemTag.Deprecated);

describe("parameter names in main.cf", () => {
  it("offers every parameter known to the release at the start of a line", () => {
    const result = complete("main", "smtp_tls_sec█");
    expect(result.items.length).toBeGreaterThan(850);
    const item = result.item("smtp_tls_security_level");
    expect(result.replaced(item)).toBe("smtp_tls_sec");
    expect(result.accept(item)).toBe("smtp_tls_security_level = ");
    expect(item.command?.command).toBe("editor.action.triggerSuggest");
  });

  it("works on an empty line between settings, with an empty range at the cursor", () => {
    const result = complete("main", "myhostname = mx.example\n█\nrelayhost =\n");
    expect(result.replaced(result.item("mydomain"))).toBe("");
    expect(result.accept(result.item("mydomain"))).toBe(
      "myhostname = mx.example\nmydomain = \nrelayhost =\n",
    );
  });

  it("replaces the whole name and adds no '=' when the line already has one", () => {
    const result = complete("main", "smtp_tls_sec█urity_leve = may\n");
    const item = result.item("smtp_tls_security_level");
    expect(result.replaced(item)).toBe("smtp_tls_security_leve");
    expect(result.accept(item)).toBe("smtp_tls_security_level = may\n");
  });

  it("adds the missing '=' in front of a value that is already there", () => {
    const result = complete("main", "smtp_tls_sec█ may\n");
    expect(result.accept(result.item("smtp_tls_security_level"))).toBe(
      "smtp_tls_security_level = may\n",
    );
  });

  it("describes type, default and version, with a link or our TLS doc", () => {
    const result = complete("main", "█");
    const wrapper = result.item("smtpd_tls_wrappermode");
    expect(wrapper.detail).toBe("bool · default no · since 2.2");
    expect(docOf(wrapper)).toContain("port 465");
    expect(docOf(wrapper)).toContain(
      "https://www.postfix.org/postconf.5.html#smtpd_tls_wrappermode",
    );
    const delay = result.item("queue_run_delay");
    expect(delay.detail).toBe("time · default 300s");
    expect(docOf(delay)).toBe(
      "time · default 300s\n\n[postconf(5)](https://www.postfix.org/postconf.5.html#queue_run_delay)",
    );
    expect(result.item("smtp_tls_security_level").detail).toBe(
      "str · default may (compatibility_level ≥ 3.11) · since 2.3",
    );
    expect(complete("main", "█", "3.7").item("smtp_tls_security_level").detail).toBe(
      "str · default empty · since 2.3",
    );
  });

  it("reads a default chosen by compatibility_level as each release writes it", () => {
    // Before 3.6 the code writes a plain `<`, from 3.6 on `<level`.
    for (const version of ["3.5", "3.7"]) {
      expect(complete("main", "█", version).item("relay_domains").detail).toBe(
        "str · default empty (compatibility_level ≥ 2)",
      );
    }
    expect(complete("main", "append_dot_mydomain = █", "3.5").item("no").detail).toContain(
      "default at compatibility_level 1+",
    );
  });

  it("tags deprecated names and ranks them after current ones", () => {
    const result = complete("main", "smtp_█");
    const old = result.item("smtp_enforce_tls");
    expect(isDeprecated(old)).toBe(true);
    expect(old.detail).toContain("use smtp_tls_security_level");
    expect(isDeprecated(result.item("smtp_tls_security_level"))).toBeFalsy();
    const deprecatedFlags = result.ranked.map((label) => isDeprecated(result.item(label)) === true);
    const firstDeprecated = deprecatedFlags.indexOf(true);
    const lastCurrent = deprecatedFlags.lastIndexOf(false);
    expect(firstDeprecated).toBeGreaterThan(lastCurrent);
  });

  it("filters names by release", () => {
    expect(complete("main", "█", "3.5").labels).not.toContain("tlsproxy_client_security_level");
    expect(complete("main", "█", "3.7").labels).toContain("tlsproxy_client_security_level");
    expect(complete("main", "█", "2.10").labels).not.toContain("smtp_dns_support_level");
    expect(complete("main", "█", "3.7.11").labels).toContain("smtp_dns_support_level");
  });

  it("offers nothing inside a comment", () => {
    expect(complete("main", "# smtp_tls█\n").items).toEqual([]);
  });
});

describe("parameter names after -o in master.cf", () => {
  const entry = "submission inet n - n - - smtpd\n  -o ";

  it("inserts name= right after '-o '", () => {
    const result = complete("master", `${entry}█\n`);
    const item = result.item("smtpd_tls_security_level");
    expect(result.replaced(item)).toBe("");
    expect(result.accept(item)).toBe(`${entry}smtpd_tls_security_level=\n`);
  });

  it("replaces a partly typed name and ranks the program's own names first", () => {
    const result = complete("master", `${entry}smtpd_tls_sec█\n`);
    expect(result.replaced(result.item("smtpd_tls_security_level"))).toBe("smtpd_tls_sec");
    expect(result.ranked[0]).toMatch(/^smtpd_/);
  });

  it("keeps an existing '='", () => {
    const result = complete("master", `${entry}smtpd_tls_sec█=may\n`);
    expect(result.accept(result.item("smtpd_tls_security_level"))).toBe(
      `${entry}smtpd_tls_security_level=may\n`,
    );
  });
});

describe("TLS values", () => {
  it("offers all client levels for the SMTP/LMTP client and tlsproxy's client side", () => {
    const levels = [
      "none",
      "may",
      "encrypt",
      "dane",
      "dane-only",
      "fingerprint",
      "verify",
      "secure",
    ];
    expect(complete("main", "smtp_tls_security_level = █").labels).toEqual(levels);
    expect(complete("main", "lmtp_tls_security_level = █").labels).toEqual(levels);
    expect(complete("main", "tlsproxy_client_security_level = █").labels).toEqual(levels);
  });

  it("offers only none, may and encrypt on the server side", () => {
    for (const name of ["smtpd", "postscreen", "tlsproxy"]) {
      expect(complete("main", `${name}_tls_security_level = █`).labels).toEqual([
        "none",
        "may",
        "encrypt",
      ]);
    }
  });

  it("leaves out DANE levels before 2.11 and fingerprint before 2.5", () => {
    expect(complete("main", "smtp_tls_security_level = █", "2.10").labels).not.toContain("dane");
    expect(complete("main", "smtp_tls_security_level = █", "2.11").labels).toContain("dane-only");
    expect(complete("main", "smtp_tls_security_level = █", "2.4").labels).not.toContain(
      "fingerprint",
    );
  });

  it("replaces the word being typed and documents values from our docs", () => {
    const result = complete("main", "smtp_tls_security_level = da█ne\n");
    const dane = result.item("dane");
    expect(result.replaced(dane)).toBe("dane");
    expect(result.accept(dane)).toBe("smtp_tls_security_level = dane\n");
    expect(docOf(dane)).toContain("TLSA");
  });

  it("marks the release's default level", () => {
    const result = complete("main", "smtp_tls_security_level = █");
    expect(result.item("may").detail).toContain("default at compatibility_level 3.11+");
  });

  it("offers the five cipher grades, weak ones last", () => {
    const result = complete("main", "smtpd_tls_ciphers = █");
    expect([...result.labels].sort()).toEqual(["export", "high", "low", "medium", "null"]);
    expect(result.ranked.slice(0, 2)).toEqual(["medium", "high"]);
    expect(result.item("medium").detail).toContain("(default)");
    expect(result.item("export").detail).toContain("3.8");
    expect(complete("main", "smtpd_tls_ciphers = █", "3.7").item("low").detail).toContain(
      "do not use",
    );
  });

  it("offers no export or low grade for mandatory ciphers", () => {
    expect(complete("main", "smtp_tls_mandatory_ciphers = █").labels).toEqual([
      "medium",
      "high",
      "null",
    ]);
  });

  it("offers both protocol syntaxes from 3.6, only exclusions before", () => {
    const current = complete("main", "smtp_tls_mandatory_protocols = █").labels;
    expect(current).toEqual(
      expect.arrayContaining([">=TLSv1", ">=TLSv1.2", ">=TLSv1.3", "<=TLSv1.3", "!SSLv2, !SSLv3"]),
    );
    expect(current).toContain("!SSLv2, !SSLv3, !TLSv1, !TLSv1.1");
    const old = complete("main", "smtp_tls_protocols = █", "3.5");
    expect(old.labels).not.toContain(">=TLSv1.2");
    expect(old.labels).toContain("!SSLv2, !SSLv3");
    expect(old.item("!SSLv2, !SSLv3").detail).toContain("(default)");
    expect(complete("main", "smtp_tls_protocols = █", "2.9").labels).not.toContain("!TLSv1.1");
  });

  it("completes one protocol item after ':' and no whole lists as a later word", () => {
    const result = complete("main", "smtpd_tls_protocols = !SSLv2:!SS█\n");
    expect(result.replaced(result.item("!SSLv3"))).toBe("!SS");
    expect(result.labels).not.toContain("!SSLv2, !SSLv3");
    const later = complete("main", "smtpd_tls_protocols = !SSLv2, █");
    expect(later.labels).toContain("!SSLv3");
    expect(later.labels).not.toContain("!SSLv2, !SSLv3");
  });

  it("prefers sha256 and ranks md5 and sha1 last", () => {
    const result = complete("main", "smtp_tls_fingerprint_digest = █");
    expect(result.ranked).toEqual(["sha256", "sha512", "sha1", "md5"]);
    expect(complete("main", "smtp_tls_fingerprint_digest = █", "3.5").item("md5").detail).toContain(
      "(default)",
    );
  });
});

describe("other values", () => {
  it("offers yes and no for booleans and marks the default", () => {
    const result = complete("main", "smtpd_tls_wrappermode = █");
    expect(result.labels).toEqual(["yes", "no"]);
    expect(result.item("no").detail).toContain("(default)");
    expect(complete("main", "smtpd_use_tls = █").labels).toEqual(["yes", "no"]);
  });

  it("offers nothing for parameters without a value set", () => {
    expect(complete("main", "myhostname = █").items).toEqual([]);
    expect(complete("main", "my_own_setting = █").items).toEqual([]);
  });

  it("offers values for -o settings too", () => {
    const result = complete("master", "smtps inet n - n - - smtpd -o smtpd_tls_wrappermode=█\n");
    expect(result.labels).toEqual(["yes", "no"]);
    const braced = complete(
      "master",
      "smtps inet n - n - - smtpd -o { smtpd_tls_security_level = █ }\n",
    );
    expect(braced.labels).toEqual(["none", "may", "encrypt"]);
  });
});

describe("$name references", () => {
  it("offers every known name after '$' and replaces only the part after it", () => {
    const result = complete("main", "smtpd_banner = $█ ESMTP\n");
    expect(result.items.length).toBeGreaterThan(850);
    const item = result.item("myhostname");
    expect(result.replaced(item)).toBe("");
    expect(result.accept(item)).toBe("smtpd_banner = $myhostname ESMTP\n");
  });

  it("replaces a partly typed bare reference", () => {
    const result = complete("main", "smtpd_banner = $myho█ ESMTP\n");
    const item = result.item("myhostname");
    expect(result.replaced(item)).toBe("myho");
    expect(result.accept(item)).toBe("smtpd_banner = $myhostname ESMTP\n");
  });

  it("closes an open '${'", () => {
    const result = complete("main", "mydestination = ${my█\n");
    expect(result.accept(result.item("myhostname"))).toBe("mydestination = ${myhostname}\n");
    const closed = complete("main", "mydestination = ${my█}\n");
    expect(closed.accept(closed.item("myhostname"))).toBe("mydestination = ${myhostname}\n");
  });

  it("offers names defined in the file first, but not the setting itself", () => {
    const result = complete("main", "office_nets = 10.0.0.0/8\nmynetworks = $█\n");
    expect(result.ranked[0]).toBe("office_nets");
    expect(result.item("office_nets").detail).toContain("10.0.0.0/8");
    expect(result.labels).not.toContain("mynetworks");
  });

  it("works inside master.cf -o values and ignores '$$'", () => {
    const result = complete(
      "master",
      "submission inet n - n - - smtpd -o smtpd_client_restrictions=$mua_█\n",
    );
    expect(result.labels).toContain("mydomain");
    expect(complete("main", "x = a$$█\n").items).toEqual([]);
  });
});

describe("lookup tables", () => {
  it("offers table types for *_maps and replaces the typed prefix", () => {
    const result = complete("main", "alias_maps = ha█\n");
    const hash = result.item("hash:");
    expect(result.replaced(hash)).toBe("ha");
    expect(result.labels).toEqual(expect.arrayContaining(["lmdb:", "cdb:", "regexp:", "pcre:"]));
    expect(complete("main", "header_checks = █").labels).toContain("regexp:");
    expect(complete("main", "relay_domains = █").labels).toContain("hash:");
  });

  it("offers the inner type after proxy: and nothing inside a table name", () => {
    const result = complete("main", "virtual_alias_maps = proxy:█");
    expect(result.labels).toContain("mysql:");
    expect(result.labels).not.toContain("proxy:");
    expect(complete("main", "alias_maps = hash:/etc/al█").items).toEqual([]);
    expect(complete("main", "alias_maps = inline:{ █").items).toEqual([]);
  });

  it("replaces just the type in front of an existing table name", () => {
    const result = complete("main", "alias_maps = ha█sh:/etc/aliases\n");
    expect(result.accept(result.item("lmdb:"))).toBe("alias_maps = lmdb:/etc/aliases\n");
  });

  it("inserts inline:{ } as a snippet and follows the release", () => {
    const inline = complete("main", "transport_maps = █").item("inline:{ }");
    expect(inline.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect((inline.textEdit as TextEdit).newText).toBe("inline:{ $0 }");
    expect(complete("main", "transport_maps = █", "2.11").labels).not.toContain("inline:{ }");
    expect(complete("main", "transport_maps = █", "2.10").labels).not.toContain("lmdb:");
  });
});

describe("restriction lists", () => {
  it("offers restriction keywords, also after a trailing separator", () => {
    const result = complete("main", "smtpd_relay_restrictions = permit_mynetworks, █");
    expect(result.labels).toEqual(
      expect.arrayContaining([
        "permit_mynetworks",
        "permit_sasl_authenticated",
        "reject_unauth_destination",
        "defer_unauth_destination",
        "check_client_access",
        "reject_rbl_client",
        "permit",
        "reject",
      ]),
    );
    expect(result.replaced(result.item("reject"))).toBe("");
  });

  it("continues on an indented continuation line", () => {
    const result = complete(
      "main",
      "smtpd_recipient_restrictions =\n    permit_mynetworks,\n    # comment\n    █\n",
    );
    expect(result.labels).toContain("reject_unauth_destination");
  });

  it("tags old spellings and filters by release", () => {
    const result = complete("main", "smtpd_client_restrictions = █");
    expect(isDeprecated(result.item("reject_unknown_client"))).toBe(true);
    expect(result.ranked.at(-1)).toBe("check_relay_domains");
    expect(complete("main", "smtpd_client_restrictions = █", "2.9").labels).not.toContain(
      "defer_unauth_destination",
    );
  });

  it("adds a space after keywords with an argument and then offers table types", () => {
    const keyword = complete("main", "smtpd_sender_restrictions = check_sen█");
    expect(keyword.accept(keyword.item("check_sender_access"))).toBe(
      "smtpd_sender_restrictions = check_sender_access ",
    );
    const argument = complete("main", "smtpd_sender_restrictions = check_sender_access █");
    expect(argument.labels).toContain("hash:");
    expect(argument.labels).not.toContain("permit");
    expect(complete("main", "smtpd_client_restrictions = reject_rbl_client █").items).toEqual([]);
    expect(
      complete("main", "smtpd_recipient_restrictions = check_policy_service █").labels,
    ).toEqual(["unix:", "inet:"]);
  });

  it("knows restriction classes defined in the file", () => {
    const text = "smtpd_restriction_classes = strict\nstrict = reject_unknown_█\n";
    expect(complete("main", text).labels).toContain("reject_unknown_sender_domain");
    const use = complete(
      "main",
      "smtpd_restriction_classes = strict\nsmtpd_client_restrictions = █",
    );
    expect(use.labels).toContain("strict");
  });

  it("offers permit_mynetworks and tables for postscreen_access_list", () => {
    const labels = complete("main", "postscreen_access_list = █").labels;
    expect(labels[0]).toBe("permit_mynetworks");
    expect(labels).toContain("cidr:");
  });
});

describe("master.cf fields", () => {
  it("offers service types, unix-dgram from 3.4 on", () => {
    const result = complete("master", "postlog █");
    expect(result.labels).toEqual(["inet", "unix", "unix-dgram", "pass", "fifo"]);
    expect(complete("master", "postlog █", "3.3").labels).not.toContain("unix-dgram");
  });

  it("replaces the whole field word", () => {
    const result = complete("master", "smtp in█et n - n - - smtpd\n");
    expect(result.replaced(result.item("unix"))).toBe("inet");
  });

  it("explains y, n and - with the default, and only n for a private inet service", () => {
    const unix = complete("master", "relay unix █");
    expect(unix.labels).toEqual(["-", "y", "n"]);
    expect(unix.item("-").detail).toContain("default: y");
    expect(complete("master", "smtp inet █").labels).toEqual(["n"]);
    const chroot = complete("master", "relay unix - - █");
    expect(chroot.item("-").detail).toContain("default: n");
    expect(complete("master", "relay unix - - █", "2.11").item("-").detail).toContain("default: y");
  });

  it("offers wakeup times and process limits", () => {
    expect(complete("master", "pickup unix n - n █").labels).toEqual(
      expect.arrayContaining(["-", "60", "60?"]),
    );
    expect(complete("master", "qmgr unix n - n 300 █").labels).toEqual(["-", "0", "1", "100"]);
  });

  it("offers daemon commands that exist in the release", () => {
    const result = complete("master", "smtp inet n - n - 1 █");
    expect(result.labels).toEqual(
      expect.arrayContaining(["smtpd", "postscreen", "tlsproxy", "pipe", "lmtp", "postlogd"]),
    );
    const old = complete("master", "smtp inet n - n - 1 █", "2.7").labels;
    expect(old).not.toContain("postscreen");
    expect(old).not.toContain("postlogd");
  });
});

describe("robustness", () => {
  const samples: [ConfigKind, string][] = [
    [
      "main",
      "# main.cf\nmyhostname = mx.example\nsmtpd_banner = $myhostname ESMTP ${mail_name\n" +
        "smtpd_recipient_restrictions =\n  permit_mynetworks,\n  # note\n  check_client_access hash:/etc/x, reject\n" +
        "alias_maps = proxy:inline:{ {a=b}, c=d }\nbroken line\n  leading\nx=$$y ${a?{b}:{c}}\r\nsmtp_tls_protocols = >=TLSv1.2 😀\n",
    ],
    [
      "master",
      "smtp inet n - n - - smtpd\n  -o smtpd_tls_security_level=may\n  -o { smtpd_client_restrictions = permit, reject }\n" +
        "bad yes\nrelay unix - - n - - smtp -o smtp_helo_name=$myhostname -o\n  flags=R argv=/bin/x ${recipient}\n#x\n",
    ],
  ];

  it("never throws and keeps every edit on the cursor's line around the cursor", () => {
    for (const [kind, text] of samples) {
      const config = parseConfig(kind, text);
      const index = new LineIndex(text);
      const bad: string[] = [];
      for (const version of ["2.0", "3.5", "3.12", "9.9", "not a version"]) {
        for (let offset = 0; offset <= text.length; offset++) {
          const position = index.positionAt(offset);
          const list = doComplete(config, index, position, { version });
          for (const item of list.items) {
            const { range } = item.textEdit as TextEdit;
            const ok =
              range.start.line === position.line &&
              range.end.line === position.line &&
              range.start.character <= position.character &&
              range.end.character >= position.character;
            if (!ok) bad.push(`${kind} ${version} @${offset}: ${item.label}`);
          }
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });
});

describe("documentation resolved item by item", () => {
  it("leaves parameter detail and docs out of the list and adds the same on resolve", () => {
    const text = "smtp_tls_sec\n";
    const index = new LineIndex(text);
    const config = parseConfig("main", text);
    const position = { line: 0, character: 12 };
    const eager = doComplete(config, index, position, { version: "3.7" }).items;
    const lazy = doComplete(config, index, position, {
      version: "3.7",
      deferred: { documentation: true, detail: true },
    }).items;
    expect(lazy.map((item) => item.label)).toEqual(eager.map((item) => item.label));
    expect(lazy.every((item) => item.documentation === undefined)).toBe(true);
    expect(lazy.every((item) => item.detail === undefined)).toBe(true);
    const label = "smtp_tls_security_level";
    const original = eager.find((item) => item.label === label)!;
    const resolved = resolveCompletion(
      lazy.find((item) => item.label === label)!,
      "3.7",
    );
    expect(docOf(resolved)).toBe(docOf(original));
    expect(docOf(resolved)).toContain("postconf(5)");
    expect(resolved.detail).toBe(original.detail);
    expect(resolved.detail).toContain("default");
  });

  it("defers only what the client resolves", () => {
    const text = "smtp_tls_sec\n";
    const index = new LineIndex(text);
    const items = doComplete(parseConfig("main", text), index, index.positionAt(12), {
      version: "3.7",
      deferred: { documentation: true },
    }).items;
    expect(items.every((item) => item.documentation === undefined)).toBe(true);
    expect(items.every((item) => typeof item.detail === "string")).toBe(true);
  });

  it("returns an item with unknown or malformed data unchanged", () => {
    for (const data of [undefined, 42, { parameter: "smtpd_banner" }, "no_such_parameter"]) {
      const item: CompletionItem = { label: "x", data };
      expect(resolveCompletion(item, "3.7")).toEqual(item);
    }
  });
});

describe("preparing completion while idle", () => {
  it("makes a release's parameter list once, before any completion asks", () => {
    const before = releaseMemoUsage().entries;
    prepareCompletion("3.6");
    const prepared = releaseMemoUsage().entries;
    expect(prepared).toBeGreaterThan(before);
    // A patch release shares its line's list.
    prepareCompletion("3.6.4");
    expect(releaseMemoUsage().entries).toBe(prepared);
  });
});

describe("a default edit range for the list", () => {
  /** Every item's edit as (range, new text), whichever form the list uses. */
  const edits = (list: CompletionList) =>
    list.items.map((item) => {
      const edit = item.textEdit as TextEdit | undefined;
      const range = edit?.range ?? (list.itemDefaults?.editRange as Range);
      return [item.label, range, edit?.newText ?? item.textEditText ?? item.label];
    });

  it("moves the shared range to itemDefaults and keeps only the new text per item", () => {
    const text = "smtp_tls_sec\nsmtp_tls_security_level = ma\n";
    const index = new LineIndex(text);
    const config = parseConfig("main", text);
    for (const position of [
      { line: 0, character: 12 },
      { line: 1, character: 28 },
    ]) {
      const plain = doComplete(config, index, position, { version: "3.7" });
      const compact = doComplete(config, index, position, { version: "3.7", itemDefaults: true });
      expect(compact.itemDefaults?.editRange).toBeDefined();
      expect(compact.items.every((item) => item.textEdit === undefined)).toBe(true);
      expect(edits(compact)).toEqual(edits(plain));
    }
  });
});

describe("$name completion in a machine-made main.cf", () => {
  const many = Array.from({ length: 1200 }, (_, i) => `tenant${i}_relay = x`).join("\n");

  it("offers every user-defined name when there are few, as a complete list", () => {
    const result = complete("main", "a_1 = x\nb_2 = y\nsmtpd_banner = $█\n");
    expect(result.labels).toEqual(expect.arrayContaining(["a_1", "b_2", "myhostname"]));
  });

  it("narrows thousands of names by what is typed and asks the editor to come back", () => {
    const text = `${many}\nsmtpd_banner = $tenant11█\n`;
    const offset = text.indexOf("█");
    const plain = text.replace("█", "");
    const index = new LineIndex(plain);
    const list = doComplete(parseConfig("main", plain), index, index.positionAt(offset), {
      version: "3.7",
    });
    expect(list.isIncomplete).toBe(true);
    const tenants = list.items.filter((item) => item.label.startsWith("tenant"));
    expect(tenants.map((item) => item.label)).toContain("tenant11_relay");
    expect(tenants.map((item) => item.label)).toContain("tenant1100_relay");
    expect(tenants.map((item) => item.label)).not.toContain("tenant22_relay");
    expect(tenants.length).toBeLessThanOrEqual(500);
    // Built-in parameters are still all offered.
    expect(list.items.map((item) => item.label)).toContain("myhostname");
  });
});
