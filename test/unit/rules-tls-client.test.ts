import { applyFixTo, diagnoseFile } from "../support/diagnose";
import { checkFirstSentences } from "../support/messages";
import { describe, expect, it } from "vitest";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { tlsClientRules } from "../../server/src/service/rules/tls-client";
import type { ValidationSettings } from "../../server/src/service/validation";

const tlsClientRuleDefinitions = tlsClientRules.map((rule) => rule.meta);
const CLIENT_RULES = new Set<string>(tlsClientRuleDefinitions.map((rule) => rule.id));

/** Diagnostics of this module's rules for one file, with the sibling file when given. */
const diagnose = (
  kind: ConfigKind,
  text: string,
  sibling?: string,
  settings: ValidationSettings = {},
) => diagnoseFile(kind, text, { sibling, settings, rules: CLIENT_RULES });

const main = (text: string, master?: string, version?: string) =>
  diagnose("main", text, master, version ? { version } : {});
const master = (text: string, mainText: string, version?: string) =>
  diagnose("master", text, mainText, version ? { version } : {});

function messageOf(result: ReturnType<typeof diagnose>, code: string): string {
  const found = result.diagnostics.find((d) => d.code === code);
  if (!found) throw new Error(`no ${code} in ${result.codes.join(", ")}`);
  return typeof found.message === "string" ? found.message : found.message.value;
}

/** Applies the quick-fix whose title matches and returns the new text. */
const applyFix = (
  kind: ConfigKind,
  text: string,
  code: string,
  title: RegExp,
  sibling?: string,
  version?: string,
) =>
  applyFixTo(kind, text, code, title, {
    sibling,
    settings: version ? { version } : {},
    rules: CLIENT_RULES,
  });

/** True when the diagnostic with this code offers a rule fix (not just the suppression). */
function hasFix(result: ReturnType<typeof diagnose>, code: string): boolean {
  return result.diagnostics.some((d) => d.code === code && d.data !== undefined);
}

const MASTER_CLIENTS =
  "smtp      inet  n       -       y       -       -       smtpd\n" +
  "smtp      unix  -       -       y       -       -       smtp\n" +
  "relay     unix  -       -       y       -       -       smtp\n" +
  "lmtp      unix  -       -       y       -       -       lmtp\n";

describe("rule table entries", () => {
  it("have kebab-case ids and name their pitfalls", () => {
    for (const rule of tlsClientRuleDefinitions) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.pitfalls!.length).toBeGreaterThan(0);
    }
  });
});

describe("P11: legacy switch overridden by a non-empty level", () => {
  const mainCf = "smtp_tls_security_level = may\n";
  const masterCf = MASTER_CLIENTS + "secure unix - - y - - smtp\n  -o smtp_enforce_tls=yes\n";

  it("flags -o smtp_enforce_tls=yes under a main.cf level, and replaces it with the level", () => {
    const result = master(masterCf, mainCf);
    expect(result.codes).toEqual(["tls-client-legacy-overridden"]);
    expect(messageOf(result, "tls-client-legacy-overridden")).toContain(
      "the secure transport uses TLS only when the server offers it",
    );
    expect(
      applyFix("master", masterCf, "tls-client-legacy-overridden", /^Replace with/, mainCf),
    ).toBe(MASTER_CLIENTS + "secure unix - - y - - smtp\n  -o smtp_tls_security_level=verify\n");
  });

  it("flags a same-file legacy switch that asks for more than the level gives", () => {
    const result = main("smtp_enforce_tls = yes\nsmtp_tls_security_level = may\n");
    expect(result.codes).toEqual(["tls-client-legacy-overridden"]);
    expect(hasFix(result, "tls-client-legacy-overridden")).toBe(false);
  });

  it("flags smtp_enforce_tls = yes under level encrypt: the peer-name check it implies is lost", () => {
    const text = "relayhost = [r]\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = encrypt\n";
    const result = main(text);
    expect(result.codes).toEqual(["tls-client-legacy-overridden"]);
    const message = messageOf(result, "tls-client-legacy-overridden");
    expect(message).toMatch(
      /^smtp_enforce_tls = yes asks for level verify, which smtp_tls_security_level = encrypt overrides\. That level is set in main\.cf\./,
    );
    expect(message).toContain("smtp_tls_enforce_peername = yes (its default)");
    // Several transports read it: every verb of the sentence agrees with them.
    const relay = main(text, "smtp unix - - y - - smtp\nrelay unix - - y - - smtp\n");
    expect(messageOf(relay, "tls-client-legacy-overridden")).toContain(
      "the smtp and relay transports require TLS but accept any server certificate",
    );
    expect(message).toContain("set smtp_tls_security_level = verify (it needs trusted CAs");
    // Without the peer-name check, enforce_tls asks for encrypt: nothing is lost.
    expect(main(`${text}smtp_tls_enforce_peername = no\n`).codes).toEqual([]);
    expect(
      main(
        "relayhost = [r]\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\n",
      ).codes,
    ).toEqual([]);
  });

  it("never suggests a weaker level: a switch asking for less than the level stays quiet", () => {
    expect(
      master(
        MASTER_CLIENTS + "plain unix - - y - - smtp -o smtp_use_tls=no\n",
        "smtp_tls_security_level = may\n",
      ).codes,
    ).toEqual([]);
    expect(main("smtp_use_tls = no\nsmtp_tls_security_level = may\n").codes).toEqual([]);
  });

  it("covers tlsproxy's client copies", () => {
    expect(
      main("tlsproxy_client_enforce_tls = yes\nsmtp_tls_security_level = may\n").codes,
    ).toEqual(["tls-client-legacy-overridden"]);
  });

  it("stays quiet when the legacy switch agrees, or a service sets its own level on purpose", () => {
    expect(main("smtp_use_tls = yes\nsmtp_tls_security_level = may\n").codes).toEqual([]);
    expect(
      main(
        "smtp_use_tls = yes\n",
        MASTER_CLIENTS + "plain unix - - y - - smtp -o smtp_tls_security_level=none\n",
      ).codes,
    ).toEqual([]);
    // With an empty level the legacy switches still decide.
    expect(
      main(
        "relayhost = [r]\nsmtp_enforce_tls = yes\nsmtp_tls_CAfile = /etc/ca.pem\n",
        undefined,
        "3.10",
      ).codes,
    ).toEqual([]);
  });
});

describe("P12: compatibility_level 3.11 makes the default level may", () => {
  it("flags smtp_enforce_tls = yes and adds the level it meant after it", () => {
    const text =
      "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_CAfile = /etc/ca.pem\n";
    const result = main(text);
    expect(result.codes).toContain("tls-client-compat-level-override");
    expect(messageOf(result, "tls-client-compat-level-override")).toContain(
      'That default is "may"',
    );
    expect(applyFix("main", text, "tls-client-compat-level-override", /^Add/)).toBe(
      "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\n",
    );
  });

  it("maps enforce without peer-name checks to encrypt, and use_tls = no to none", () => {
    expect(
      applyFix(
        "main",
        "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_enforce_peername = no",
        "tls-client-compat-level-override",
        /^Add/,
      ),
    ).toBe(
      "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = encrypt\nsmtp_tls_enforce_peername = no",
    );
    expect(
      applyFix(
        "main",
        "compatibility_level = 3.12\nsmtp_use_tls = no\n",
        "tls-client-compat-level-override",
        /^Add/,
      ),
    ).toBe("compatibility_level = 3.12\nsmtp_use_tls = no\nsmtp_tls_security_level = none\n");
  });

  it("adds an -o after a master.cf legacy switch", () => {
    const masterCf = "relay unix - - y - - smtp\n  -o smtp_enforce_tls=yes\n";
    expect(
      applyFix(
        "master",
        masterCf,
        "tls-client-compat-level-override",
        /^Add -o/,
        "compatibility_level = 3.11\nsmtp_tls_CAfile = /etc/ca.pem\n",
      ),
    ).toBe(
      "relay unix - - y - - smtp\n  -o smtp_enforce_tls=yes\n  -o smtp_tls_security_level=verify\n",
    );
  });

  it("stays quiet below 3.11, in older releases, or with an explicit level", () => {
    expect(main("compatibility_level = 3.10\nsmtp_enforce_tls = yes\n").codes).not.toContain(
      "tls-client-compat-level-override",
    );
    expect(
      main("compatibility_level = 3.11\nsmtp_enforce_tls = yes\n", undefined, "3.10").codes,
    ).not.toContain("tls-client-compat-level-override");
    expect(
      main(
        "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\nrelayhost = [r]\n",
      ).codes,
    ).toEqual([]);
  });
});

describe("P15: ignored DH, EECDH and low/export knobs", () => {
  it("flags them from the release that ignores them, and removes them", () => {
    expect(main("smtpd_tls_dh512_param_file = /etc/dh512.pem\n").codes).toEqual([
      "tls-ignored-parameter",
    ]);
    expect(
      applyFix(
        "main",
        "a_b = 1\nsmtpd_tls_dh512_param_file = /etc/dh512.pem\nrelayhost = x\n",
        "tls-ignored-parameter",
        /^Remove/,
      ),
    ).toBe("a_b = 1\nrelayhost = x\n");
    expect(main("tls_low_cipherlist = ALL\n", undefined, "3.8").codes).toEqual([
      "tls-ignored-parameter",
    ]);
    expect(main("smtpd_tls_eecdh_grade = strong\n", undefined, "3.7").codes).toEqual([
      "tls-ignored-parameter",
    ]);
  });

  it("removes a master.cf -o", () => {
    expect(
      applyFix(
        "master",
        "tlsproxy unix - - n - 0 tlsproxy\n  -o tlsproxy_tls_dh512_param_file=/x\n  -o syslog_name=p\n",
        "tls-ignored-parameter",
        /^Remove/,
        "",
      ),
    ).toBe("tlsproxy unix - - n - 0 tlsproxy\n  -o syslog_name=p\n");
    expect(
      applyFix(
        "master",
        "tlsproxy unix - - n - 0 tlsproxy -o tlsproxy_tls_eecdh_grade=auto -o syslog_name=p\n",
        "tls-ignored-parameter",
        /^Remove/,
        "",
      ),
    ).toBe("tlsproxy unix - - n - 0 tlsproxy -o syslog_name=p\n");
  });

  it("leaves releases that still read them, and names deprecated-parameter already reports", () => {
    expect(main("smtpd_tls_dh512_param_file = /etc/dh512.pem\n", undefined, "3.5").codes).toEqual(
      [],
    );
    expect(main("tls_low_cipherlist = ALL\n", undefined, "3.7").codes).toEqual([]);
    expect(main("smtpd_tls_eecdh_grade = strong\n", undefined, "3.9").codes).toEqual([]);
  });
});

describe("P16: mandatory settings nobody reads", () => {
  it("flags them when every client is opportunistic", () => {
    const result = main("smtp_tls_security_level = may\nsmtp_tls_mandatory_ciphers = high\n");
    expect(result.codes).toEqual(["tls-client-mandatory-unused"]);
  });

  it("stays quiet with a mandatory level somewhere, a policy table, or wrapper mode", () => {
    expect(
      main(
        "smtp_tls_security_level = may\nsmtp_tls_mandatory_ciphers = high\n",
        MASTER_CLIENTS + "sub unix - - y - - smtp -o smtp_tls_security_level=encrypt\n",
      ).codes,
    ).toEqual([]);
    expect(
      main(
        "smtp_tls_security_level = may\nsmtp_tls_mandatory_ciphers = high\nsmtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n",
      ).codes,
    ).toEqual([]);
  });
});

describe("P17: over-strict opportunistic TLS", () => {
  it("flags a raised protocol floor once, naming every transport it affects", () => {
    const result = main(
      "smtp_tls_security_level = may\nsmtp_tls_protocols = >=TLSv1.2\n",
      MASTER_CLIENTS,
    );
    expect(result.codes).toEqual(["tls-client-opportunistic-too-strict"]);
    expect(messageOf(result, "tls-client-opportunistic-too-strict")).toContain(
      "leaves only TLSv1.2 and TLSv1.3 for opportunistic TLS. On the smtp and relay transports,",
    );
  });

  it("reads exclusion lists, and leaves lists with a gap to tls-protocols-gap", () => {
    const result = main(
      "smtp_tls_security_level = may\nsmtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\n",
    );
    expect(messageOf(result, "tls-client-opportunistic-too-strict")).toContain(
      "leaves only TLSv1.2 and TLSv1.3",
    );
    expect(
      main("smtp_tls_security_level = may\nsmtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.1\n").codes,
    ).toEqual([]);
  });

  it("changes a high cipher grade back to medium", () => {
    expect(
      applyFix(
        "main",
        "smtp_tls_security_level = may\nsmtp_tls_ciphers = high\n",
        "tls-client-opportunistic-too-strict",
        /^Change to medium/,
      ),
    ).toBe("smtp_tls_security_level = may\nsmtp_tls_ciphers = medium\n");
  });

  it("flags exclusions only where they narrow the grade in effect for the release", () => {
    const dane =
      "smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\nsmtp_tls_exclude_ciphers = RC4\n";
    // tls_medium_cipherlist leaves out RC4 itself from 3.8 on.
    expect(main(dane, undefined, "3.7").codes).toEqual(["tls-client-opportunistic-too-strict"]);
    expect(main(dane, undefined, "3.12").codes).toEqual([]);
    const mixed = "smtp_tls_security_level = may\nsmtp_tls_exclude_ciphers = EXPORT, LOW, aNULL\n";
    expect(messageOf(main(mixed), "tls-client-opportunistic-too-strict")).toMatch(
      /^smtp_tls_exclude_ciphers removes ciphers \(aNULL\) /,
    );
  });

  it("stays quiet for exclusions the grade in effect has left out already", () => {
    for (const version of ["2.9", "3.7", "3.12"]) {
      for (const list of ["EXPORT, LOW", "EXP:eNULL", "NULL"]) {
        const text = `smtp_tls_security_level = may\nsmtp_tls_exclude_ciphers = ${list}\n`;
        expect(main(text, undefined, version).codes).toEqual([]);
      }
    }
    expect(
      main("smtp_tls_security_level = may\nsmtp_tls_exclude_ciphers = MD5, 3DES, RC4, aDSS\n")
        .codes,
    ).toEqual([]);
    // A changed grade list is read as it is: MEDIUM ciphers are gone from this one.
    expect(
      main(
        "smtp_tls_security_level = may\ntls_medium_cipherlist = aNULL:-aNULL:HIGH:!MEDIUM\nsmtp_tls_exclude_ciphers = MEDIUM\n",
      ).codes,
    ).toEqual([]);
  });

  it("stays quiet with the defaults, at mandatory levels, and on unreadable lists", () => {
    expect(
      main("smtp_tls_security_level = may\nsmtp_tls_protocols = !SSLv2, !SSLv3\n").codes,
    ).toEqual([]);
    expect(
      main(
        "relayhost = [r]\nsmtp_tls_security_level = encrypt\nsmtp_tls_protocols = >=TLSv1.2\nsmtp_tls_ciphers = high\n",
      ).codes,
    ).toEqual([]);
    expect(main("smtp_tls_security_level = may\nsmtp_tls_protocols = >= TLSv1.2\n").codes).toEqual(
      [],
    );
  });
});

describe("P21: aNULL excluded by hand at verifying levels", () => {
  const base = "relayhost = [r]\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\n";

  it("flags it and removes just that item", () => {
    const text = base + "smtp_tls_mandatory_exclude_ciphers = aNULL, MD5\n";
    expect(main(text).codes).toEqual(["tls-client-anull-excluded"]);
    expect(applyFix("main", text, "tls-client-anull-excluded", /^Remove aNULL/)).toBe(
      base + "smtp_tls_mandatory_exclude_ciphers = MD5\n",
    );
    expect(
      applyFix(
        "main",
        base + "smtp_tls_exclude_ciphers = RC4, aNULL\n",
        "tls-client-anull-excluded",
        /^Remove aNULL/,
      ),
    ).toBe(base + "smtp_tls_exclude_ciphers = RC4\n");
  });

  it("stays quiet at encrypt and with a policy table", () => {
    expect(
      main(
        "relayhost = [r]\nsmtp_tls_security_level = encrypt\nsmtp_tls_mandatory_exclude_ciphers = aNULL\n",
      ).codes,
    ).toEqual([]);
    expect(
      main(base + "smtp_tls_policy_maps = hash:/p\nsmtp_tls_mandatory_exclude_ciphers = aNULL\n")
        .codes,
    ).toEqual([]);
  });
});

describe("P23: TLSv1 excluded for DANE", () => {
  const base = "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\n";

  it("flags a mandatory floor above TLSv1 with dane as the default", () => {
    expect(main(base + "smtp_tls_mandatory_protocols = >=TLSv1.2\n").codes).toEqual([
      "tls-client-dane-tlsv1-excluded",
    ]);
  });

  it("stays quiet with TLSv1 allowed or without dane", () => {
    expect(main(base + "smtp_tls_mandatory_protocols = >=TLSv1\n").codes).toEqual([]);
    expect(
      main(
        "relayhost = [r]\nsmtp_tls_security_level = encrypt\nsmtp_tls_mandatory_protocols = >=TLSv1.2\n",
      ).codes,
    ).toEqual([]);
  });
});

describe("P44: CA data at levels that do not verify", () => {
  it("notes a CAfile at may", () => {
    expect(main("smtp_tls_security_level = may\nsmtp_tls_CAfile = /etc/ca.pem\n").codes).toEqual([
      "tls-client-ca-unused",
    ]);
  });

  it("stays quiet when something verifies or a policy table may", () => {
    expect(
      main(
        "smtp_tls_security_level = may\nsmtp_tls_CAfile = /etc/ca.pem\n",
        MASTER_CLIENTS + "v unix - - y - - smtp -o smtp_tls_security_level=verify\n",
      ).codes,
    ).toEqual([]);
    expect(
      main(
        "smtp_tls_security_level = may\nsmtp_tls_CAfile = /etc/ca.pem\nsmtp_tls_policy_maps = hash:/p\n",
      ).codes,
    ).toEqual([]);
  });
});

describe("P45: verify without trust anchors", () => {
  it("flags verify with no CAfile, CApath or trust anchors", () => {
    const result = main("relayhost = [r]\nsmtp_tls_security_level = verify\n");
    expect(result.codes).toEqual(["tls-client-verify-without-ca"]);
  });

  it("flags it on the -o that sets the level", () => {
    expect(
      master(
        MASTER_CLIENTS + "v unix - - y - - smtp -o smtp_tls_security_level=secure\n",
        "relayhost = [r]\n",
      ).codes,
    ).toEqual(["tls-client-verify-without-ca"]);
  });

  it("stays quiet with a CApath or a policy table", () => {
    expect(
      main("relayhost = [r]\nsmtp_tls_security_level = verify\nsmtp_tls_CApath = /etc/ssl/certs\n")
        .codes,
    ).toEqual([]);
    expect(
      main("relayhost = [r]\nsmtp_tls_security_level = verify\nsmtp_tls_policy_maps = hash:/p\n")
        .codes,
    ).toEqual([]);
  });
});

describe("P46: mandatory TLS for all Internet mail", () => {
  it("flags encrypt as the default without a relayhost", () => {
    const result = main("smtp_tls_security_level = encrypt\n", MASTER_CLIENTS);
    expect(result.codes).toEqual(["tls-client-mandatory-internet-default"]);
    expect(messageOf(result, "tls-client-mandatory-internet-default")).toContain(
      "the smtp transport delivers directly",
    );
  });

  it("stays quiet with a relayhost, a default next hop, transport tables, or may", () => {
    expect(main("relayhost = [r]\nsmtp_tls_security_level = encrypt\n").codes).toEqual([]);
    expect(main("default_transport = smtp:[r]\nsmtp_tls_security_level = encrypt\n").codes).toEqual(
      [],
    );
    expect(main("transport_maps = hash:/t\nsmtp_tls_security_level = encrypt\n").codes).toEqual([]);
    expect(main("smtp_tls_security_level = may\n").codes).toEqual([]);
  });
});

describe("P47: DANE without DNSSEC", () => {
  it("flags dane without smtp_dns_support_level = dnssec, and adds it", () => {
    const text = "smtp_tls_security_level = dane\n";
    expect(main(text).codes).toEqual(["tls-client-dane-without-dnssec"]);
    expect(applyFix("main", text, "tls-client-dane-without-dnssec", /^Set/)).toBe(
      "smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\n",
    );
    expect(
      applyFix(
        "main",
        "smtp_dns_support_level = enabled\nsmtp_tls_security_level = dane-only\n",
        "tls-client-dane-without-dnssec",
        /^Set/,
      ),
    ).toBe("smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane-only\n");
  });

  it("explains the other causes, without a fix", () => {
    const result = main(
      "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\nignore_mx_lookup_error = yes\n",
    );
    expect(messageOf(result, "tls-client-dane-without-dnssec")).toContain(
      "ignore_mx_lookup_error = yes",
    );
    expect(hasFix(result, "tls-client-dane-without-dnssec")).toBe(false);
  });

  it("flags dane for LMTP over a UNIX-domain socket", () => {
    const result = main(
      "lmtp_tls_security_level = dane\nmailbox_transport = lmtp:unix:private/dovecot-lmtp\n",
    );
    expect(messageOf(result, "tls-client-dane-without-dnssec")).toContain(
      "DANE is invalid for UNIX-domain sockets",
    );
  });

  it("stays quiet with DNSSEC lookups", () => {
    expect(main("smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\n").codes).toEqual(
      [],
    );
  });
});

describe("P48 and P51: the fingerprint level", () => {
  it("flags fingerprint with nothing to match", () => {
    expect(main("relayhost = [r]\nsmtp_tls_security_level = fingerprint\n").codes).toEqual([
      "tls-client-fingerprint-without-match",
    ]);
    expect(
      main(
        "relayhost = [r]\nsmtp_tls_security_level = fingerprint\nsmtp_tls_fingerprint_cert_match = 3D:95:34\n",
      ).codes,
    ).toEqual([]);
  });

  it("flags raw public keys with the fingerprint level, but not with verify", () => {
    const base =
      "relayhost = [r]\nsmtp_tls_fingerprint_cert_match = 3D:95:34\nsmtp_tls_enable_rpk = yes\n";
    expect(main(base + "smtp_tls_security_level = fingerprint\n").codes).toEqual([
      "tls-client-rpk-fingerprint",
    ]);
    expect(
      main(base + "smtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\n").codes,
    ).toEqual([]);
  });
});

describe("P52: SMTPS on the client side", () => {
  const mainCf = "relayhost = [r]\nsmtp_tls_security_level = may\n";

  it("flags wrapper mode below encrypt, and adds -o ..._level=encrypt", () => {
    const masterCf = "smtps unix - - y - - smtp\n  -o smtp_tls_wrappermode=yes\n";
    expect(master(masterCf, mainCf).codes).toEqual(["tls-client-wrappermode-level"]);
    expect(applyFix("master", masterCf, "tls-client-wrappermode-level", /^Set -o/, mainCf)).toBe(
      "smtps unix - - y - - smtp\n  -o smtp_tls_wrappermode=yes\n  -o smtp_tls_security_level=encrypt\n",
    );
    expect(
      master(
        "smtps unix - - y - - smtp\n  -o smtp_tls_wrappermode=yes\n  -o smtp_tls_security_level=encrypt\n",
        mainCf,
      ).codes,
    ).toEqual([]);
  });

  it("changes the level in the same file when wrapper mode is global", () => {
    expect(
      applyFix(
        "main",
        "relayhost = [r]:465\nsmtp_tls_security_level = may\nsmtp_tls_wrappermode = yes\n",
        "tls-client-wrappermode-level",
        /^Set/,
      ),
    ).toBe("relayhost = [r]:465\nsmtp_tls_security_level = encrypt\nsmtp_tls_wrappermode = yes\n");
  });

  it("flags a relayhost on port 465 without wrapper mode", () => {
    expect(
      main("relayhost = [smtp.example.com]:465\nsmtp_tls_security_level = encrypt\n").codes,
    ).toEqual(["tls-client-smtps-without-wrappermode"]);
    expect(main("relayhost = smtp.example.com:smtps\n").codes).toEqual([
      "tls-client-smtps-without-wrappermode",
    ]);
    expect(main("default_transport = smtp:[smtp.example.com]:465\n", MASTER_CLIENTS).codes).toEqual(
      ["tls-client-smtps-without-wrappermode"],
    );
  });

  it("stays quiet on port 587, and with wrapper mode", () => {
    expect(main("relayhost = [smtp.example.com]:587\n").codes).toEqual([]);
    expect(
      main(
        "relayhost = [smtp.example.com]:465\nsmtp_tls_wrappermode = yes\nsmtp_tls_security_level = encrypt\n",
      ).codes,
    ).toEqual([]);
  });
});

describe("P53: SASL password over optional TLS", () => {
  const base = "relayhost = [mail.example.com]:587\nsmtp_sasl_auth_enable = yes\n";

  it("flags plaintext mechanisms allowed while TLS is optional", () => {
    expect(
      main(base + "smtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = may\n")
        .codes,
    ).toEqual(["tls-client-sasl-optional-tls"]);
  });

  it("stays quiet with encrypt or the default options", () => {
    expect(
      main(base + "smtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = encrypt\n")
        .codes,
    ).toEqual([]);
    expect(main(base + "smtp_tls_security_level = may\n").codes).toEqual([]);
  });
});

describe("P54: opportunistic LMTP over UNIX-domain sockets", () => {
  const text =
    "lmtp_tls_security_level = may\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n";

  it("notes it and changes the level to none", () => {
    expect(main(text, MASTER_CLIENTS).codes).toEqual(["tls-lmtp-unix-opportunistic"]);
    expect(applyFix("main", text, "tls-lmtp-unix-opportunistic", /^Change to none/)).toBe(
      "lmtp_tls_security_level = none\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n",
    );
  });

  it("stays quiet for TCP destinations or with transport tables", () => {
    expect(
      main("lmtp_tls_security_level = may\nvirtual_transport = lmtp:inet:127.0.0.1:24\n").codes,
    ).toEqual([]);
    expect(main(text + "transport_maps = hash:/t\n").codes).toEqual([]);
  });
});

describe("P56: unneeded client certificates and DSA", () => {
  it("notes a client certificate for direct Internet delivery", () => {
    expect(main("smtp_tls_cert_file = /etc/client.pem\n").codes).toEqual([
      "tls-client-cert-unneeded",
    ]);
    expect(main("relayhost = [r]\nsmtp_tls_cert_file = /etc/client.pem\n").codes).toEqual([]);
  });

  it("notes DSA certificates on either side", () => {
    const result = main("smtpd_tls_dcert_file = /etc/dsa.pem\nrelayhost = [r]\n");
    expect(result.codes).toEqual(["tls-dsa-certificate"]);
    expect(messageOf(result, "tls-dsa-certificate")).toContain("aDSS");
    expect(main("smtpd_tls_dcert_file =\n").codes).toEqual([]);
  });
});

describe("P57: one SNI name for every server", () => {
  it("flags a literal name without a relayhost", () => {
    const result = main("smtp_tls_servername = mail.example.com\n");
    expect(result.codes).toEqual(["tls-client-servername-literal"]);
    expect(
      messageOf(main("smtp_tls_servername = bad_name\n"), "tls-client-servername-literal"),
    ).toContain("not a valid hostname");
  });

  it("stays quiet for hostname, nexthop, or with a relayhost", () => {
    expect(main("smtp_tls_servername = hostname\n").codes).toEqual([]);
    expect(main("smtp_tls_servername = nexthop\n").codes).toEqual([]);
    expect(main("relayhost = [r]\nsmtp_tls_servername = mail.example.com\n").codes).toEqual([]);
  });
});

describe("messages", () => {
  checkFirstSentences(tlsClientRuleDefinitions.map((rule) => rule.id));
});
