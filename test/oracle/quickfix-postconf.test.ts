// Every quick-fix, applied to its fixtures, is judged by the real postconf 3.7:
// `postconf -n` and `-P` before and after must differ in exactly the settings the
// fix promises to change, and in nothing else (no lost setting, no changed value).

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { doCodeActions } from "../../server/src/service/codeActions";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";
import { applyEdits } from "../support/fixes";
import { POSTCONF, postconfSettings, writeCase } from "./harness";

interface FixCase {
  name: string;
  file: ConfigKind;
  main: string;
  master: string;
  rule: string;
  /** The settings (`name` for -n, `service/type/name` for -P) whose value the fix changes, with the value after it; null: removed. */
  expected: Record<string, string | null>;
}

const SMTP = "smtp inet n - y - - smtpd\n";

const CASES: FixCase[] = [
  {
    name: "rename-misspelled",
    file: "main",
    main: "myhostname = mx.example.org\nsmtpd_tls_securty_level = may\n",
    master: SMTP,
    rule: "unknown-parameter",
    expected: { smtpd_tls_security_level: "may" },
  },
  {
    name: "move-trailing-comment",
    file: "main",
    main: "smtpd_tls_security_level = may # opportunistic\nmyorigin = $mydomain\n",
    master: SMTP,
    rule: "comment-after-value",
    expected: { smtpd_tls_security_level: "may" },
  },
  {
    name: "move-comment-inside-continuation",
    file: "main",
    main: "mynetworks = 127.0.0.0/8\n  10.0.0.0/8 #lab\n  192.0.2.0/24\n",
    master: SMTP,
    rule: "comment-after-value",
    expected: { mynetworks: "127.0.0.0/8 10.0.0.0/8 192.0.2.0/24" },
  },
  {
    name: "move-master-comment",
    file: "master",
    main: "",
    master:
      "submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt # require TLS\n  -o syslog_name=postfix/submission\n",
    rule: "comment-after-value",
    // Options end at the first non-option word: with '#' gone, the later -o counts again.
    expected: { "submission/inet/syslog_name": "postfix/submission" },
  },
  {
    name: "join-spaced-option",
    file: "master",
    main: "",
    master:
      "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode = yes\n  -o syslog_name=postfix/smtps\n",
    rule: "option-spaced-equals",
    // The stray "=" and "yes" ended the options; joined, the later -o counts again too.
    expected: {
      "smtps/inet/smtpd_tls_wrappermode": "yes",
      "smtps/inet/syslog_name": "postfix/smtps",
    },
  },
  {
    name: "remove-earlier-duplicate",
    file: "main",
    main: "relayhost = [a.example]\nmyorigin = example.org\nrelayhost = [b.example]\n",
    master: SMTP,
    rule: "duplicate-parameter",
    expected: {},
  },
  {
    name: "legacy-use-tls",
    file: "main",
    main: "smtpd_use_tls = yes\nsmtpd_tls_cert_file = /etc/ssl/x.pem\n",
    master: SMTP,
    rule: "deprecated-parameter",
    expected: { smtpd_use_tls: null, smtpd_tls_security_level: "may" },
  },
  {
    name: "legacy-enforce-tls-service",
    file: "master",
    main: "",
    master: "submission inet n - y - - smtpd -o smtpd_enforce_tls=yes -o syslog_name=x\n",
    rule: "deprecated-parameter",
    expected: {
      "submission/inet/smtpd_enforce_tls": null,
      "submission/inet/smtpd_tls_security_level": "encrypt",
    },
  },
  {
    name: "boolean-spelling",
    file: "main",
    main: "smtpd_tls_auth_only = true\nsmtpd_tls_security_level = may\n",
    master: SMTP,
    rule: "invalid-boolean",
    expected: { smtpd_tls_auth_only: "yes" },
  },
  {
    name: "restriction-same-code",
    file: "main",
    main: "smtpd_client_restrictions = permit_mynetworks, reject_unknown_client\n",
    master: SMTP,
    rule: "restriction-deprecated",
    expected: { smtpd_client_restrictions: "permit_mynetworks, reject_unknown_client_hostname" },
  },
  {
    name: "relay-control-appended",
    file: "main",
    main: "compatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated\n",
    master: SMTP,
    rule: "no-relay-control",
    expected: {
      smtpd_relay_restrictions:
        "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
    },
  },
  {
    name: "relay-default-list",
    file: "main",
    // The file ends without a line break; the fix adds its line after one.
    main: "compatibility_level = 0\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unlisted_recipient",
    master: SMTP,
    rule: "no-relay-control",
    expected: {
      smtpd_relay_restrictions:
        "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination",
    },
  },
  {
    name: "relay-control-in-service",
    file: "master",
    main: "",
    master:
      "submission inet n - y - - smtpd\n  -o smtpd_relay_restrictions=permit_sasl_authenticated\n  -o smtpd_recipient_restrictions=\n",
    rule: "no-relay-control",
    expected: {
      "submission/inet/smtpd_relay_restrictions":
        "permit_sasl_authenticated,reject_unauth_destination",
    },
  },
];

/** Applies the rule's preferred fix (its own, not the suppression comment). */
function applyPreferredFix(fixCase: FixCase): string {
  const text = fixCase.file === "main" ? fixCase.main : fixCase.master;
  const sibling = fixCase.file === "main" ? fixCase.master : fixCase.main;
  const index = new LineIndex(text);
  const config = parseConfig(fixCase.file, text);
  const diagnostics = doValidation(
    config,
    index,
    // Diagnose as the newest release does (the legacy switches warn since 3.9); postconf 3.7 judges.
    { version: "3.12" },
    parseConfig(fixCase.file === "main" ? "master" : "main", sibling),
  );
  const actions = doCodeActions(
    config,
    index,
    "file:///x",
    diagnostics.filter((d) => d.code === fixCase.rule),
  );
  const action = actions.find((candidate) => candidate.isPreferred);
  if (!action) throw new Error(`${fixCase.name}: no preferred fix for ${fixCase.rule}`);
  return applyEdits(text, index, action.edit!.changes!["file:///x"]);
}

/** The -n and -P settings; the test fails when postconf rejects the configuration. */
async function settingsOf(dir: string): Promise<Map<string, string>> {
  const { settings, stderr } = await postconfSettings(dir);
  expect(settings, stderr).toBeDefined();
  return settings!;
}

const root = mkdtempSync(join(tmpdir(), "quickfix-postconf-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(POSTCONF))("quick-fixes judged by postconf", () => {
  for (const fixCase of CASES) {
    it(`${fixCase.rule}: ${fixCase.name}`, async () => {
      const fixed = applyPreferredFix(fixCase);
      expect(fixed).not.toBe(fixCase.file === "main" ? fixCase.main : fixCase.master);
      const before = await settingsOf(
        writeCase(root, {
          name: `${fixCase.name}-before`,
          main: fixCase.main,
          master: fixCase.master,
        }),
      );
      const afterCase = {
        name: `${fixCase.name}-after`,
        main: fixCase.main,
        master: fixCase.master,
        [fixCase.file]: fixed,
      };
      const after = await settingsOf(writeCase(root, afterCase));
      const changed: Record<string, string | null> = {};
      for (const name of new Set([...before.keys(), ...after.keys()])) {
        if (before.get(name) !== after.get(name)) changed[name] = after.get(name) ?? null;
      }
      expect(changed).toEqual(fixCase.expected);
    });
  }
});
