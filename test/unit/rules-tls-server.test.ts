import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyFixTo, diagnoseFile } from "../support/diagnose";
import { checkFirstSentences } from "../support/messages";
import { describe, expect, it } from "vitest";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { tlsServerRules } from "../../server/src/service/rules/tls-server";
import type { ValidationSettings } from "../../server/src/service/validation";

/** The ids of this module's rules; other modules' findings are left out of the comparisons. */
const OURS = new Set<string>(tlsServerRules.map((rule) => rule.meta.id));

const diagnose = (
  kind: ConfigKind,
  text: string,
  sibling?: string,
  settings: ValidationSettings = {},
) => diagnoseFile(kind, text, { sibling, settings, rules: OURS });

/** Our rule ids reported for main.cf and master.cf, as "main:id" / "master:id". */
function both(main: string, master?: string, settings: ValidationSettings = {}): string[] {
  const codes = diagnose("main", main, master, settings).codes.map((c) => `main:${c}`);
  if (master !== undefined)
    codes.push(...diagnose("master", master, main, settings).codes.map((c) => `master:${c}`));
  return codes;
}

function messageOf(kind: ConfigKind, text: string, code: string, sibling?: string): string {
  const found = diagnose(kind, text, sibling).diagnostics.find((d) => d.code === code);
  if (!found) throw new Error(`no ${code}`);
  return typeof found.message === "string" ? found.message : found.message.value;
}

/** Applies the quick-fix of `code` whose title matches and returns the new text. */
const applyFix = (kind: ConfigKind, text: string, code: string, title: RegExp, sibling?: string) =>
  applyFixTo(kind, text, code, title, { sibling, rules: OURS });

const CERT = "smtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n";
const MAY = `smtpd_tls_security_level = may\n${CERT}`;
const TLSMGR = "tlsmgr    unix  -       -       y       1000?   1       tlsmgr\n";
const SMTP = "smtp      inet  n       -       y       -       -       smtpd\n";

describe("port 25 (P24, P43)", () => {
  it("warns about mandatory TLS that reaches the port 25 service", () => {
    const main = `smtpd_tls_security_level = encrypt\n${CERT}`;
    expect(both(main, SMTP + TLSMGR)).toEqual(["main:mandatory-tls-on-port-25"]);
    expect(messageOf("main", main, "mandatory-tls-on-port-25", SMTP + TLSMGR)).toContain(
      "smtp/inet",
    );
  });

  it("follows postscreen to the smtpd behind it", () => {
    const master =
      "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd -o smtpd_tls_security_level=encrypt\n" +
      TLSMGR;
    expect(both(MAY, master)).toContain("master:mandatory-tls-on-port-25");
    expect(messageOf("master", master, "mandatory-tls-on-port-25", MAY)).toContain(
      "from postscreen",
    );
  });

  it("stays quiet when port 25 overrides the level, listens on loopback, or master.cf is unknown", () => {
    const main = `smtpd_tls_security_level = encrypt\n${CERT}`;
    expect(
      both(main, "smtp inet n - y - - smtpd -o smtpd_tls_security_level=may\n" + TLSMGR),
    ).toEqual([]);
    expect(both(main, "127.0.0.1:smtp inet n - y - - smtpd\n" + TLSMGR)).toEqual([]);
    expect(both(`${main}inet_interfaces = loopback-only\n`, SMTP + TLSMGR)).toEqual([]);
    expect(both(main)).toEqual([]);
    expect(both(MAY, SMTP + TLSMGR)).toEqual([]);
  });

  it("changes an -o on the port 25 service to may", () => {
    const master = "smtp inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n" + TLSMGR;
    expect(applyFix("master", master, "mandatory-tls-on-port-25", /^Change to may/, CERT)).toBe(
      "smtp inet n - y - - smtpd -o smtpd_tls_security_level=may\n" + TLSMGR,
    );
  });

  it("notes client certificate requests on port 25, and turns them off there", () => {
    const master = "smtp inet n - y - - smtpd -o smtpd_tls_ask_ccert=yes\n" + TLSMGR;
    expect(both(MAY, master)).toEqual(["master:ask-ccert-on-port-25"]);
    expect(applyFix("master", master, "ask-ccert-on-port-25", /^Change to no/, MAY)).toBe(
      "smtp inet n - y - - smtpd -o smtpd_tls_ask_ccert=no\n" + TLSMGR,
    );
    const submission = "submission inet n - y - - smtpd -o smtpd_tls_ask_ccert=yes\n" + TLSMGR;
    expect(both(MAY, SMTP + submission)).toEqual([]);
  });
});

describe("wrapper mode (P25, P26)", () => {
  it("flags wrapper mode in main.cf", () => {
    const main = `smtpd_tls_wrappermode = yes\n${CERT}`;
    expect(both(main)).toEqual(["main:wrappermode-in-main-cf"]);
    expect(both(main, SMTP + TLSMGR)).toContain("main:wrappermode-in-main-cf");
    expect(diagnose("main", main).diagnostics[0].data).toBeUndefined();
  });

  it("accepts main.cf wrapper mode that only a port 465 service inherits", () => {
    const main = `smtpd_tls_wrappermode = yes\n${CERT}`;
    expect(both(main, "submissions inet n - y - - smtpd\n" + TLSMGR)).toEqual([]);
    expect(both(`smtpd_tls_wrappermode = no\n${MAY}`)).toEqual([]);
  });

  it("flags a port 465 service without wrapper mode and adds it", () => {
    const master =
      "submissions inet n - y - - smtpd\n  -o syslog_name=postfix/submissions\n" + TLSMGR;
    expect(both(MAY, master)).toEqual(["master:submissions-without-wrappermode"]);
    expect(applyFix("master", master, "submissions-without-wrappermode", /^Add -o/, MAY)).toBe(
      "submissions inet n - y - - smtpd\n  -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes\n" +
        TLSMGR,
    );
    expect(
      applyFix(
        "master",
        "0.0.0.0:465 inet n - y - - smtpd -o smtpd_tls_wrappermode=no\n" + TLSMGR,
        "submissions-without-wrappermode",
        /^Add -o/,
        MAY,
      ),
    ).toBe("0.0.0.0:465 inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\n" + TLSMGR);
  });

  it("leaves 465 alone with wrapper mode, or when the -o is only mis-spaced", () => {
    expect(both(MAY, "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\n" + TLSMGR)).toEqual(
      [],
    );
    expect(
      both(MAY, "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode = yes\n" + TLSMGR),
    ).toEqual([]);
    expect(both(MAY, "submission inet n - y - - smtpd\n" + TLSMGR)).toEqual([]);
  });
});

describe("client certificates (P27)", () => {
  it("flags smtpd_tls_req_ccert where TLS is optional", () => {
    expect(both(`${MAY}smtpd_tls_req_ccert = yes\n`)).toEqual([
      "main:req-ccert-without-mandatory-tls",
    ]);
  });

  it("accepts it where TLS is required", () => {
    const master =
      SMTP +
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_req_ccert=yes\n" +
      TLSMGR;
    expect(both(MAY, master)).toEqual([]);
  });
});

describe("server certificates (P28-P31, P62)", () => {
  it("flags TLS without a certificate once per setting that turns it on", () => {
    const master = SMTP + "submission inet n - y - - smtpd\n" + TLSMGR;
    expect(both("smtpd_tls_security_level = may\n", master)).toEqual([
      "main:server-tls-without-certificate",
    ]);
    const wrapper = "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes\n" + TLSMGR;
    expect(both("", wrapper)).toEqual(["master:server-tls-without-certificate"]);
    expect(messageOf("master", wrapper, "server-tls-without-certificate", "")).toContain(
      "in wrapper mode it drops the connection",
    );
    expect(both(MAY)).toEqual([]);
    expect(both("smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/mx.pem\n")).toEqual(
      [],
    );
  });

  it("says that STARTTLS is still announced without a certificate, and refused with 454", () => {
    const message = messageOf(
      "main",
      "smtpd_tls_security_level = may\n",
      "server-tls-without-certificate",
    );
    expect(message).toMatch(
      /^smtpd_tls_security_level = may in main\.cf turns on TLS for smtpd, but no server certificate is configured\./,
    );
    expect(message).toContain(
      'still announces STARTTLS, and answers it with "454 4.7.0 TLS not available due to local problem"',
    );
    expect(message).not.toMatch(/no STARTTLS|not offered/);
  });

  it("warns about a certificate-less server", () => {
    const main = "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = none\n";
    expect(both(main)).toEqual(["main:server-certificate-none"]);
    expect(both(`${main}smtpd_tls_eccert_file = /etc/ssl/ec.pem\n`)).toEqual([]);
  });

  it("warns when a certificate-only file has no key file, and adds certbot's key", () => {
    const main =
      "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/letsencrypt/live/mx/fullchain.pem\n";
    expect(both(main)).toEqual(["main:server-key-file-default"]);
    expect(applyFix("main", main, "server-key-file-default", /^Set smtpd_tls_key_file/)).toBe(
      main + "smtpd_tls_key_file = /etc/letsencrypt/live/mx/privkey.pem\n",
    );
    expect(both(`${main}smtpd_tls_key_file = /etc/letsencrypt/live/mx/privkey.pem\n`)).toEqual([]);
    expect(
      both("smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/mx-combined.pem\n"),
    ).toEqual([]);
    const master =
      SMTP + "submission inet n - y - - smtpd -o smtpd_tls_cert_file=/etc/ssl/mx.crt\n";
    expect(
      both(MAY.replace(CERT, "smtpd_tls_cert_file = /etc/ssl/a.pem\n"), master + TLSMGR),
    ).toEqual(["master:server-key-file-default"]);
  });

  it("flags legacy certificate settings next to chain files, and removes them", () => {
    const main = `${MAY}smtpd_tls_cert_file = /etc/ssl/mx.pem\nsmtpd_tls_key_file = /etc/ssl/mx.key\n`;
    expect(both(main)).toEqual(["main:chain-files-with-legacy-certificates"]);
    expect(applyFix("main", main, "chain-files-with-legacy-certificates", /^Remove/)).toBe(
      `${MAY}smtpd_tls_key_file = /etc/ssl/mx.key\n`,
    );
    const master =
      SMTP +
      "submission inet n - y - - smtpd\n  -o smtpd_tls_cert_file=/a.pem\n  -o syslog_name=x\n";
    expect(
      applyFix("master", master + TLSMGR, "chain-files-with-legacy-certificates", /^Remove/, MAY),
    ).toBe(SMTP + "submission inet n - y - - smtpd\n  -o syslog_name=x\n" + TLSMGR);
  });

  it("notes a certificate that no service uses, and turns TLS on", () => {
    expect(both(CERT)).toEqual(["main:server-certificate-unused"]);
    expect(
      applyFix("main", CERT, "server-certificate-unused", /^Set smtpd_tls_security_level/),
    ).toBe(`${CERT}smtpd_tls_security_level = may\n`);
    const none = `smtpd_tls_security_level = none\n${CERT}`;
    expect(applyFix("main", none, "server-certificate-unused", /^Set/)).toBe(
      `smtpd_tls_security_level = may\n${CERT}`,
    );
    expect(both(MAY)).toEqual([]);
    expect(
      both(
        CERT,
        SMTP + "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n" + TLSMGR,
      ),
    ).toEqual([]);
  });
});

describe("server levels (P32, P11, P16)", () => {
  it("maps client-only levels to encrypt, and dane to may", () => {
    const verify = `smtpd_tls_security_level = verify\n${CERT}`;
    expect(both(verify)).toEqual(["main:client-level-on-server"]);
    expect(applyFix("main", verify, "client-level-on-server", /^Change to encrypt/)).toBe(
      `smtpd_tls_security_level = encrypt\n${CERT}`,
    );
    const dane = `smtpd_tls_security_level = dane\n${CERT}`;
    expect(both(dane)).toEqual(["main:dane-level-on-server"]);
    expect(applyFix("main", dane, "dane-level-on-server", /^Change to may/)).toBe(MAY);
    expect(both(MAY)).toEqual([]);
  });

  it("reports every client-only level on the server: dane levels stop it, the others become encrypt", () => {
    for (const level of ["fingerprint", "verify", "secure"])
      expect(both(`smtpd_tls_security_level = ${level}\n${CERT}`), level).toEqual([
        "main:client-level-on-server",
      ]);
    for (const level of ["dane", "dane-only"])
      expect(both(`smtpd_tls_security_level = ${level}\n${CERT}`), level).toEqual([
        "main:dane-level-on-server",
      ]);
    for (const level of ["none", "may", "encrypt"])
      expect(both(`smtpd_tls_security_level = ${level}\n${CERT}`), level).not.toContain(
        expect.stringMatching(/level-on-server/),
      );
  });

  it("ignores the level in wrapper mode", () => {
    const master =
      SMTP +
      "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=dane\n" +
      TLSMGR;
    expect(both(MAY, master)).toEqual([]);
  });

  it("flags a legacy switch that asks for more than the level gives, and writes that level instead", () => {
    const master = SMTP + "submission inet n - y - - smtpd -o smtpd_enforce_tls=yes\n" + TLSMGR;
    expect(both(MAY, master)).toEqual(["master:tls-server-legacy-overridden"]);
    expect(messageOf("master", master, "tls-server-legacy-overridden", MAY)).toMatch(
      /^-o smtpd_enforce_tls=yes on submission\/inet asks for TLS level encrypt, which smtpd_tls_security_level = may overrides\./,
    );
    expect(applyFix("master", master, "tls-server-legacy-overridden", /^Replace/, MAY)).toBe(
      SMTP + "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n" + TLSMGR,
    );
    const none = `smtpd_tls_security_level = none\n${CERT}smtpd_use_tls = yes\n`;
    expect(both(none)).toContain("main:tls-server-legacy-overridden");
    expect(messageOf("main", none, "tls-server-legacy-overridden")).toContain(
      "set smtpd_tls_security_level = may",
    );
  });

  it("stays quiet when the legacy switch asks for less than the level gives, or for its default", () => {
    // The level gives more: nothing is lost, and deprecated-parameter reports the old switch.
    const encrypt = `smtpd_tls_security_level = encrypt\n${CERT}`;
    expect(both(`${encrypt}smtpd_use_tls = yes\n`)).toEqual([]);
    expect(both(`${MAY}smtpd_use_tls = yes\n`)).toEqual([]);
    expect(both(`${MAY}smtpd_use_tls = no\n`)).toEqual([]);
    expect(both(`${MAY}smtpd_enforce_tls = no\n`)).toEqual([]);
    const submission =
      SMTP +
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_use_tls=yes\n" +
      TLSMGR;
    expect(both(MAY, submission)).toEqual([]);
  });

  it("names the smtpd level for a main.cf switch that postscreen inherits too", () => {
    const master =
      "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n" +
      "tlsproxy unix - - y - 0 tlsproxy\n" +
      TLSMGR;
    const main = `${MAY}smtpd_use_tls = yes\nsmtpd_enforce_tls = yes\n`;
    const message = messageOf("main", main, "tls-server-legacy-overridden", master);
    expect(message).toContain("set smtpd_tls_security_level = encrypt");
    expect(message).not.toMatch(/postscreen_tls_security_level = encrypt/);
  });

  it("notes mandatory settings where no service requires TLS", () => {
    const main = `${MAY}smtpd_tls_mandatory_protocols = >=TLSv1.2\n`;
    expect(both(main)).toEqual(["main:tls-server-mandatory-unused"]);
    const master =
      SMTP + "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n" + TLSMGR;
    expect(both(main, master)).toEqual([]);
  });
});

describe("aNULL excluded by hand (P21)", () => {
  it("notes aNULL where the server asks for client certificates, and removes it", () => {
    const main = `${MAY}smtpd_tls_ask_ccert = yes\nsmtpd_tls_exclude_ciphers = aNULL, RC4\n`;
    // Without master.cf the service may be port 25's, which ask-ccert-on-port-25 notes.
    expect(both(main)).toEqual(["main:ask-ccert-on-port-25", "main:tls-server-anull-excluded"]);
    expect(applyFix("main", main, "tls-server-anull-excluded", /^Remove aNULL/)).toBe(
      main.replace("aNULL, RC4", "RC4"),
    );
    const master =
      SMTP +
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_req_ccert=yes\n" +
      "  -o smtpd_tls_mandatory_exclude_ciphers=aNULL\n" +
      TLSMGR;
    expect(both(MAY, master)).toEqual(["master:tls-server-anull-excluded"]);
  });

  it("stays quiet where some service that reads the list does not ask for certificates", () => {
    const main = `${MAY}smtpd_tls_exclude_ciphers = aNULL\n`;
    expect(both(main)).toEqual([]);
    const master = SMTP + "submission inet n - y - - smtpd -o smtpd_tls_ask_ccert=yes\n" + TLSMGR;
    expect(both(main, master)).toEqual([]);
    // req_ccert without required TLS asks for nothing (req-ccert-without-mandatory-tls says so).
    expect(both(`${main}smtpd_tls_req_ccert = yes\n`)).toEqual([
      "main:req-ccert-without-mandatory-tls",
    ]);
  });
});

describe("SASL (P33-P36)", () => {
  it("flags AUTH before STARTTLS and sets smtpd_tls_auth_only", () => {
    const main = `${MAY}smtpd_sasl_auth_enable = yes\n`;
    expect(both(main)).toEqual(["main:sasl-auth-before-tls"]);
    expect(applyFix("main", main, "sasl-auth-before-tls", /^Set smtpd_tls_auth_only/)).toBe(
      `${main}smtpd_tls_auth_only = yes\n`,
    );
    const master =
      SMTP + "submission inet n - y - - smtpd -o smtpd_sasl_auth_enable=yes\n" + TLSMGR;
    expect(applyFix("master", master, "sasl-auth-before-tls", /^Set/, MAY)).toBe(
      SMTP +
        "submission inet n - y - - smtpd -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes\n" +
        TLSMGR,
    );
    expect(both(`${main}smtpd_tls_auth_only = yes\n`)).toEqual([]);
    expect(both(`${main}smtpd_sasl_security_options = noanonymous, noplaintext\n`)).not.toContain(
      "main:sasl-auth-before-tls",
    );
  });

  it("flags AUTH that is never offered", () => {
    const main = "smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n";
    expect(both(main)).toEqual(["main:sasl-auth-never-offered"]);
    expect(both(`${MAY}${main}`)).toEqual([]);
    const master =
      SMTP +
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=yes\n" +
      TLSMGR;
    expect(both(`${MAY}smtpd_tls_auth_only = yes\n`, master)).toEqual([
      "master:sasl-auth-never-offered",
    ]);
  });

  it("leaves a service without TLS alone when it merely inherits AUTH that works elsewhere", () => {
    const main = `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n`;
    const master =
      SMTP + "127.0.0.1:10025 inet n - n - - smtpd -o smtpd_tls_security_level=none\n" + TLSMGR;
    expect(both(main, master)).toEqual([]);
    const plain = `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = no\n`;
    const loopback =
      SMTP + "127.0.0.1:10025 inet n - n - - smtpd -o smtpd_tls_security_level=none\n" + TLSMGR;
    expect(both(plain, loopback)).toEqual(["main:sasl-auth-before-tls"]);
    expect(messageOf("main", plain, "sasl-auth-before-tls", loopback)).not.toContain("10025");
  });

  it("requires noanonymous and adds it", () => {
    const main = `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options = noplaintext\nsmtpd_sasl_tls_security_options = noanonymous\n`;
    expect(both(main)).toEqual(["main:sasl-options-without-noanonymous"]);
    expect(applyFix("main", main, "sasl-options-without-noanonymous", /^Add noanonymous/)).toBe(
      main.replace("= noplaintext", "= noanonymous, noplaintext"),
    );
    expect(both(`${MAY}smtpd_sasl_security_options = noplaintext\n`)).toEqual([]);
    expect(
      applyFix(
        "main",
        `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options =\n`,
        "sasl-options-without-noanonymous",
        /^Add/,
      ),
    ).toBe(
      `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options = noanonymous\n`,
    );
  });

  it("points AUTH before TLS at the -o that undoes a safe main.cf", () => {
    const safe = `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n`;
    const master = SMTP + "submission inet n - y - - smtpd -o smtpd_tls_auth_only=no\n" + TLSMGR;
    expect(both(safe, master)).toEqual(["master:sasl-auth-before-tls"]);
    const message = messageOf("master", master, "sasl-auth-before-tls", safe);
    expect(message).toMatch(
      /^SMTP AUTH on submission\/inet is offered before STARTTLS, so PLAIN and LOGIN passwords can cross the network unencrypted\./,
    );
    expect(message).toContain("-o smtpd_tls_auth_only=no on submission/inet leaves it so");
    expect(applyFix("master", master, "sasl-auth-before-tls", /^Set/, safe)).toBe(
      SMTP + "submission inet n - y - - smtpd -o smtpd_tls_auth_only=yes\n" + TLSMGR,
    );
    const encrypt = `smtpd_tls_security_level = encrypt\n${CERT}smtpd_sasl_auth_enable = yes\n`;
    const optional = "submission inet n - y - - smtpd -o smtpd_tls_security_level=may\n" + TLSMGR;
    expect(both(encrypt, optional)).toEqual(["master:sasl-auth-before-tls"]);
    expect(applyFix("master", optional, "sasl-auth-before-tls", /^Set/, encrypt)).toBe(
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=may -o smtpd_tls_auth_only=yes\n" +
        TLSMGR,
    );
  });

  it("still requires noanonymous when a broken level hides the TLS state, but says nothing that needs the level", () => {
    const broken = `smtpd_tls_security_level = may # opportunistic\n${CERT}`;
    const sasl = "smtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noplaintext\n";
    expect(both(broken + sasl)).toEqual(["main:sasl-options-without-noanonymous"]);
    // AUTH before TLS depends on the level: not reported while it cannot be read.
    expect(both(`${broken}smtpd_sasl_auth_enable = yes\n`)).toEqual([]);
    const master =
      SMTP +
      "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypted\n  -o smtpd_sasl_auth_enable=yes -o smtpd_sasl_security_options=noplaintext\n" +
      TLSMGR;
    expect(both(CERT, master)).toEqual(["master:sasl-options-without-noanonymous"]);
  });

  it("notes noplaintext that also blocks PLAIN inside TLS", () => {
    const main = `${MAY}smtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\n`;
    expect(both(main)).toEqual(["main:noplaintext-blocks-tls-auth"]);
    expect(applyFix("main", main, "noplaintext-blocks-tls-auth", /^Set/)).toBe(
      `${main}smtpd_sasl_tls_security_options = noanonymous\n`,
    );
    expect(both(`${main}smtpd_sasl_tls_security_options = noanonymous\n`)).toEqual([]);
  });
});

describe("tlsmgr and tlsproxy (P38, P40, P61)", () => {
  it("notes tlsmgr settings given with -o and removes them", () => {
    const master =
      "smtp inet n - y - - smtpd -o smtpd_tls_session_cache_database=btree:/x\n" + TLSMGR;
    expect(both(MAY, master)).toEqual(["master:tlsmgr-setting-in-master-cf"]);
    expect(applyFix("master", master, "tlsmgr-setting-in-master-cf", /^Remove/, MAY)).toBe(
      "smtp inet n - y - - smtpd\n" + TLSMGR,
    );
    expect(
      both(MAY, SMTP + "tlsmgr unix - - y 1000? 1 tlsmgr -o tls_random_source=dev:/dev/urandom\n"),
    ).toEqual([]);
  });

  it("flags postscreen STARTTLS without tlsproxy and uncomments it", () => {
    const master =
      "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n#tlsproxy unix - - y - 0 tlsproxy\n" +
      TLSMGR;
    expect(both(MAY, master)).toEqual(["master:tlsproxy-service-missing"]);
    expect(applyFix("master", master, "tlsproxy-service-missing", /^Uncomment/, MAY)).toBe(
      master.replace("#tlsproxy", "tlsproxy"),
    );
    const fixed = master.replace("#tlsproxy", "tlsproxy");
    expect(both(MAY, fixed)).toEqual([]);
    expect(both("", master)).toEqual([]);
  });

  it("adds a tlsproxy line when there is none to uncomment", () => {
    const master = "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n" + TLSMGR;
    expect(applyFix("master", master, "tlsproxy-service-missing", /^Add the tlsproxy/, MAY)).toBe(
      "smtp inet n - y - 1 postscreen\ntlsproxy  unix  -       -       y       -       0       tlsproxy\nsmtpd pass - - y - - smtpd\n" +
        TLSMGR,
    );
  });

  it("flags TLS connection reuse without tlsproxy", () => {
    const main = "smtp_tls_security_level = may\nsmtp_tls_connection_reuse = yes\n";
    const master = "smtp unix - - y - - smtp\n" + TLSMGR;
    expect(both(main, master)).toEqual(["main:tlsproxy-service-missing"]);
    expect(both(main, master + "tlsproxy unix - - y - 0 tlsproxy\n")).toEqual([]);
    expect(both(main)).toEqual([]);
  });

  it("flags TLS without tlsmgr and adds or uncomments it", () => {
    expect(both(MAY, SMTP)).toEqual(["master:tlsmgr-service-missing"]);
    expect(applyFix("master", SMTP, "tlsmgr-service-missing", /^Add the tlsmgr/, MAY)).toBe(
      SMTP + "tlsmgr    unix  -       -       y       1000?   1       tlsmgr\n",
    );
    const commented = SMTP + "#tlsmgr unix - - y 1000? 1 tlsmgr\n";
    expect(applyFix("master", commented, "tlsmgr-service-missing", /^Uncomment/, MAY)).toBe(
      SMTP + "tlsmgr unix - - y 1000? 1 tlsmgr\n",
    );
    expect(both(MAY, SMTP + TLSMGR)).toEqual([]);
    expect(both(MAY)).toEqual([]);
    expect(both("", SMTP)).toEqual([]);
  });
});

describe("postscreen overrides (P41)", () => {
  const master =
    "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd -o smtpd_tls_chain_files=/other.pem\ntlsproxy unix - - y - 0 tlsproxy\n" +
    TLSMGR;

  it("flags smtpd overrides that postscreen and tlsproxy do not share, and copies them", () => {
    expect(both(MAY, master)).toEqual(["master:postscreen-tls-overrides-missing"]);
    expect(applyFix("master", master, "postscreen-tls-overrides-missing", /^Repeat/, MAY)).toBe(
      "smtp inet n - y - 1 postscreen -o postscreen_tls_chain_files=/other.pem\nsmtpd pass - - y - - smtpd -o smtpd_tls_chain_files=/other.pem\ntlsproxy unix - - y - 0 tlsproxy -o tlsproxy_tls_chain_files=/other.pem\n" +
        TLSMGR,
    );
  });

  it("knows that postscreen has its own copies only from 3.12", () => {
    const fixed = applyFix("master", master, "postscreen-tls-overrides-missing", /^Repeat/, MAY);
    expect(both(MAY, fixed)).toEqual([]);
    const old = diagnose("master", master, MAY, { version: "3.7" }).diagnostics;
    expect(old.map((d) => d.message)).toEqual([expect.stringContaining("tlsproxy/unix")]);
    expect(old[0].message).not.toContain("smtp/inet");
  });
});

describe("public CAs for client certificates (P42)", () => {
  const main = `${MAY}smtpd_tls_CAfile = /etc/ssl/ca.pem\nsmtpd_tls_ask_ccert = yes\nsmtpd_relay_restrictions = permit_tls_all_clientcerts, reject_unauth_destination\n`;
  const master =
    SMTP + "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n" + TLSMGR;

  it("flags permit_tls_all_clientcerts with the public CAs, and turns them off", () => {
    const risky = `${main}tls_append_default_CA = yes\n`;
    expect(both(risky, master).sort()).toEqual([
      "main:ask-ccert-on-port-25",
      "main:client-certs-from-public-cas",
    ]);
    expect(applyFix("main", risky, "client-certs-from-public-cas", /^Change to no/, master)).toBe(
      `${main}tls_append_default_CA = no\n`,
    );
  });

  it("accepts it without the public CAs", () => {
    expect(both(main, master)).toEqual(["main:ask-ccert-on-port-25"]);
  });
});

describe("inet services in master.cf", () => {
  it("refuses private inet services and makes them public", () => {
    expect(both(MAY, "smtp inet y - y - - smtpd\n" + TLSMGR)).toEqual([
      "master:inet-service-private",
    ]);
    expect(both(MAY, "smtp inet - - y - - smtpd\n" + TLSMGR)).toEqual([
      "master:inet-service-private",
    ]);
    expect(
      applyFix(
        "master",
        "smtp inet - - y - - smtpd\n" + TLSMGR,
        "inet-service-private",
        /^Change to n/,
        MAY,
      ),
    ).toBe("smtp inet n - y - - smtpd\n" + TLSMGR);
    expect(both(MAY, "relay unix - - y - - smtp\n" + SMTP + TLSMGR)).toEqual([]);
  });

  it("checks inet service names the way master(8) does", () => {
    const name = (service: string) =>
      both("", `${service} inet n - y - - smtpd\n`).filter((c) => c === "master:inet-service-name");
    for (const bad of [
      "[192.0.2.1:25",
      "[192.0.2.1]x",
      "mail.example.com:",
      "25x",
      "[bad_host!]:25",
      "[ipv6:zz]:25",
      "[192.0.2.1]",
    ])
      expect(name(bad), bad).toEqual(["master:inet-service-name"]);
    for (const good of [
      "smtp",
      "2525",
      "127.0.0.1:10025",
      "[::1]:smtp",
      "::1:smtp",
      "[ipv6:::1]:25",
      "mx.example.com:submission",
      "[192.0.2.1]:25",
    ])
      expect(name(good), good).toEqual([]);
    expect(messageOf("master", "25x inet n - y - - smtpd\n", "inet-service-name", "")).toContain(
      "garbage after numerical service",
    );
  });
});

describe("shipped configurations", () => {
  const clean = join(__dirname, "../fixtures/clean");
  const examples = join(__dirname, "../../examples");
  const pairs: [string, string][] = [
    [join(clean, "main.cf.dist"), join(clean, "master.cf.dist")],
    [join(clean, "main.cf.debian"), join(clean, "master.cf.dist")],
    [join(clean, "main.cf.tls"), join(clean, "master.cf.dist")],
    [join(examples, "modern-tls/main.cf"), join(examples, "modern-tls/master.cf")],
  ];
  it("get no finding from these rules at any severity", () => {
    for (const [main, master] of pairs) {
      for (const version of ["3.7", "3.12"]) {
        const text = [readFileSync(main, "utf8"), readFileSync(master, "utf8")] as const;
        expect(both(text[0], text[1], { version }), main).toEqual([]);
      }
    }
  });
});

describe("messages", () => {
  checkFirstSentences(tlsServerRules.map((rule) => rule.meta.id));
});
