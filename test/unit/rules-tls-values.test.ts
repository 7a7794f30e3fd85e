import { applyFixTo, diagnoseFile } from "../support/diagnose";
import { checkFirstSentences } from "../support/messages";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { tlsValuesRules } from "../../server/src/service/rules/tls-values";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import type { ValidationSettings } from "../../server/src/service/validation";

const OWN_RULES = new Set<string>(tlsValuesRules.map((rule) => rule.meta.id));

const diagnose = (
  kind: ConfigKind,
  text: string,
  settings: ValidationSettings = {},
  sibling?: string,
) => diagnoseFile(kind, text, { sibling, settings, rules: OWN_RULES });

/** The codes of this module's rules for a main.cf text (and an optional master.cf). */
const mainCodes = (text: string, version?: string, master?: string) =>
  diagnose("main", text, version ? { version } : {}, master).codes;

/** Applies the quick-fix whose title matches to the text and returns the result. */
const applyFix = (
  kind: ConfigKind,
  text: string,
  code: string,
  title: RegExp,
  settings: ValidationSettings = {},
  sibling?: string,
) => applyFixTo(kind, text, code, title, { sibling, settings, rules: OWN_RULES });

const message = (diagnostics: Diagnostic[], code: string) =>
  diagnostics.find((d) => d.code === code)?.message ?? "";

/** The text a diagnostic's range covers. */
function covered(text: string, diagnostic: Diagnostic | undefined): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(diagnostic!.range.start), index.offsetAt(diagnostic!.range.end));
}

const SUBMISSION = "submission inet n - y - - smtpd";

describe("rule table entries", () => {
  it("have kebab-case ids, a pitfall and a one-line description", () => {
    for (const { meta: rule } of tlsValuesRules) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.pitfalls?.length).toBeGreaterThan(0);
      expect(rule.description).not.toContain("\n");
    }
  });
});

describe("security levels (P06)", () => {
  it("flags a word that is no level, in main.cf and in master.cf", () => {
    const { diagnostics } = diagnose("main", "smtp_tls_security_level = mandatory\n");
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-level-invalid"]);
    expect(diagnostics[0].message).toContain('"mandatory" is not a TLS security level');
    expect(diagnostics[0].data).toBeUndefined();
    const master = `${SUBMISSION} -o smtpd_tls_security_level=encrypted\n`;
    expect(diagnose("master", master).codes).toEqual(["tls-level-invalid"]);
    expect(applyFix("master", master, "tls-level-invalid", /^Change to encrypt$/)).toBe(
      `${SUBMISSION} -o smtpd_tls_security_level=encrypt\n`,
    );
  });

  it("corrects a near miss", () => {
    expect(
      applyFix("main", "smtp_tls_security_level = verfy\n", "tls-level-invalid", /^Change to/),
    ).toBe("smtp_tls_security_level = verify\n");
  });

  it("rejects halfdane, which only appears in logs", () => {
    expect(
      message(
        diagnose("main", "smtp_tls_security_level = halfdane\n").diagnostics,
        "tls-level-invalid",
      ),
    ).toContain("halfdane");
  });

  it("accepts every level in any case, and leaves client levels on the server to P32", () => {
    const text = [
      "smtp_tls_security_level = DANE-only",
      "lmtp_tls_security_level = Encrypt",
      "tlsproxy_client_security_level = fingerprint",
      "smtpd_tls_security_level = verify",
      "postscreen_tls_security_level = MAY",
      "tlsproxy_tls_security_level =",
      "",
    ].join("\n");
    expect(mainCodes(text)).toEqual([]);
  });

  it("knows when levels were added", () => {
    expect(mainCodes("smtp_tls_security_level = dane\n", "2.10")).toEqual(["tls-level-invalid"]);
    expect(mainCodes("smtp_tls_security_level = dane\n", "2.11")).toEqual([]);
  });

  it("leaves values with a trailing #comment to comment-after-value", () => {
    expect(mainCodes("smtpd_tls_security_level = may # note\n")).toEqual([]);
  });
});

describe("cipher grades (P06, P18, P19)", () => {
  it("flags an unknown grade and corrects a near miss", () => {
    expect(mainCodes("smtp_tls_ciphers = strong\n")).toEqual(["tls-cipher-grade-invalid"]);
    expect(
      applyFix(
        "main",
        "smtpd_tls_mandatory_ciphers = hihg\n",
        "tls-cipher-grade-invalid",
        /^Change to high$/,
      ),
    ).toBe("smtpd_tls_mandatory_ciphers = high\n");
    expect(diagnose("master", `${SUBMISSION} -o smtpd_tls_ciphers=best\n`).codes).toEqual([
      "tls-cipher-grade-invalid",
    ]);
  });

  it("accepts the grades in any case", () => {
    expect(mainCodes("smtp_tls_ciphers = HIGH\nsmtpd_tls_ciphers = Medium\n")).toEqual([]);
  });

  it("warns about the null grade and changes it to medium", () => {
    expect(mainCodes("smtpd_tls_ciphers = null\n")).toEqual(["tls-cipher-grade-null"]);
    expect(
      applyFix(
        "main",
        "smtp_tls_mandatory_ciphers = NULL\n",
        "tls-cipher-grade-null",
        /^Change to medium$/,
      ),
    ).toBe("smtp_tls_mandatory_ciphers = medium\n");
    const master = `${SUBMISSION} -o smtpd_tls_mandatory_ciphers=null\n`;
    expect(applyFix("master", master, "tls-cipher-grade-null", /^Change to medium$/)).toBe(
      `${SUBMISSION} -o smtpd_tls_mandatory_ciphers=medium\n`,
    );
  });

  it("allows the null grade for LMTP when it delivers over a UNIX-domain socket", () => {
    expect(mainCodes("lmtp_tls_mandatory_ciphers = null\n")).toEqual(["tls-cipher-grade-null"]);
    expect(
      mainCodes(
        "lmtp_tls_mandatory_ciphers = null\nmailbox_transport = lmtp:unix:private/dovecot-lmtp\n",
      ),
    ).toEqual([]);
  });

  it("warns about export and low, with a version-dependent explanation", () => {
    const text = "smtpd_tls_ciphers = export\n";
    expect(mainCodes(text)).toEqual(["tls-cipher-grade-obsolete"]);
    expect(message(diagnose("main", text).diagnostics, "tls-cipher-grade-obsolete")).toContain(
      "treats it as medium",
    );
    expect(
      message(diagnose("main", text, { version: "3.7" }).diagnostics, "tls-cipher-grade-obsolete"),
    ).toContain("broken");
    expect(
      applyFix("main", "smtp_tls_ciphers = low\n", "tls-cipher-grade-obsolete", /medium/),
    ).toBe("smtp_tls_ciphers = medium\n");
  });
});

describe("protocol lists (P06)", () => {
  it("flags unknown names and corrects them", () => {
    const text = "smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1.0\n";
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-protocols-invalid"]);
    expect(covered(text, diagnostics[0])).toBe("!TLSv1.0");
    expect(diagnostics[0].message).toContain("turns TLS off");
    expect(applyFix("main", text, "tls-protocols-invalid", /^Change to !TLSv1$/)).toBe(
      "smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1\n",
    );
    expect(
      message(
        diagnose("main", "smtp_tls_protocols = TLS1.2\n").diagnostics,
        "tls-protocols-invalid",
      ),
    ).toContain("gives up every TLS handshake");
  });

  it("accepts names in any case, hex bounds and None", () => {
    expect(
      mainCodes("smtp_tls_protocols = >=tlsv1.2\nsmtpd_tls_protocols = >=0x0303, <=None\n"),
    ).toEqual([]);
  });

  it("rejects >= and <= before Postfix 3.6 and offers the exclusion form", () => {
    const text = "smtp_tls_protocols = >=TLSv1.2\n";
    expect(mainCodes(text, "3.5")).toEqual(["tls-protocols-invalid"]);
    expect(mainCodes(text, "3.6")).toEqual([]);
    expect(
      message(diagnose("main", text, { version: "3.5" }).diagnostics, "tls-protocols-invalid"),
    ).toContain("3.6 or later");
    expect(applyFix("main", text, "tls-protocols-invalid", /^Replace/, { version: "3.5" })).toBe(
      "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\n",
    );
  });

  it("knows TLSv1.3 only from Postfix 3.0 on", () => {
    expect(mainCodes("smtp_tls_protocols = !SSLv2, !TLSv1.3\n", "2.11")).toContain(
      "tls-protocols-invalid",
    );
  });

  it("checks -o values in master.cf", () => {
    expect(diagnose("master", `${SUBMISSION} -o smtpd_tls_protocols=TLSv2\n`).codes).toEqual([
      "tls-protocols-invalid",
    ]);
  });
});

describe("a lone >= or <= (P07)", () => {
  it("explains the allow-list it creates and joins the bound with its name", () => {
    const text = "smtpd_tls_mandatory_protocols = >= TLSv1.2\n";
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-protocol-bound-spaced"]);
    expect(diagnostics[0].message).toContain("TLSv1.3 is off");
    expect(covered(text, diagnostics[0])).toBe(">= TLSv1.2");
    expect(applyFix("main", text, "tls-protocol-bound-spaced", /^Join/)).toBe(
      "smtpd_tls_mandatory_protocols = >=TLSv1.2\n",
    );
  });

  it("joins across a continuation line and in master.cf", () => {
    expect(
      applyFix(
        "main",
        "smtp_tls_protocols = <=\n    TLSv1.2\n",
        "tls-protocol-bound-spaced",
        /^Join/,
      ),
    ).toBe("smtp_tls_protocols = <=TLSv1.2\n");
    const master = `${SUBMISSION} -o smtpd_tls_protocols=>=,TLSv1.2\n`;
    expect(diagnose("master", master).codes).toEqual(["tls-protocol-bound-spaced"]);
    expect(applyFix("master", master, "tls-protocol-bound-spaced", /^Join/)).toBe(
      `${SUBMISSION} -o smtpd_tls_protocols=>=TLSv1.2\n`,
    );
  });

  it("takes a hex version after the lone bound as part of the same mistake", () => {
    const text = "smtp_tls_protocols = >= 0303\n";
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-protocol-bound-spaced"]);
    expect(diagnostics[0].message).toContain("rejects the whole list");
    expect(applyFix("main", text, "tls-protocol-bound-spaced", /^Join/)).toBe(
      "smtp_tls_protocols = >=0303\n",
    );
  });

  it("does not fire on joined bounds", () => {
    expect(mainCodes("smtp_tls_protocols = >=TLSv1.2 <=TLSv1.3\n")).toEqual([]);
  });
});

describe("gaps in protocol lists (P08)", () => {
  it("flags a gap and offers the lower bound when the intent is clear", () => {
    const text = "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.1\n";
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-protocols-gap"]);
    expect(diagnostics[0].message).toContain("so TLSv1 remains");
    expect(applyFix("main", text, "tls-protocols-gap", /^Replace with >=TLSv1.2$/)).toBe(
      "smtp_tls_protocols = >=TLSv1.2\n",
    );
  });

  it("spells the fix as exclusions before Postfix 3.6", () => {
    expect(
      applyFix(
        "main",
        "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.1\n",
        "tls-protocols-gap",
        /^Replace/,
        { version: "3.5" },
      ),
    ).toBe("smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\n");
  });

  it("offers no fix when the intent is ambiguous", () => {
    for (const value of ["!SSLv2, !SSLv3, !TLSv1.2", "!SSLv2, !SSLv3, !TLSv1, !TLSv1.2"]) {
      const { diagnostics } = diagnose("main", `smtp_tls_protocols = ${value}\n`);
      expect(diagnostics.map((d) => d.code)).toEqual(["tls-protocols-gap"]);
      expect(diagnostics[0].data).toBeUndefined();
    }
  });

  it("fires on master.cf -o values", () => {
    expect(
      diagnose("master", `${SUBMISSION} -o smtpd_tls_protocols=!SSLv2,!SSLv3,!TLSv1.1\n`).codes,
    ).toEqual(["tls-protocols-gap"]);
  });

  it("accepts contiguous lists", () => {
    expect(
      mainCodes(
        "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\nsmtpd_tls_protocols = TLSv1.2 TLSv1.3\n",
      ),
    ).toEqual([]);
  });
});

describe("SSL still allowed (P22)", () => {
  it("flags lists that allow SSLv3 and replaces them with a lower bound", () => {
    expect(mainCodes("smtpd_tls_protocols = !SSLv2\n")).toEqual(["tls-protocols-allow-ssl"]);
    expect(
      applyFix("main", "smtpd_tls_protocols = !SSLv2\n", "tls-protocols-allow-ssl", /^Replace/),
    ).toBe("smtpd_tls_protocols = >=TLSv1\n");
    expect(
      applyFix("main", "smtp_tls_protocols = <=TLSv1.2\n", "tls-protocols-allow-ssl", /^Replace/),
    ).toBe("smtp_tls_protocols = >=TLSv1, <=TLSv1.2\n");
    expect(mainCodes("smtp_tls_mandatory_protocols = >=SSLv3\n")).toEqual([
      "tls-protocols-allow-ssl",
    ]);
  });

  it("adds the exclusions before Postfix 3.6", () => {
    expect(
      applyFix("main", "smtpd_tls_protocols = !SSLv2\n", "tls-protocols-allow-ssl", /^Replace/, {
        version: "3.4",
      }),
    ).toBe("smtpd_tls_protocols = !SSLv2, !SSLv3\n");
  });

  it("writes a fix without spaces for -o", () => {
    const master = `${SUBMISSION} -o smtp_tls_protocols=<=TLSv1.2\n`;
    expect(applyFix("master", master, "tls-protocols-allow-ssl", /^Replace/)).toBe(
      `${SUBMISSION} -o smtp_tls_protocols=>=TLSv1,<=TLSv1.2\n`,
    );
  });

  it("leaves TLS-only and empty lists alone", () => {
    expect(
      mainCodes(
        "smtpd_tls_protocols = >=TLSv1\nsmtp_tls_protocols = !SSLv2, !SSLv3\nlmtp_tls_protocols =\n",
      ),
    ).toEqual([]);
  });
});

describe("cipher exclusion lists (P09)", () => {
  it("flags OpenSSL prefixes and strips them", () => {
    const text = "smtpd_tls_exclude_ciphers = !RC4, aNULL, -MD5\n";
    expect(mainCodes(text)).toEqual(["tls-exclude-cipher-prefix"]);
    expect(applyFix("main", text, "tls-exclude-cipher-prefix", /^Remove/)).toBe(
      "smtpd_tls_exclude_ciphers = RC4, aNULL, MD5\n",
    );
  });

  it("drops @ items, which name no cipher", () => {
    expect(
      applyFix(
        "main",
        "smtp_tls_mandatory_exclude_ciphers = aNULL:@STRENGTH\n",
        "tls-exclude-cipher-prefix",
        /^Remove/,
      ),
    ).toBe("smtp_tls_mandatory_exclude_ciphers = aNULL\n");
  });

  it("fires on master.cf -o values", () => {
    const master = `${SUBMISSION} -o smtpd_tls_exclude_ciphers=!aNULL\n`;
    const { diagnostics } = diagnose("master", master);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-exclude-cipher-prefix"]);
    expect(covered(master, diagnostics[0])).toBe("!aNULL");
    expect(applyFix("master", master, "tls-exclude-cipher-prefix", /^Remove/)).toBe(
      `${SUBMISSION} -o smtpd_tls_exclude_ciphers=aNULL\n`,
    );
  });

  it("accepts plain names and +-joined properties", () => {
    expect(mainCodes("smtpd_tls_exclude_ciphers = aNULL, MD5, kEDH+aRSA\n")).toEqual([]);
  });
});

describe("base cipher lists (P20)", () => {
  it("flags a changed list and removes it", () => {
    const text = "myhostname = mx.example\ntls_high_cipherlist = HIGH:!aNULL\nmydomain = example\n";
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-cipherlist-changed"]);
    expect(covered(text, diagnostics[0])).toBe("tls_high_cipherlist");
    expect(applyFix("main", text, "tls-cipherlist-changed", /^Remove/)).toBe(
      "myhostname = mx.example\nmydomain = example\n",
    );
  });

  it("removes an -o from master.cf", () => {
    const master = `${SUBMISSION}\n  -o tls_medium_cipherlist=ALL\n  -o smtpd_tls_security_level=encrypt\n`;
    expect(diagnose("master", master).codes).toEqual(["tls-cipherlist-changed"]);
    expect(applyFix("master", master, "tls-cipherlist-changed", /^Remove/)).toBe(
      `${SUBMISSION}\n  -o smtpd_tls_security_level=encrypt\n`,
    );
  });

  it("accepts the built-in value of the configured release", () => {
    expect(mainCodes("tls_null_cipherlist = eNULL:!aNULL\n", "3.7")).toEqual([]);
    expect(mainCodes("tls_null_cipherlist = eNULL:!aNULL\n", "3.12")).toEqual([
      "tls-cipherlist-changed",
    ]);
  });
});

describe("session cache timeouts (P39)", () => {
  it("flags more than 100 days as an error", () => {
    const text = "smtpd_tls_session_cache_timeout = 200d\n";
    expect(mainCodes(text)).toEqual(["tls-session-cache-timeout-too-long"]);
    expect(applyFix("main", text, "tls-session-cache-timeout-too-long", /^Change to 3600s/)).toBe(
      "smtpd_tls_session_cache_timeout = 3600s\n",
    );
    expect(mainCodes(text, "2.10")).toEqual([]);
  });

  it("notes 0 and values below 2 minutes", () => {
    expect(mainCodes("smtp_tls_session_cache_timeout = 0\n")).toEqual([
      "tls-session-cache-timeout-ineffective",
    ]);
    expect(
      message(
        diagnose("main", "smtpd_tls_session_cache_timeout = 0s\n").diagnostics,
        "tls-session-cache-timeout-ineffective",
      ),
    ).toContain("session tickets");
    expect(
      applyFix(
        "main",
        "lmtp_tls_session_cache_timeout = 60s\n",
        "tls-session-cache-timeout-ineffective",
        /^Change to 120s$/,
      ),
    ).toBe("lmtp_tls_session_cache_timeout = 120s\n");
  });

  it("accepts values in range, and leaves -o (no effect there) to another rule", () => {
    expect(
      mainCodes("smtpd_tls_session_cache_timeout = 1h\nsmtp_tls_session_cache_timeout = 100d\n"),
    ).toEqual([]);
    expect(
      diagnose("master", `${SUBMISSION} -o smtpd_tls_session_cache_timeout=0\n`).codes,
    ).toEqual([]);
  });
});

const MD5_PRINT = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
const SHA256_HEX = "ab".repeat(32);
const SHA256_PRINT = Array.from({ length: 32 }, () => "AB").join(":");

describe("fingerprint lengths (P49)", () => {
  it("flags fingerprints that do not fit the digest in effect", () => {
    const text = `compatibility_level = 3.6\nsmtp_tls_fingerprint_cert_match = ${MD5_PRINT}\n`;
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-fingerprint-length"]);
    expect(diagnostics[0].message).toContain("sha256");
    expect(diagnostics[0].message).toContain("fits md5");
    expect(covered(text, diagnostics[0])).toBe(MD5_PRINT);
  });

  it("uses the digest of compatibility_level and of an explicit setting", () => {
    expect(
      mainCodes(
        `compatibility_level = 2\nsmtp_tls_security_level = fingerprint\nsmtp_tls_fingerprint_cert_match = ${MD5_PRINT}\n`,
      ),
    ).toEqual(["tls-fingerprint-digest-implicit-md5"]);
    expect(
      mainCodes(
        `compatibility_level = 3.6\nsmtp_tls_fingerprint_digest = sha256\nlmtp_tls_fingerprint_cert_match = ${SHA256_HEX}\n  ${SHA256_PRINT}\n`,
      ),
    ).toEqual([]);
  });

  it("needs colons before Postfix 3.6", () => {
    const text = `smtp_tls_fingerprint_digest = sha256\nsmtp_tls_fingerprint_cert_match = ${SHA256_HEX}\n`;
    expect(mainCodes(text, "3.5")).toEqual(["tls-fingerprint-length"]);
    expect(mainCodes(text, "3.6")).toEqual([]);
  });

  it("checks -o values with the service's digest", () => {
    const master = `relay unix - - n - - smtp -o smtp_tls_fingerprint_cert_match=${MD5_PRINT}\n`;
    expect(diagnose("master", master, {}, "compatibility_level = 3.6\n").codes).toEqual([
      "tls-fingerprint-length",
    ]);
  });

  it("reports an -o digest that no longer fits the fingerprints of main.cf on that -o", () => {
    const main = `compatibility_level = 3.6\nsmtp_tls_fingerprint_cert_match = ${SHA256_PRINT}\n`;
    const master = "relay unix - - n - - smtp -o smtp_tls_fingerprint_digest=sha512\n";
    expect(diagnose("main", main, {}, master).codes).toEqual([]);
    const { diagnostics } = diagnose("master", master, {}, main);
    expect(diagnostics.map((d) => d.code)).toEqual(["tls-fingerprint-length"]);
    expect(covered(master, diagnostics[0])).toBe("sha512");
  });

  it("checks the keys of inline relay_clientcerts tables, which need colons", () => {
    const base =
      "compatibility_level = 3.6\nrelay_clientcerts = hash:/etc/postfix/ccerts, inline:{ ";
    expect(mainCodes(`${base}${MD5_PRINT}=client1 }\n`)).toEqual(["tls-fingerprint-length"]);
    expect(mainCodes(`${base}{ ${SHA256_HEX} = client1 } }\n`)).toEqual(["tls-fingerprint-length"]);
    expect(mainCodes(`${base}${SHA256_PRINT}=client1 }\n`)).toEqual([]);
  });
});

describe("fingerprint digests (P50)", () => {
  it("warns about md5 and sha1 set explicitly, and changes them to sha256", () => {
    expect(mainCodes("compatibility_level = 3.6\nsmtpd_tls_fingerprint_digest = sha1\n")).toEqual([
      "tls-fingerprint-digest-weak",
    ]);
    const master = `${SUBMISSION} -o smtpd_tls_fingerprint_digest=MD5\n`;
    expect(applyFix("master", master, "tls-fingerprint-digest-weak", /^Change to sha256/)).toBe(
      `${SUBMISSION} -o smtpd_tls_fingerprint_digest=sha256\n`,
    );
  });

  it("notes md5 implied by compatibility_level below 3.6 where fingerprints are used, on that setting", () => {
    const text = "compatibility_level = 2\nsmtp_tls_security_level = fingerprint\n";
    const { diagnostics } = diagnose("main", text);
    expect(diagnostics.map((d) => d.code)).toContain("tls-fingerprint-digest-implicit-md5");
    const implicit = diagnostics.find((d) => d.code === "tls-fingerprint-digest-implicit-md5");
    expect(covered(text, implicit)).toBe("2");
    expect(implicit?.message).toMatch(
      /^With compatibility_level 2, smtp_tls_fingerprint_digest defaults to md5/,
    );
    for (const use of [
      "relay_clientcerts = hash:/etc/postfix/relay_clientcerts\n",
      "smtpd_recipient_restrictions = permit_tls_clientcerts, reject_unauth_destination\n",
      "smtpd_client_restrictions = check_ccert_access hash:/etc/postfix/ccerts\n",
    ]) {
      expect(mainCodes(`compatibility_level = 2\n${use}`)).toEqual([
        "tls-fingerprint-digest-implicit-md5",
      ]);
    }
    // The fingerprint level in an -o of master.cf counts too.
    expect(
      mainCodes(
        "compatibility_level = 2\n",
        undefined,
        "relay unix - - n - - smtp -o smtp_tls_security_level=fingerprint\n",
      ),
    ).toContain("tls-fingerprint-digest-implicit-md5");
    expect(
      mainCodes(
        "compatibility_level = 3.5\nsmtp_tls_security_level = fingerprint\nsmtp_tls_fingerprint_digest = sha256\n",
      ),
    ).not.toContain("tls-fingerprint-digest-implicit-md5");
    expect(mainCodes("compatibility_level = 3.6\nrelay_clientcerts = hash:/r\n")).toEqual([]);
    expect(mainCodes("compatibility_level = 2\nrelay_clientcerts = hash:/r\n", "3.5")).toEqual([]);
  });

  it("stays quiet about the implicit md5 where no fingerprint is used", () => {
    expect(mainCodes("compatibility_level = 2\n")).toEqual([]);
    expect(mainCodes("compatibility_level = 2\nsmtp_tls_security_level = may\n")).toEqual([]);
    // Only a policy table could use the fingerprint level: it cannot be read here.
    expect(
      mainCodes("compatibility_level = 2\nsmtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n"),
    ).toEqual([]);
  });
});

describe("the server's session cache database (P37)", () => {
  it("notes every non-empty cache database, $data_directory paths included", () => {
    for (const value of [
      "btree:${data_directory}/smtpd_scache",
      "lmdb:$data_directory/smtpd_scache",
      "btree:/var/lib/postfix/smtpd_scache",
    ]) {
      expect(mainCodes(`smtpd_tls_session_cache_database = ${value}\n`)).toEqual([
        "tls-server-cache-database",
      ]);
    }
  });

  it("warns about dbm: instead, and stays quiet when the cache is off", () => {
    expect(mainCodes("smtpd_tls_session_cache_database = dbm:${data_directory}/c\n")).toEqual([
      "tls-server-cache-dbm",
    ]);
    expect(mainCodes("smtpd_tls_session_cache_database =\n")).toEqual([]);
    expect(mainCodes("smtpd_tls_session_cache_database =   \n")).toEqual([]);
  });
});

describe("DANE digests (P58)", () => {
  it("warns when sha256 is missing and adds it", () => {
    expect(mainCodes("tls_dane_digests = sha512\n")).toEqual(["tls-dane-digests-no-sha256"]);
    expect(
      applyFix("main", "tls_dane_digests = sha512\n", "tls-dane-digests-no-sha256", /^Add/),
    ).toBe("tls_dane_digests = sha512 sha256\n");
    const master = "relay unix - - n - - smtp -o tls_dane_digests=sha512\n";
    expect(applyFix("master", master, "tls-dane-digests-no-sha256", /^Add/)).toBe(
      "relay unix - - n - - smtp -o tls_dane_digests=sha512,sha256\n",
    );
  });

  it("accepts lists with sha256, also with a matching type number", () => {
    expect(mainCodes("tls_dane_digests = sha512=2 SHA256=1\n")).toEqual([]);
  });
});

describe("TLS log levels (P59)", () => {
  it("notes level 2 and warns from level 3 on", () => {
    expect(mainCodes("smtpd_tls_loglevel = 2\n")).toEqual(["tls-loglevel-verbose"]);
    expect(mainCodes("smtp_tls_loglevel = 3\n")).toEqual(["tls-loglevel-high"]);
    expect(mainCodes("smtp_tls_loglevel = ssl-expert\n")).toEqual(["tls-loglevel-high"]);
    expect(applyFix("main", "smtp_tls_loglevel = 4\n", "tls-loglevel-high", /^Change to 1$/)).toBe(
      "smtp_tls_loglevel = 1\n",
    );
    const master = `${SUBMISSION} -o smtpd_tls_loglevel=9\n`;
    expect(diagnose("master", master).codes).toEqual(["tls-loglevel-high"]);
  });

  it("warns about trace from Postfix 3.12 on and removes it", () => {
    const text = "smtp_tls_loglevel = 1, trace\n";
    expect(mainCodes(text)).toEqual(["tls-loglevel-trace"]);
    expect(mainCodes(text, "3.11")).toEqual([]);
    expect(applyFix("main", text, "tls-loglevel-trace", /^Remove trace$/)).toBe(
      "smtp_tls_loglevel = 1\n",
    );
  });

  it("accepts 0 and 1", () => {
    expect(mainCodes("smtp_tls_loglevel = 1\nsmtpd_tls_loglevel = 0\n")).toEqual([]);
  });
});

describe("OpenSSL configuration and key exchange groups (P60)", () => {
  it("warns about a configuration file path and offers none", () => {
    const text = "tls_config_file = /etc/postfix/openssl.cnf\n";
    expect(mainCodes(text)).toEqual(["tls-config-file-custom"]);
    expect(applyFix("main", text, "tls-config-file-custom", /^Change to none$/)).toBe(
      "tls_config_file = none\n",
    );
  });

  it("flags words other than default and none (case matters here)", () => {
    expect(mainCodes("tls_config_file = Default\n")).toEqual(["tls-config-file-invalid"]);
    expect(
      applyFix("main", "tls_config_file = NONE\n", "tls-config-file-invalid", /^Change to none$/),
    ).toBe("tls_config_file = none\n");
    expect(mainCodes("tls_config_file = default\n")).toEqual([]);
    expect(mainCodes("tls_config_file = none\n")).toEqual([]);
  });

  it("warns when the curves lack X25519 or P-256, and adds them", () => {
    const text = "tls_eecdh_auto_curves = secp384r1 secp521r1\n";
    expect(mainCodes(text)).toEqual(["tls-groups-missing-recommended"]);
    expect(applyFix("main", text, "tls-groups-missing-recommended", /^Add/)).toBe(
      "tls_eecdh_auto_curves = X25519 prime256v1 secp384r1 secp521r1\n",
    );
    const master = "relay unix - - n - - smtp -o tls_eecdh_auto_curves=X25519\n";
    expect(applyFix("master", master, "tls-groups-missing-recommended", /^Add/)).toBe(
      "relay unix - - n - - smtp -o tls_eecdh_auto_curves=prime256v1,X25519\n",
    );
  });

  it("accepts lists with both, aliases, OpenSSL's DEFAULT and an all-empty setting", () => {
    expect(mainCodes("tls_eecdh_auto_curves = x25519, P-256, secp384r1\n")).toEqual([]);
    expect(mainCodes("tls_eecdh_auto_curves = ?X25519MLKEM768:DEFAULT\n")).toEqual([]);
    expect(mainCodes("tls_eecdh_auto_curves =\ntls_ffdhe_auto_groups =\n")).toEqual([]);
    expect(mainCodes("tls_eecdh_auto_curves =\n")).toEqual(["tls-groups-missing-recommended"]);
  });
});

describe("scope", () => {
  it("reports a main.cf value once, however many services inherit it", () => {
    const master = `smtp inet n - y - - smtpd\n${SUBMISSION}\nsmtps inet n - y - - smtpd\n`;
    expect(diagnose("main", "smtpd_tls_ciphers = export\n", {}, master).codes).toEqual([
      "tls-cipher-grade-obsolete",
    ]);
    expect(diagnose("master", master, {}, "smtpd_tls_ciphers = export\n").codes).toEqual([]);
  });

  it("leaves values with $ expansions alone", () => {
    expect(mainCodes("smtpd_tls_protocols = $my_protocols\nmy_protocols = !SSLv2\n")).toEqual([]);
  });
});

describe("messages", () => {
  checkFirstSentences(tlsValuesRules.map((rule) => rule.meta.id));
});
