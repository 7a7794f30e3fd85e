import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticSeverity } from "vscode-languageserver-types";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";

/** Configurations that must produce no warning or error (info-level advice is allowed). */
const CLEAN = join(__dirname, "../fixtures/clean");
const EXAMPLES = join(__dirname, "../../examples");

const read = (path: string) => readFileSync(path, "utf8");

function problems(
  kind: ConfigKind,
  text: string,
  siblingText: string | undefined,
  version: string,
) {
  const config = parseConfig(kind, text);
  const sibling =
    siblingText === undefined
      ? undefined
      : parseConfig(kind === "main" ? "master" : "main", siblingText);
  return doValidation(config, new LineIndex(text), { version }, sibling)
    .filter(
      (d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning,
    )
    .map((d) => `${d.code} at ${d.range.start.line + 1}: ${d.message}`);
}

const pairs: [string, string | string[], string][] = [
  ["Debian main.cf.dist", join(CLEAN, "main.cf.dist"), join(CLEAN, "master.cf.dist")],
  ["Debian main.cf.debian", join(CLEAN, "main.cf.debian"), join(CLEAN, "master.cf.dist")],
  // Debian's package appends the TLS template to main.cf.debian; alone it is no main.cf.
  [
    "Debian TLS template main.cf.tls",
    [join(CLEAN, "main.cf.debian"), join(CLEAN, "main.cf.tls")],
    join(CLEAN, "master.cf.dist"),
  ],
  [
    "the modern TLS example",
    join(EXAMPLES, "modern-tls/main.cf"),
    join(EXAMPLES, "modern-tls/master.cf"),
  ],
];

/**
 * Small configurations of our own with the shape of false alarms found in public
 * main.cf/master.cf pairs; each names what used to be reported.
 */
const SHAPES: { label: string; main: string; master: string }[] = [
  {
    label: "old smtpd switches that ask for less than the level (was tls-server-legacy-overridden)",
    main:
      "compatibility_level = 3.6\n" +
      "smtpd_tls_security_level = may\nsmtpd_enforce_tls = no\n" +
      "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
    master:
      "smtp inet n - y - - smtpd\n" +
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_use_tls=yes\n" +
      "tlsmgr unix - - y 1000? 1 tlsmgr\n",
  },
  {
    label:
      "EXPORT and LOW excluded from the medium grade (was tls-client-opportunistic-too-strict)",
    main:
      "smtp_tls_security_level = may\nsmtp_tls_exclude_ciphers = EXPORT, LOW, eNULL\n" +
      "smtp_tls_mandatory_exclude_ciphers = EXPORT, LOW\n",
    master: "smtp unix - - y - - smtp\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
  },
];

describe("no false alarms", () => {
  for (const [label, mainPath, masterPath] of pairs) {
    for (const version of ["3.7", "3.12"]) {
      it(`${label} with Postfix ${version}`, () => {
        const main = [mainPath].flat().map(read).join("\n");
        const master = read(masterPath);
        expect(problems("main", main, master, version)).toEqual([]);
        expect(problems("master", master, main, version)).toEqual([]);
      });
    }
  }
  for (const { label, main, master } of SHAPES) {
    it(`in the shape of ${label}`, () => {
      // deprecated-parameter rightly reports the old switches themselves.
      const real = (list: string[]) => list.filter((p) => !p.startsWith("deprecated-parameter"));
      expect(real(problems("main", main, master, "3.12"))).toEqual([]);
      expect(real(problems("master", master, main, "3.12"))).toEqual([]);
    });
  }
});

/**
 * Configurations of older releases (and a main.cf without master.cf), each
 * linted with the releases it was written for.
 */
const RELEASES = join(CLEAN, "releases");
const releaseCases: [string, string, string[]][] = [
  ["postfix-2.0", "a 2.0-era main.cf with debugger_command and $process_name", ["2.0", "2.8"]],
  ["postfix-2.1-sasl", "a 2.1 SASL setup with smtpd_sasl_application_name", ["2.1", "2.2"]],
  ["main-alone", "a main.cf with per-service names and no master.cf", ["3.7", "3.12"]],
];

describe("no false alarms for the release a configuration targets", () => {
  for (const [dir, label, versions] of releaseCases) {
    for (const version of versions) {
      it(`${label} with Postfix ${version}`, () => {
        const main = read(join(RELEASES, dir, "main.cf"));
        const masterPath = join(RELEASES, dir, "master.cf");
        const master = existsSync(masterPath) ? read(masterPath) : undefined;
        expect(problems("main", main, master, version)).toEqual([]);
        if (master !== undefined) expect(problems("master", master, main, version)).toEqual([]);
      });
    }
  }
});
