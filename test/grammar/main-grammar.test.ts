import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectLinearTokenizing, formatTokens, tokenize } from "./tokenize";

const main = (text: string) => tokenize("main", text);
const hasComment = (scopes: string[]) => scopes.some((s) => s.startsWith("comment"));

const KEY = "variable.other.key.postfix";
const ASSIGN = "keyword.operator.assignment.postfix";
const VALUE = "meta.value.postfix";
const VAR = "variable.other.readwrite.postfix";
const VAR_PUNCT = "punctuation.definition.variable.postfix";
const COMMENT = "comment.line.number-sign.postfix";
const TABLE = "support.type.lookup-table.postfix";
const RESTRICTION = "support.function.restriction.postfix";
const BOOLEAN = "constant.language.boolean.postfix";
const NUMBER = "constant.numeric.postfix";
const CONDITIONAL = "keyword.operator.conditional.postfix";
const COMPARISON = "keyword.operator.comparison.postfix";

describe("main.cf grammar: lines, names and values", () => {
  it("scopes a comment line and its '#'", async () => {
    const t = await main("# a comment\n");
    expect(t.scopesAt("a comment")).toContain(COMMENT);
    expect(t.scopesAt("#")).toContain("punctuation.definition.comment.postfix");
  });

  it("scopes the parameter name, the '=' and the value", async () => {
    const t = await main("myhostname   =   host.example\n");
    expect(t.tokenAt("myhostname").text).toBe("myhostname");
    expect(t.scopesAt("myhostname")).toContain(KEY);
    expect(t.scopesAt("=")).toContain(ASSIGN);
    expect(t.scopesAt("host.example")).toContain(VALUE);
    expect(t.scopesAt("host.example")).not.toContain(KEY);
  });

  it("needs no whitespace around '=' and splits at the first '=' only", async () => {
    const t = await main("a=b=c\n");
    expect(t.tokenAt("a").text).toBe("a");
    expect(t.scopesAt("a")).toContain(KEY);
    expect(t.scopesAt("=", 0)).toContain(ASSIGN);
    expect(t.scopesAt("b")).toContain(VALUE);
    expect(t.scopesAt("=", 1)).not.toContain(ASSIGN);
    expect(t.scopesAt("=", 1)).toContain(VALUE);
  });

  it("does not treat '#' after other text as a comment", async () => {
    const t = await main("smtpd_tls_security_level = may # note\n");
    expect(hasComment(t.scopesAt("#"))).toBe(false);
    expect(hasComment(t.scopesAt("note"))).toBe(false);
    expect(t.scopesAt("note")).toContain(VALUE);
    expect(t.scopesAt("#")).toContain("invalid.illegal.comment-after-text.postfix");
    expect(t.scopesAt("may")).toContain("support.constant.tls-level.postfix");
  });

  it("flags '#' only where it starts a word", async () => {
    const t = await main("a = x#y, #z\n");
    expect(t.scopesAt("#y")).not.toContain("invalid.illegal.comment-after-text.postfix");
    expect(t.scopesAt("#z")).toContain("invalid.illegal.comment-after-text.postfix");
    expect(hasComment(t.scopesAt("#z"))).toBe(false);
  });

  it("keeps continuation lines in the value, across comment and blank lines", async () => {
    const t = await main(
      [
        "mynetworks = 127.0.0.0/8",
        "  # indented comment",
        "  10.0.0.0/8, $extra_networks",
        "#flush-left comment",
        "",
        "  192.168.0.0/16",
        "next_param = 1",
      ].join("\n"),
    );
    expect(t.scopesAt("indented comment")).toContain(COMMENT);
    expect(t.scopesAt("flush-left comment")).toContain(COMMENT);
    expect(t.scopesAt("10.0.0.0/8")).toContain(VALUE);
    expect(hasComment(t.scopesAt("10.0.0.0/8"))).toBe(false);
    expect(t.scopesAt("extra_networks")).toContain(VAR);
    expect(t.scopesAt("192.168.0.0/16")).toContain(VALUE);
    expect(t.scopesAt("next_param")).toContain(KEY);
    expect(t.scopesAt("next_param")).not.toContain(VALUE);
  });

  it("highlights keywords on continuation lines like the first line", async () => {
    const t = await main(
      "smtpd_relay_restrictions =\n    permit_mynetworks,\n\treject_unauth_destination\n",
    );
    expect(t.scopesAt("permit_mynetworks")).toContain(RESTRICTION);
    expect(t.scopesAt("reject_unauth_destination")).toContain(RESTRICTION);
  });

  it("accepts the '=' on a continuation line", async () => {
    const t = await main("relayhost\n  = [mail.example]:587\n");
    expect(t.scopesAt("relayhost")).toContain(KEY);
    expect(t.scopesAt("=")).toContain(ASSIGN);
    expect(t.scopesAt("[mail")).toContain(VALUE);
  });

  it("flags text between the name and '=', and a line without a name", async () => {
    const t = await main("a b = c\n= x\n");
    expect(t.scopesAt("b")).toContain("invalid.illegal.expected-assignment.postfix");
    expect(t.scopesAt("c")).toContain(VALUE);
    expect(t.scopesAt("= x")).toContain("invalid.illegal.missing-name.postfix");
  });

  it("treats an empty value as legal", async () => {
    const t = await main("relayhost =\nnext = 1\n");
    expect(t.scopesAt("=")).toContain(ASSIGN);
    expect(t.scopesAt("next")).toContain(KEY);
  });

  it("separates list items with commas", async () => {
    const t = await main("mydestination = $myhostname, localhost\n");
    expect(t.scopesAt(",")).toContain("punctuation.separator.list.postfix");
  });
});

describe("main.cf grammar: $ expansions", () => {
  it.each([
    ["$name", "myhostname = $mydomain\n"],
    ["${name}", "myhostname = ${mydomain}\n"],
    ["$(name)", "myhostname = $(mydomain)\n"],
  ])("scopes %s as a variable", async (_form, text) => {
    const t = await main(text);
    expect(t.tokenAt("mydomain").text).toBe("mydomain");
    expect(t.scopesAt("mydomain")).toContain(VAR);
    expect(t.scopesAt("$")).toContain(VAR_PUNCT);
  });

  it("scopes the closing brace of ${name}", async () => {
    const t = await main("x = ${a}/b\n");
    expect(t.scopesAt("}")).toContain("punctuation.definition.variable.end.postfix");
    expect(t.scopesAt("/b")).not.toContain(VAR);
  });

  it("scopes $$ as an escape, not a variable", async () => {
    const t = await main("x = a$$b\n");
    expect(t.tokenAt("$$").text).toBe("$$");
    expect(t.scopesAt("$$")).toContain("constant.character.escape.dollar.postfix");
    expect(t.scopesAt("b")).not.toContain(VAR);
  });

  it("scopes the ? and : operators of ${name?value} and ${name:value}", async () => {
    const t = await main("x = ${a?yes:no} ${b:fallback}\n");
    expect(t.scopesAt("a")).toContain(VAR);
    expect(t.scopesAt("?")).toContain(CONDITIONAL);
    // Without braces the rest is the value: the ':' in "yes:no" is plain text.
    expect(t.scopesAt(":no")).not.toContain(CONDITIONAL);
    expect(t.scopesAt("b:")).toContain(VAR);
    expect(t.scopesAt(":fallback")).toContain(CONDITIONAL);
    expect(t.scopesAt("fallback")).toContain("meta.expansion.postfix");
  });

  it("scopes braced operands and the if/else ':' of ${name?{v1}:{v2}}", async () => {
    const t = await main("x = ${a?{ one } : {two}}\n");
    expect(t.scopesAt("{")).toContain("punctuation.definition.variable.begin.postfix");
    expect(t.scopesAt("{", 1)).toContain("punctuation.section.braces.begin.postfix");
    expect(t.scopesAt("one")).toContain("meta.braces.postfix");
    expect(t.scopesAt(":")).toContain(CONDITIONAL);
    expect(t.scopesAt("}}")).toContain("punctuation.section.braces.end.postfix");
    expect(t.scopesAt("}", 2)).toContain("punctuation.definition.variable.end.postfix");
  });

  it("scopes relational operators, including the 'level' forms", async () => {
    const t = await main(
      "x = ${{$a} == {1} ? {t} : {f}} ${{3.10} <level {3.9}} ${{a}!={b}} ${{a}<={b}}\n",
    );
    expect(t.tokenAt("==").text).toBe("==");
    expect(t.scopesAt("==")).toContain(COMPARISON);
    expect(t.scopesAt("? {t}")).toContain(CONDITIONAL);
    expect(t.scopesAt(": {f}")).toContain(CONDITIONAL);
    expect(t.tokenAt("<level").text).toBe("<level");
    expect(t.scopesAt("<level")).toContain(COMPARISON);
    expect(t.scopesAt("!=")).toContain(COMPARISON);
    expect(t.scopesAt("<=")).toContain(COMPARISON);
    expect(t.scopesAt("$a")).toContain(VAR_PUNCT);
    expect(t.scopesAt("3.10")).toContain(NUMBER);
  });

  it("scopes a built-in function call", async () => {
    const t = await main("x = ${domain_to_ascii{$myhostname}}\n");
    expect(t.scopesAt("domain_to_ascii")).toContain("support.function.builtin.postfix");
    expect(t.scopesAt("myhostname")).toContain(VAR);
  });

  it("flags empty macro names", async () => {
    const t = await main("x = a $ b ${}\n");
    expect(t.scopesAt("$")).toContain("invalid.illegal.empty-macro-name.postfix");
    expect(t.scopesAt("${}")).toContain("invalid.illegal.empty-macro-name.postfix");
  });

  it("continues an expansion on continuation lines and closes it at the next logical line", async () => {
    const t = await main("x = ${a?{one\n  # comment\n  two}} tail\ny = ${b?{\nz = 1\n");
    expect(t.scopesAt("two")).toContain("meta.expansion.postfix");
    expect(t.scopesAt("comment")).toContain(COMMENT);
    expect(t.scopesAt("tail")).not.toContain("meta.expansion.postfix");
    expect(t.scopesAt("z")).toContain(KEY);
    expect(t.scopesAt("z")).not.toContain("meta.expansion.postfix");
    expect(t.scopesAt("1")).toContain(NUMBER);
  });
});

describe("main.cf grammar: robustness", () => {
  it("highlights indented text before the first logical line as a value", async () => {
    const t = await main("  stray $x\nname = 1\n");
    expect(t.scopesAt("x")).toContain(VAR);
    expect(t.scopesAt("name")).toContain(KEY);
  });

  it("limits nesting depth and never leaks nesting past the logical line", async () => {
    const t = await main("x = ${a?{${b?{${c?{${d?{{{{{deep}}}}}}}}}}}} {{{{{\ny = ${e}\n");
    expect(t.scopesAt("deep").length).toBeLessThan(12);
    expect(t.scopesAt("y")).toContain(KEY);
    expect(t.scopesAt("y")).not.toContain("meta.braces.postfix");
    expect(t.scopesAt("e}")).toContain(VAR);
  });
});

describe("main.cf grammar: constants", () => {
  it.each(["10", "10240000", "60s", "5m", "1h", "7d", "2w", "3.7"])(
    "scopes %s as a number",
    async (number) => {
      const t = await main(`x = ${number}\n`);
      expect(t.tokenAt(number).text).toBe(number.replace(/[smhdw]$/, ""));
      expect(t.scopesAt(number)).toContain(NUMBER);
    },
  );

  it("scopes the time unit inside the number", async () => {
    const t = await main("maximal_queue_lifetime = 5d\n");
    expect(t.scopesAt("d")).toEqual(expect.arrayContaining([NUMBER, "keyword.other.unit.postfix"]));
  });

  it("does not scope digits inside addresses, names or paths as numbers", async () => {
    const t = await main("x = 127.0.0.1 10.0.0.0/8 host1 /var/spool/2 [mail]:25\n");
    for (const needle of ["127", "0.1", "/8", "1 /", "2 [", "25"]) {
      expect(t.scopesAt(needle)).not.toContain(NUMBER);
    }
  });

  it.each(["yes", "no", "Yes", "NO"])("scopes %s as a boolean", async (word) => {
    const t = await main(`x = ${word}\n`);
    expect(t.scopesAt(word)).toContain(BOOLEAN);
  });

  it("does not scope yes/no inside longer words", async () => {
    const t = await main("x = yesterday nothing no_way\n");
    for (const needle of ["yesterday", "nothing", "no_way"]) {
      expect(t.scopesAt(needle)).not.toContain(BOOLEAN);
    }
  });
});

describe("main.cf grammar: lookup tables", () => {
  it.each([
    "hash:/etc/postfix/x",
    "lmdb:/etc/postfix/x",
    "cdb:/etc/postfix/x",
    "texthash:/etc/postfix/x",
    "regexp:/etc/postfix/x",
    "pcre:/etc/postfix/x",
    "ldap:/etc/postfix/ldap.cf",
    "mysql:/etc/postfix/mysql.cf",
    "pgsql:/etc/postfix/pgsql.cf",
    "sqlite:/etc/postfix/sqlite.cf",
    "unix:passwd.byname",
    "btree:${data_directory}/smtp_scache",
  ])("scopes the type of %s", async (table) => {
    const type = table.slice(0, table.indexOf(":"));
    const t = await main(`alias_maps = ${table}\n`);
    expect(t.tokenAt(type).text).toBe(type);
    expect(t.scopesAt(type)).toContain(TABLE);
    expect(t.scopesAt(":")).toContain("punctuation.separator.lookup-table.postfix");
  });

  it("scopes chained types such as proxy:hash:", async () => {
    const t = await main("x = proxy:hash:/etc/postfix/y, proxy:unix:passwd.byname\n");
    expect(t.scopesAt("proxy")).toContain(TABLE);
    expect(t.scopesAt("hash")).toContain(TABLE);
    expect(t.scopesAt("unix")).toContain(TABLE);
    expect(t.scopesAt("/etc")).not.toContain(TABLE);
  });

  it("scopes inline:{...} with its braces and '='", async () => {
    const t = await main("x = inline:{ {user@example = smtp:[relay]}, b=c }\n");
    expect(t.scopesAt("inline")).toContain(TABLE);
    expect(t.scopesAt("{")).toContain("punctuation.section.braces.begin.postfix");
    expect(t.scopesAt("user@example")).toContain("meta.braces.postfix");
    expect(t.scopesAt("= smtp")).toContain(ASSIGN);
    expect(t.scopesAt("=c")).toContain(ASSIGN);
    expect(t.scopesAt("smtp:")).not.toContain(TABLE);
  });

  it("does not scope words that are not table types, or types after another ':'", async () => {
    const t = await main("mailbox_transport = lmtp:unix:private/dovecot-lmtp hashes:x\n");
    expect(t.scopesAt("lmtp")).not.toContain(TABLE);
    expect(t.scopesAt("unix")).not.toContain(TABLE);
    expect(t.scopesAt("hashes")).not.toContain(TABLE);
  });
});

describe("main.cf grammar: restrictions and TLS keywords", () => {
  it.each([
    "permit_mynetworks",
    "permit_sasl_authenticated",
    "reject_unauth_destination",
    "reject_rbl_client",
    "check_client_access",
    "check_sender_mx_access",
    "check_policy_service",
    "defer_if_permit",
    "warn_if_reject",
    "permit",
    "reject",
  ])("scopes %s as a restriction", async (word) => {
    const t = await main(`smtpd_recipient_restrictions = ${word} hash:/x, sleep\n`);
    expect(t.tokenAt(word).text).toBe(word);
    expect(t.scopesAt(word)).toContain(RESTRICTION);
  });

  it("scopes every restriction name of every release (data/restrictions.generated.json)", async () => {
    const facts = JSON.parse(
      readFileSync(
        path.join(__dirname, "../../server/src/service/data/restrictions.generated.json"),
        "utf8",
      ),
    ) as { restrictions: Record<string, { argument?: string }> };
    const names = Object.keys(facts.restrictions);
    expect(names.length).toBeGreaterThan(50);
    const text = names
      .map((name) => {
        const argument = facts.restrictions[name].argument === "number" ? " 5" : "";
        return `smtpd_recipient_restrictions = ${name}${argument}, x`;
      })
      .join("\n");
    const t = await main(`${text}\n`);
    const unscoped = names.filter(
      (name, line) =>
        !t.tokens.some(
          (token) =>
            token.line === line && token.text === name && token.scopes.includes(RESTRICTION),
        ),
    );
    expect(unscoped).toEqual([]);
  });

  it("scopes sleep only before its number", async () => {
    const t = await main(
      "smtpd_client_restrictions = sleep 2, x\nmy_list = sleep\ndebugger_command = ddd & sleep 5\n",
    );
    expect(t.scopesAt("sleep", 0)).toContain(RESTRICTION);
    expect(t.scopesAt("sleep", 1)).not.toContain(RESTRICTION);
    expect(t.scopesAt("sleep", 2)).not.toContain(RESTRICTION);
  });

  it("does not scope restriction-like words inside paths or other words", async () => {
    const t = await main("x = hash:/etc/postfix/reject_list, my_permit_list, rejected\n");
    for (const needle of ["reject_list", "permit_list", "rejected"]) {
      expect(t.scopesAt(needle)).not.toContain(RESTRICTION);
    }
  });

  it.each(["none", "may", "encrypt", "dane", "dane-only", "fingerprint", "verify", "secure"])(
    "scopes the TLS level %s",
    async (level) => {
      const t = await main(`smtp_tls_security_level = ${level}\n`);
      expect(t.tokenAt(level).text).toBe(level);
      expect(t.scopesAt(level)).toContain("support.constant.tls-level.postfix");
    },
  );

  it.each(["export", "low", "medium", "high", "null"])("scopes the cipher grade %s", async (g) => {
    const t = await main(`smtpd_tls_mandatory_ciphers = ${g}\n`);
    expect(t.scopesAt(g)).toContain("support.constant.tls-grade.postfix");
  });

  it("scopes TLS protocols with '!', '>=' and '<='", async () => {
    const t = await main(
      "smtpd_tls_protocols = !SSLv2, !SSLv3:TLSv1 TLSv1.1 >=TLSv1.2 <=TLSv1.3\n",
    );
    for (const p of ["SSLv2", "SSLv3", "TLSv1 ", "TLSv1.1", "TLSv1.2", "TLSv1.3"]) {
      expect(t.scopesAt(p)).toContain("support.constant.tls-protocol.postfix");
    }
    expect(t.tokenAt("TLSv1.1").text).toBe("TLSv1.1");
    expect(t.scopesAt("!")).toContain("keyword.operator.logical.negation.postfix");
    expect(t.scopesAt(">=")).toContain(COMPARISON);
    expect(t.scopesAt("<=")).toContain(COMPARISON);
  });

  it("matches TLS keywords case-insensitively", async () => {
    const t = await main("smtpd_tls_security_level = Encrypt\n");
    expect(t.scopesAt("Encrypt")).toContain("support.constant.tls-level.postfix");
  });

  it("keeps TLS keywords to parameters whose name contains 'tls'", async () => {
    const t = await main("smtpd_banner = we may verify none\n");
    for (const word of ["may", "verify", "none"]) {
      expect(t.scopesAt(word)).not.toContain("support.constant.tls-level.postfix");
    }
  });
});

const fixtures = path.resolve(__dirname, "../fixtures/grammar");
describe("main.cf grammar: snapshots of real configurations", () => {
  it.each(["main.cf.dist", "main.cf.tls"])("tokenizes %s", async (name) => {
    const text = readFileSync(path.join(fixtures, name), "utf8");
    await expect(formatTokens(await main(text))).toMatchFileSnapshot(
      `__snapshots__/${name}.tokens.txt`,
    );
  });
});

describe("main.cf grammar: adversarial long lines tokenize in linear time", () => {
  const units = [
    "$",
    "{",
    "}",
    " ",
    "=",
    "${",
    "${a?{",
    "$a$$${b}{ ",
    "#= ${{a}=={b}?",
    "inline:{",
    "$(a?",
    "!TLSv1.",
    "reject_",
    ", ",
  ];
  it.each(units)("a 64k line made of %j", async (unit) => {
    // The run as a whole line, as a value, and as a continuation line.
    await expectLinearTokenizing("main", unit, (run) => [run]);
    await expectLinearTokenizing("main", unit, (run) => [`smtpd_tls_x = ${run}`]);
    await expectLinearTokenizing("main", unit, (run) => ["x = ${a?{", ` ${run}`, "y = 1"]);
  });
});
