// Every message of the parameter, syntax and start-up rules opens with one
// sentence that states the problem on its own: the Problems panel shows only
// the first line, so the explanation and the fix follow that sentence. The
// corpus below makes every rule of those modules fire at least once.

import { describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";
import { diagnoseFile } from "../support/diagnose";
import { parametersRules } from "../../server/src/service/rules/parameters";
import { startupRules } from "../../server/src/service/rules/startup";
import { syntaxRules } from "../../server/src/service/rules/syntax";

/** The file reader reports these before any rule runs: no corpus below can make them fire. */
const READER_RULES = new Set(["file-too-large", "sibling-not-read"]);
const COVERED = new Set(
  [...parametersRules, ...syntaxRules, ...startupRules]
    .map((rule) => rule.meta.id)
    .filter((id) => !READER_RULES.has(id)),
);

const MAX_FIRST_SENTENCE = 140;

/** The text up to the first full stop that ends a sentence (followed by a capital or the end). */
function firstSentence(message: string): string {
  const end = /[.!?](?=\s+["'A-Z$]|\s*$)/.exec(message);
  return end ? message.slice(0, end.index + 1) : message;
}

const MAIN_CASES: { main: string; master?: string; version?: string }[] = [
  { main: "smtpd_tls_securty_level = may\nfoo_bar = 1\n" },
  {
    main: "smtpd_banner = $nothing_here ${unset:x} ${unset2?y}\nsmtpd_restriction_classes = cls\n",
  },
  { main: "smtp_use_tls = yes\n", version: "3.9" },
  { main: "smtpd_sasl_application_name = smtpd\nsender_based_routing = yes\n", version: "3.7" },
  { main: "program_directory = /usr/libexec/postfix\n", version: "3.7" },
  { main: "smtp_connection_cache_reuse_limit = 10\n", version: "3.7" },
  { main: "smtpd_sasl_path = smtpd\n", version: "2.2" },
  { main: "process_name = x\n" },
  {
    main: "smtpd_sasl_auth_enable = maybe\nsmtp_helo_timeout = 5x\nsmtpd_recipient_limit = lots\n",
  },
  { main: "smtpd_recipient_limit = -5\nsmtp_helo_timeout = 0\n" },
  { main: "relay_destination_concurrency_limit = 5\n", master: "smtp unix - - n - - smtp\n" },
  { main: "myhostname\n= x\n  indented = 1\nnul = a\0b\n" },
  {
    main: "smtpd_banner = ${oops\nrelayhost = a\nrelayhost = b\nsmtpd_tls_security_level = may # note\n",
  },
  { main: "a = $b\nb = $a\nsmtpd_banner = $a\n" },
  { main: "compatibility_level = banana\n" },
  { main: "compatibility_level = 99\n" },
  { main: "inet_protocols = ipv5\n" },
  { main: "inet_protocols = ipv6\ninet_interfaces = 10.0.0.1\n" },
  { main: "smtpd_recipient_restrictions = { permit\n" },
  { main: "mynetworks = {1.2.3.4} x\n" },
];

const MASTER_CASES = [
  "smtp inet n - y - smtpd\n",
  "smtp inet x - y - - smtpd\n",
  "smtp inet n - y - - smtpd -o { smtpd_banner = x\n",
  "smtp inet n - y - - smtpd -o smtpd_banner = x\n",
  "smtp inet n - y - - smtpd -o smtpd_banner={a b}\n",
  "smtp inet n - y - - smtpd -o\n",
  "smtp inet n - y - - smtpd -o novalue\n",
  "  smtp inet n - y - - smtpd\n",
];

function allDiagnostics(): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const { main, master, version } of MAIN_CASES) {
    const settings = { version, noteMissingMaster: true };
    found.push(...diagnoseFile("main", main, { sibling: master, settings }).diagnostics);
  }
  for (const master of MASTER_CASES)
    found.push(...diagnoseFile("master", master, { sibling: "" }).diagnostics);
  return found.filter((diagnostic) => COVERED.has(String(diagnostic.code)));
}

describe("rule messages", () => {
  const diagnostics = allDiagnostics();

  it("the corpus makes every parameter, syntax and start-up rule fire", () => {
    const fired = new Set(diagnostics.map((diagnostic) => String(diagnostic.code)));
    expect([...COVERED].filter((rule) => !fired.has(rule))).toEqual([]);
  });

  it(`open with a sentence of at most ${MAX_FIRST_SENTENCE} characters, then say more`, () => {
    const tooLong = diagnostics
      .map((diagnostic) => ({
        code: diagnostic.code,
        first: firstSentence(String(diagnostic.message)),
      }))
      .filter(({ first }) => first.length > MAX_FIRST_SENTENCE)
      .map(({ code, first }) => `${code} (${first.length}): ${first}`);
    expect(tooLong).toEqual([]);
  });

  it("finds the first sentence the way a reader does", () => {
    expect(firstSentence('"a.b" is wrong. Fix it.')).toBe('"a.b" is wrong.');
    expect(firstSentence("One sentence only")).toBe("One sentence only");
    expect(firstSentence("Ends here. $x follows.")).toBe("Ends here.");
  });
});
