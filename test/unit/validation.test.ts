import { describe, expect, it } from "vitest";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { RULE_MODULES } from "../../server/src/service/rules/registry";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import {
  type ValidationSettings,
  doValidation,
  validationSteps,
} from "../../server/src/service/validation";

/** Diagnostics as `rule@line:column "covered text"`, 1-based, for readable expectations. */
function check(kind: ConfigKind, text: string, settings?: ValidationSettings): string[] {
  const index = new LineIndex(text);
  return doValidation(parseConfig(kind, text), index, settings).map((d) => {
    const covered = text.slice(index.offsetAt(d.range.start), index.offsetAt(d.range.end));
    return `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1} ${JSON.stringify(covered)}`;
  });
}

describe("main.cf diagnostics", () => {
  it("flags a '#' after a value but not a comment line inside a continued value", () => {
    expect(check("main", "mynetworks = 127.0.0.0/8\n  # office\n  1.2.3.0/24 #lab\n")).toEqual([
      'comment-after-value@3:14 "#lab"',
    ]);
  });

  it("flags the first stray '#' of every line of a continued value, each with its own fix", () => {
    expect(check("main", "mynetworks = 127.0.0.0/8 # lo #x\n  1.2.3.0/24 #lab\n")).toEqual([
      'comment-after-value@1:26 "# lo #x"',
      'comment-after-value@2:14 "#lab"',
    ]);
  });

  it("flags missing '=' and a leading-whitespace first line", () => {
    expect(check("main", "  indented = x\nsmtpd_tls_security_level may\n")).toEqual([
      'leading-whitespace@1:1 "  indented = x"',
      'missing-equals@2:1 "smtpd_tls_security_level may"',
    ]);
  });

  it("flags a later assignment with a different value, as postconf does", () => {
    expect(check("main", "relayhost = a\nrelayhost = a\nrelayhost = b\n")).toEqual([
      'duplicate-parameter@3:1 "relayhost"',
    ]);
  });

  it("flags $ syntax errors where they are", () => {
    expect(check("main", "smtpd_banner = $myhostname ${mail_name\n")).toEqual([
      'macro-syntax@1:28 "${mail_name"',
    ]);
  });

  it("honours severity overrides, including off", () => {
    const text = "relayhost = a\nrelayhost = b\n";
    expect(check("main", text, { rules: { "duplicate-parameter": "off" } })).toEqual([]);
  });

  it("reports ranges in UTF-16 columns on lines with non-ASCII text", () => {
    expect(check("main", "smtpd_banner = 😀 x #y\n")).toEqual(['comment-after-value@1:21 "#y"']);
  });
});

describe("master.cf diagnostics", () => {
  it("flags '-o name = value' with spaces and '#' arguments", () => {
    expect(
      check(
        "master",
        "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode = yes\nx inet n - y - - smtpd -o syslog_name=b # c\n",
      ),
    ).toEqual([
      'option-spaced-equals@2:3 "-o smtpd_tls_wrappermode = yes"',
      'comment-after-value@3:41 "# c"',
    ]);
  });

  it("flags the first '#' argument of every line of one entry, not only the first line's", () => {
    expect(
      check(
        "master",
        "submission inet n - y - - smtpd # port 587\n  -o syslog_name=submission # tag\n  -o smtpd_tls_security_level=encrypt\n",
      ),
    ).toEqual(['comment-after-value@1:33 "# port 587"', 'comment-after-value@2:29 "# tag"']);
  });

  it("flags invalid fields and short entries", () => {
    expect(check("master", "smtp inet n - yes - - smtpd\nsmtp inet n -\n")).toEqual([
      'master-field-value@1:15 "yes"',
      'master-field-count@2:1 "smtp inet n -"',
    ]);
  });

  it("accepts the Debian default master.cf entries", () => {
    const text =
      "smtp      inet  n       -       y       -       -       smtpd\npickup    unix  n       -       y       60      1       pickup\ntlsmgr    unix  -       -       y       1000?   1       tlsmgr\nmaildrop  unix  -       n       n       -       -       pipe\n  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n";
    expect(check("master", text)).toEqual([]);
  });
});

describe("validation in steps", () => {
  it("pauses between rule modules and ends with doValidation's diagnostics", () => {
    const text =
      "smtpd_tls_security_level = encrypt\nfoo = bar # note\nsmtp_tls_mandatory_protocols = SSLv3\n";
    const config = parseConfig("main", text);
    const steps = validationSteps(config, new LineIndex(text), { version: "3.7" });
    let pauses = 0;
    let step = steps.next();
    while (!step.done) {
      pauses++;
      step = steps.next();
    }
    // After settling the config, twice inside the rule context, after it, before each
    // rule module that reports on main.cf, and before the diagnostics are made.
    const mainRules = RULE_MODULES.filter((rule) => rule.check && rule.meta.files.includes("main"));
    expect(pauses).toBe(5 + mainRules.length);
    expect(step.value).toEqual(doValidation(config, new LineIndex(text), { version: "3.7" }));
    expect(step.value.map((d) => d.code)).toContain("comment-after-value");
  });
});
