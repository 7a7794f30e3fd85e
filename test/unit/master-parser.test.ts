import { describe, expect, it } from "vitest";
import { isEntry, parseConfig } from "../../server/src/service/parser/document";
import type { MasterEntry } from "../../server/src/service/parser/masterCf";

function entries(text: string): MasterEntry[] {
  return parseConfig("master", text).blocks.filter(isEntry) as MasterEntry[];
}

function only(text: string): MasterEntry {
  const [entry] = entries(text);
  return entry;
}

const settingsOf = (entry: MasterEntry) =>
  entry.options
    .filter((o) => o.setting)
    .map((o) => `${o.setting!.name.text}=${o.setting!.value.text}`);

describe("master.cf entries", () => {
  it("splits the eight fields and the command arguments", () => {
    const entry = only("smtp      inet  n       -       y       -       -       smtpd\n");
    expect(entry.words.map((w) => w.text)).toEqual([
      "smtp",
      "inet",
      "n",
      "-",
      "y",
      "-",
      "-",
      "smtpd",
    ]);
    expect(entry.problem).toBeUndefined();
  });

  it("reads -o settings in the short, attached and long forms", () => {
    const entry = only(
      "submission inet n - y - - smtpd\n  -o syslog_name=postfix/submission\n  -osmtpd_tls_wrappermode=yes\n  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n",
    );
    expect(settingsOf(entry)).toEqual([
      "syslog_name=postfix/submission",
      "smtpd_tls_wrappermode=yes",
      "smtpd_client_restrictions=permit_sasl_authenticated, reject",
    ]);
  });

  it("keeps braces inside a value that does not start with '{'", () => {
    const entry = only(
      "s inet n - n - - smtpd -o smtpd_client_restrictions={permit_mynetworks, reject}\n",
    );
    expect(settingsOf(entry)).toEqual(["smtpd_client_restrictions={permit_mynetworks, reject}"]);
  });

  it("reads '-o name = value' as three words, with no setting", () => {
    const entry = only("smtps inet n - n - - smtpd -o smtpd_tls_wrappermode = yes\n");
    expect(entry.options).toHaveLength(1);
    expect(entry.options[0].settingProblem).toBe("missing-equals");
    expect(entry.arguments.map((a) => a.word.text)).toEqual(["=", "yes"]);
  });

  it("reads option letters like getopt: -osyslog_name=x is one -o, -vo takes the next word", () => {
    const entry = only("s inet n - n - - smtpd -osyslog_name=foo -vo smtpd_a=b\n");
    expect(entry.options.map((o) => o.flag.text)).toEqual(["-o", "-v", "-o"]);
    expect(settingsOf(entry)).toEqual(["syslog_name=foo", "smtpd_a=b"]);
  });

  it("shares the word tokens with the options and arguments that are whole words", () => {
    const entry = only("s inet n - n - - smtpd -o a=1 -osyslog_name=foo -vo b=2 -- x\n");
    const [whole, attached, verbose, afterVerbose] = entry.options;
    // `-o a=1`: both tokens are the words themselves (a -o line is two tokens, not four).
    expect(whole.flag).toBe(entry.words[8]);
    expect(whole.value).toBe(entry.words[9]);
    // Parts of a word are tokens of their own.
    expect(attached.flag).not.toBe(entry.words[10]);
    expect(attached.value).toMatchObject({ text: "syslog_name=foo", start: 32 });
    expect(verbose.flag).toMatchObject({ text: "-v", start: 48, end: 50 });
    expect(afterVerbose.flag).toMatchObject({ text: "-o", start: 50, end: 51 });
    expect(afterVerbose.value).toBe(entry.words[12]);
    expect(entry.arguments.map((argument) => argument.word)).toEqual(entry.words.slice(13));
    expect(entry.arguments[0].word).toBe(entry.words[13]);
  });

  it("stops options at the first word that is not an option", () => {
    const entry = only(
      "maildrop unix - n n - - pipe\n  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n",
    );
    expect(entry.options).toEqual([]);
    expect(entry.arguments.map((a) => a.word.text)).toEqual([
      "flags=DRXhu",
      "user=vmail",
      "argv=/usr/bin/maildrop",
      "-d",
      "${recipient}",
    ]);
  });

  it("reports brace problems", () => {
    const entry = only("s inet n - n - - smtpd -o {smtpd_foo=1}x -o {smtpd_bar=2\n");
    expect(entry.options.map((o) => o.braces?.problem)).toEqual([
      "text-after-close",
      "missing-close",
    ]);
    expect(settingsOf(entry)).toEqual(["smtpd_foo=1", "smtpd_bar=2"]);
  });

  it("reports '#' words as arguments, not comments", () => {
    const entry = only("s inet n - n - - smtpd -o smtpd_tls_security_level=may # note\n");
    expect(entry.arguments.map((a) => a.word.text)).toEqual(["#", "note"]);
  });

  it.each([
    ["smtp inet n - n - smtpd", "field-count", undefined],
    ["smtp tcp n - n - - smtpd", "type", "tcp"],
    ["smtp inet yes - n - - smtpd", "private", "yes"],
    ["smtp inet n N n - - smtpd", "unprivileged", "N"],
    ["smtp inet n - yes - - smtpd", "chroot", "yes"],
    ["smtp inet n - n 10x - smtpd", "wakeup", "10x"],
    ["smtp inet n - n 60?? - smtpd", "wakeup", "60??"],
    ["smtp inet n - n - -1 smtpd", "process_limit", "-1"],
  ])("rejects %s (%s)", (line, code, field) => {
    const entry = only(line + "\n");
    expect(entry.problem?.code).toBe(code);
    expect(entry.problem?.field?.text).toBe(field);
  });

  it("accepts wakeup times with '?' and the '-?' that postconf lets through", () => {
    for (const wakeup of ["60?", "1000?", "0", "-", "-?"]) {
      expect(only(`pickup unix n - y ${wakeup} 1 pickup\n`).problem).toBeUndefined();
    }
  });

  it("maps a brace group that spans continuation lines to the document", () => {
    const text = "s inet n - n - - smtpd\n  -o { smtpd_x =\n     a b }\n";
    const [option] = only(text).options;
    expect(option.setting!.value.text).toBe("a b");
    expect(text.slice(option.setting!.value.start, option.setting!.value.end)).toBe("a b");
  });
});
