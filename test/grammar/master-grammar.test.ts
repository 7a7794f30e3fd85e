import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectLinearTokenizing, formatTokens, tokenize } from "./tokenize";

const master = (text: string) => tokenize("master", text);
const hasComment = (scopes: string[]) => scopes.some((s) => s.startsWith("comment"));

const SERVICE = "entity.name.function.service.postfix";
const TYPE = "storage.type.service-type.postfix";
const FLAG = "constant.language.flag.postfix";
const DEFAULT = "constant.language.default.postfix";
const COMMAND = "support.function.command.postfix";
const OPTION = "keyword.operator.option.postfix";
const KEY = "variable.other.key.postfix";
const ASSIGN = "keyword.operator.assignment.postfix";
const VALUE = "meta.value.postfix";
const VAR = "variable.other.readwrite.postfix";
const COMMENT = "comment.line.number-sign.postfix";
const ATTRIBUTE = "variable.parameter.attribute.postfix";
const RESTRICTION = "support.function.restriction.postfix";
const MISSING_ASSIGNMENT = "invalid.illegal.missing-assignment.postfix";

const SMTPD = "smtp      inet  n       -       y       -       -       smtpd";

describe("master.cf grammar: the eight fields", () => {
  it("scopes every field of a service entry", async () => {
    const t = await master("pickup    unix  n       -       y       60      1       pickup\n");
    expect(t.tokenAt("pickup").text).toBe("pickup");
    expect(t.scopesAt("pickup")).toContain(SERVICE);
    expect(t.scopesAt("unix")).toContain(TYPE);
    expect(t.scopesAt("n ")).toContain(FLAG);
    expect(t.scopesAt("-")).toContain(DEFAULT);
    expect(t.scopesAt("y ")).toContain(FLAG);
    expect(t.scopesAt("60")).toContain("constant.numeric.wakeup.postfix");
    expect(t.scopesAt("1 ")).toContain("constant.numeric.process-limit.postfix");
    expect(t.scopesAt("pickup", 1)).toContain(COMMAND);
  });

  it("scopes a comment line", async () => {
    const t = await master("# service type  private unpriv  chroot\n");
    expect(t.scopesAt("service")).toContain(COMMENT);
  });

  it.each(["inet", "unix", "unix-dgram", "fifo", "pass"])("accepts the type %s", async (type) => {
    const t = await master(`svc ${type} - - n - 1 cmd\n`);
    expect(t.tokenAt(type).text).toBe(type);
    expect(t.scopesAt(type)).toContain(TYPE);
  });

  it("scopes the '?' of a wakeup time such as 1000?", async () => {
    const t = await master("tlsmgr    unix  -       -       y       1000?   1       tlsmgr\n");
    expect(t.scopesAt("1000")).toContain("constant.numeric.wakeup.postfix");
    expect(t.scopesAt("?")).toContain("keyword.operator.wakeup-if-used.postfix");
  });

  it("flags invalid type, flag, wakeup and process-limit fields", async () => {
    const t = await master("bad tcp yes N y 60?? -1 cmd\nbad2 unix - - - 10x x cmd\n");
    expect(t.scopesAt("tcp")).toContain("invalid.illegal.service-type.postfix");
    expect(t.scopesAt("yes")).toContain("invalid.illegal.flag.postfix");
    expect(t.scopesAt("N")).toContain("invalid.illegal.flag.postfix");
    expect(t.scopesAt("60??")).toContain("invalid.illegal.wakeup.postfix");
    expect(t.scopesAt("-1")).toContain("invalid.illegal.process-limit.postfix");
    expect(t.scopesAt("10x")).toContain("invalid.illegal.wakeup.postfix");
    expect(t.scopesAt("x cmd")).toContain("invalid.illegal.process-limit.postfix");
  });

  it("scopes the host and port parts of inet service names", async () => {
    const t = await master(
      "127.0.0.1:10025 inet n - n - - smtpd\n[::1]:25 inet n - n - - smtpd\nlocalhost:submission inet n - n - - smtpd\n",
    );
    expect(t.scopesAt("127.0.0.1")).toEqual(
      expect.arrayContaining([SERVICE, "meta.service.host.postfix"]),
    );
    expect(t.scopesAt(":10025")).toContain("punctuation.separator.host-port.postfix");
    expect(t.scopesAt("10025")).toEqual(
      expect.arrayContaining([SERVICE, "constant.numeric.port.postfix"]),
    );
    expect(t.scopesAt("[")).toContain("punctuation.definition.host.begin.postfix");
    expect(t.scopesAt("::1")).toContain("meta.service.host.postfix");
    expect(t.scopesAt("]")).toContain("punctuation.definition.host.end.postfix");
    expect(t.scopesAt("25")).toContain("constant.numeric.port.postfix");
    expect(t.scopesAt("localhost")).toContain("meta.service.host.postfix");
    expect(t.scopesAt("submission")).toEqual(
      expect.arrayContaining([SERVICE, "meta.service.port.postfix"]),
    );
  });
});

describe("master.cf grammar: -o options", () => {
  it("scopes -o name=value and reuses the main.cf value patterns", async () => {
    const t = await master(
      `${SMTPD}\n  -o syslog_name=postfix/$service_name\n  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n`,
    );
    expect(t.scopesAt("-o")).toContain(OPTION);
    expect(t.scopesAt("syslog_name")).toContain(KEY);
    expect(t.scopesAt("=")).toContain(ASSIGN);
    expect(t.scopesAt("postfix/")).toContain(VALUE);
    expect(t.scopesAt("service_name")).toEqual(expect.arrayContaining([VALUE, VAR]));
    expect(t.scopesAt("permit_sasl_authenticated")).toContain(RESTRICTION);
    expect(t.scopesAt("reject")).toContain(RESTRICTION);
  });

  it("accepts -oname=value without a space", async () => {
    const t = await master(`${SMTPD} -osmtpd_sasl_auth_enable=yes\n`);
    expect(t.scopesAt("-o")).toContain(OPTION);
    expect(t.tokenAt("smtpd_sasl_auth_enable").text).toBe("smtpd_sasl_auth_enable");
    expect(t.scopesAt("smtpd_sasl_auth_enable")).toContain(KEY);
    expect(t.scopesAt("yes")).toContain("constant.language.boolean.postfix");
  });

  it("scopes the long form -o { name = value with spaces }", async () => {
    const t = await master(
      `${SMTPD}\n  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n`,
    );
    expect(t.scopesAt("{")).toContain("punctuation.section.braces.begin.postfix");
    expect(t.scopesAt("smtpd_client_restrictions")).toContain(KEY);
    expect(t.scopesAt("=")).toContain(ASSIGN);
    expect(t.scopesAt("permit_sasl_authenticated")).toEqual(
      expect.arrayContaining([VALUE, RESTRICTION]),
    );
    expect(t.scopesAt(", reject")).toContain(VALUE);
    expect(t.scopesAt("}")).toContain("punctuation.section.braces.end.postfix");
    expect(t.scopesAt("}")).not.toContain(VALUE);
  });

  it("keeps braces inside a long-form value balanced", async () => {
    const t = await master(`${SMTPD} -o { x = \${a?{b}} tail } after\n`);
    expect(t.scopesAt("tail")).toContain(VALUE);
    expect(t.scopesAt("after")).not.toContain(VALUE);
    expect(t.scopesAt("after")).not.toContain("meta.option.postfix");
  });

  it("keeps a braced short-form value as one argument", async () => {
    const t = await master(`${SMTPD} -o smtpd_client_restrictions={permit_mynetworks, reject} x\n`);
    expect(t.scopesAt("reject")).toEqual(expect.arrayContaining([VALUE, RESTRICTION]));
    expect(t.scopesAt(" x")).not.toContain(VALUE);
  });

  it("ends a short-form value at whitespace", async () => {
    const t = await master(`${SMTPD} -o a=b c\n`);
    expect(t.scopesAt("b")).toContain(VALUE);
    expect(t.scopesAt("c")).not.toContain(VALUE);
  });

  it("flags -o name = value (whitespace around '=') and -o { name }", async () => {
    const t = await master(`${SMTPD}\n  -o smtpd_tls_wrappermode = yes\n  -o { smtpd_foo }\n`);
    expect(t.scopesAt("smtpd_tls_wrappermode")).toContain(MISSING_ASSIGNMENT);
    expect(t.scopesAt("= yes")).not.toContain(ASSIGN);
    expect(t.scopesAt("smtpd_foo")).toContain(MISSING_ASSIGNMENT);
  });

  it("highlights TLS keywords only for TLS parameters", async () => {
    const t = await master(
      `${SMTPD} -o smtpd_tls_security_level=encrypt -o { smtp_tls_mandatory_protocols = >=TLSv1.2 } -o syslog_name=may\n`,
    );
    expect(t.scopesAt("encrypt")).toContain("support.constant.tls-level.postfix");
    expect(t.scopesAt("TLSv1.2")).toContain("support.constant.tls-protocol.postfix");
    expect(t.scopesAt("may")).not.toContain("support.constant.tls-level.postfix");
  });

  it("scopes an -o whose value is on the next line", async () => {
    const t = await master(`${SMTPD} -o\n  smtpd_sasl_auth_enable=yes\n`);
    expect(t.scopesAt("-o")).toContain(OPTION);
    expect(t.scopesAt("smtpd_sasl_auth_enable")).toContain(ATTRIBUTE);
  });
});

describe("master.cf grammar: comments and continuation lines", () => {
  it("does not treat '#' after other text as a comment", async () => {
    const t = await master(`${SMTPD} -o smtpd_tls_security_level=may # note\n`);
    expect(hasComment(t.scopesAt("#"))).toBe(false);
    expect(hasComment(t.scopesAt("note"))).toBe(false);
    expect(t.scopesAt("#")).toContain("invalid.illegal.comment-after-text.postfix");
    expect(t.scopesAt("may")).toContain("support.constant.tls-level.postfix");
  });

  it("scopes comment lines between continuation lines and keeps the entry going", async () => {
    const t = await master(
      [
        "submission inet n - y - - smtpd",
        "  -o syslog_name=postfix/submission",
        "  # indented comment",
        "#  -o smtpd_tls_security_level=encrypt",
        "  -o smtpd_sasl_auth_enable=yes",
        "pickup unix n - y 60 1 pickup",
      ].join("\n"),
    );
    expect(t.scopesAt("indented comment")).toContain(COMMENT);
    expect(t.scopesAt("-o smtpd_tls")).toContain(COMMENT);
    expect(t.scopesAt("smtpd_tls_security_level")).toContain(COMMENT);
    expect(t.scopesAt("smtpd_sasl_auth_enable")).toContain(KEY);
    expect(t.scopesAt("smtpd_sasl_auth_enable")).toContain("meta.service.postfix");
    expect(t.scopesAt("pickup")).toContain(SERVICE);
  });

  it("ends an unclosed -o { at the next entry", async () => {
    const t = await master(`${SMTPD} -o { a = b\nrelay unix - - n - - smtp\n`);
    expect(t.scopesAt("relay")).toContain(SERVICE);
    expect(t.scopesAt("relay")).not.toContain("meta.option.postfix");
    expect(t.scopesAt("smtp\n")).toContain(COMMAND);
  });
});

describe("master.cf grammar: pipe(8) attributes", () => {
  const text = [
    "maildrop  unix  -       n       n       -       -       pipe",
    "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}",
    "uucp      unix  -       n       n       -       -       pipe",
    "  flags=Fqhu user=uucp size=1000 argv=uux -r -a$sender - $nexthop!rmail ($recipient)",
  ].join("\n");

  it("scopes flags=, user= and argv=", async () => {
    const t = await master(text);
    expect(t.scopesAt("flags")).toContain(ATTRIBUTE);
    expect(t.scopesAt("DRXhu")).toContain("support.constant.pipe-flags.postfix");
    expect(t.scopesAt("user")).toContain(ATTRIBUTE);
    expect(t.scopesAt("vmail")).toContain("entity.name.user.postfix");
    expect(t.scopesAt("argv")).toContain(ATTRIBUTE);
    expect(t.scopesAt("=/usr")).toContain(ASSIGN);
    expect(t.scopesAt("size")).toContain(ATTRIBUTE);
  });

  it("scopes the command after argv=, its options and its $ macros", async () => {
    const t = await master(text);
    expect(t.tokenAt("/usr/bin/maildrop").text).toBe("/usr/bin/maildrop");
    expect(t.scopesAt("/usr/bin/maildrop")).toContain(COMMAND);
    expect(t.scopesAt("uux")).toContain(COMMAND);
    expect(t.scopesAt("-d")).toContain("variable.parameter.option.postfix");
    expect(t.scopesAt("recipient}")).toContain(VAR);
    expect(t.scopesAt("sender")).toContain(VAR);
    expect(t.scopesAt("nexthop")).toContain(VAR);
    expect(t.scopesAt("recipient)")).toContain(VAR);
  });
});

const fixtures = path.resolve(__dirname, "../fixtures/grammar");
describe("master.cf grammar: snapshot of a real configuration", () => {
  it("tokenizes master.cf.dist", async () => {
    const text = readFileSync(path.join(fixtures, "master.cf.dist"), "utf8");
    await expect(formatTokens(await master(text))).toMatchFileSnapshot(
      "__snapshots__/master.cf.dist.tokens.txt",
    );
  });
});

describe("master.cf grammar: adversarial long lines tokenize in linear time", () => {
  const units = [
    "$",
    "{",
    "}",
    " ",
    "=",
    "${",
    "-o ",
    "-o {",
    "-o {x=${",
    "-o x={",
    "-o tls=",
    "argv=${a?{",
    "[::1]:",
    "#= ${{a}=={b}?",
  ];
  it.each(units)("a 64k line made of %j", async (unit) => {
    // The run as a whole line (service field), after the eight fields, and as a continuation.
    await expectLinearTokenizing("master", unit, (run) => [run]);
    await expectLinearTokenizing("master", unit, (run) => [`${SMTPD} ${run}`]);
    await expectLinearTokenizing("master", unit, (run) => [`${SMTPD} -o {`, ` ${run}`, SMTPD]);
  });
});
