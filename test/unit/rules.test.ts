import { applyFixTo, diagnoseFile } from "../support/diagnose";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";
import type { ConfigKind } from "../../server/src/service/parser/document";
import type { ValidationSettings } from "../../server/src/service/validation";

const diagnose = (
  kind: ConfigKind,
  text: string,
  settings: ValidationSettings = {},
  sibling?: string,
) => diagnoseFile(kind, text, { sibling, settings });

/** Applies the quick-fix whose title matches to the text and returns the result. */
const applyFix = (kind: ConfigKind, text: string, code: string, title: RegExp, sibling?: string) =>
  applyFixTo(kind, text, code, title, { sibling });

const message = (diagnostics: Diagnostic[], code: string) =>
  diagnostics.find((d) => d.code === code)?.message;

describe("parameter names", () => {
  it("flags unknown names with a did-you-mean, and renames them", () => {
    const { diagnostics } = diagnose("main", "smtpd_tls_securty_level = may\n");
    expect(message(diagnostics, "unknown-parameter")).toContain(
      'Did you mean "smtpd_tls_security_level"?',
    );
    expect(
      applyFix("main", "smtpd_tls_securty_level = may\n", "unknown-parameter", /^Rename/),
    ).toBe("smtpd_tls_security_level = may\n");
  });

  it("accepts user-defined names referenced as $name, also from master.cf", () => {
    expect(diagnose("main", "my_relays = a\nrelay_domains = $my_relays\n").codes).toEqual([]);
    const master = "smtp inet n - y - - smtpd -o relay_domains=$my_relays\n";
    expect(diagnose("main", "my_relays = a\n", {}, master).codes).toEqual([]);
    expect(diagnose("main", "my_relays = a\n").codes).toEqual(["unknown-parameter"]);
  });

  it("knows per-service names from the sibling master.cf", () => {
    const master = "relay unix - - n - - smtp\n";
    expect(diagnose("main", "relay_destination_concurrency_limit = 5\n", {}, master).codes).toEqual(
      [],
    );
  });

  it("flags $name that nothing defines, in every form, as postconf does", () => {
    const { diagnostics } = diagnose(
      "main",
      "smtpd_banner = $nothing_here ${unset:fallback} ${unset2?x} $mail_name\n",
    );
    expect(diagnostics.map((d) => [d.code, d.range.start.character])).toEqual([
      ["undefined-reference", 15],
      ["undefined-reference", 29],
      ["undefined-reference", 47],
    ]);
    expect(message(diagnostics, "undefined-reference")).toContain("expands to nothing");
    expect(diagnostics[1].message).toContain("always gives its fallback text");
  });

  it("looks a name up where Postfix looks it up", () => {
    const master = "relay unix - - n - - smtp -o user_a=x -o smtp_helo_name=$user_b\n";
    // main.cf values see names set with -o on any service ...
    expect(diagnose("main", "smtpd_banner = $user_a\n", {}, master).codes).toEqual([]);
    // ... but a service sees only its own -o settings and main.cf.
    const other = master + "smtp unix - - n - - smtp -o smtp_helo_name=$user_a\n";
    const undefinedIn = (main: string) =>
      diagnose("master", other, {}, main)
        .diagnostics.filter((d) => d.code === "undefined-reference")
        .map((d) => d.range.start.line);
    expect(undefinedIn("")).toEqual([0, 1]);
    expect(undefinedIn("user_b = y\n")).toEqual([1]);
  });

  it("accepts a -o name that a main.cf value references", () => {
    const master = "relay unix - - n - - smtp -o user_a=x\n";
    expect(diagnose("master", master, {}, "smtpd_banner = $user_a\n").codes).toEqual([]);
    expect(diagnose("master", master, {}, "").codes).toEqual(["unknown-parameter"]);
  });

  it("flags restriction classes that are not defined, on the list item", () => {
    const text = "smtpd_restriction_classes = strict, loose\nstrict = reject\n";
    // "strict" is defined but used nowhere: restriction-class-unused notes that (information).
    const diagnostics = diagnose("main", text).diagnostics.filter(
      (d) => d.code !== "restriction-class-unused",
    );
    expect(
      diagnostics.map((d) => [d.code, d.range.start.character, d.range.end.character]),
    ).toEqual([["undefined-reference", 36, 41]]);
    expect(diagnostics[0].message).toContain('"loose" is listed in smtpd_restriction_classes');
  });
});

describe("start-up checks (postconf and the daemons stop on these)", () => {
  const at = (diagnostics: Diagnostic[], code: string) =>
    diagnostics.filter((d) => d.code === code).map((d) => d.range.start.line);

  it("reports a loop that a built-in parameter leads into, not one of unused names", () => {
    // Two user-defined names that only refer to each other are not fatal.
    expect(diagnose("main", "a = $b\nb = $a\n").codes).not.toContain("expansion-loop");
    const { diagnostics } = diagnose("main", "a = $b\nb = $a\nsmtpd_banner = $a ESMTP\n");
    expect(at(diagnostics, "expansion-loop")).toEqual([2]);
    expect(message(diagnostics, "expansion-loop")).toContain("(a → b → a)");
  });

  it("reports a loop through a comparison operand, on which Postfix itself crashes", () => {
    // postconf 3.7 dies with a segmentation fault on both; we must not throw.
    const self = "compatibility_level = ${{$compatibility_level} <level {3.6} ? {3.6} : {2}}\n";
    const selfLoop = diagnose("main", self).diagnostics;
    expect(at(selfLoop, "expansion-loop")).toEqual([0]);
    expect(message(selfLoop, "expansion-loop")).toContain("segmentation fault");
    const mutual = "smtpd_banner = ${{$mail_name} == {x} ? {a} : {b}}\nmail_name = $smtpd_banner\n";
    expect(at(diagnose("main", mutual).diagnostics, "expansion-loop")).toEqual([0, 1]);
  });

  it("reports a loop of built-in parameters on each member, also through a default", () => {
    const { diagnostics } = diagnose("main", "myhostname = $mydomain\nmydomain = $myhostname\n");
    expect(at(diagnostics, "expansion-loop")).toEqual([0, 1]);
    // myorigin's default is $myhostname.
    expect(at(diagnose("main", "myhostname = x$myorigin\n").diagnostics, "expansion-loop")).toEqual(
      [0],
    );
    // A test of a name does not expand it: no loop.
    expect(diagnose("main", "smtpd_banner = $x\nx = ${x?set}\n").codes).toEqual([]);
  });

  it("evaluates -o settings with the service's own values first", () => {
    const master = "relay unix - - n - - smtp -o smtp_helo_name=$user_a -o user_a=$user_a\n";
    expect(diagnose("master", master, {}, "").codes).toContain("expansion-loop");
    // The service's user_b=x ends the chain that main.cf alone would loop.
    const main = "user_a = $user_b\nuser_b = $user_a\n";
    const breaks = "relay unix - - n - - smtp -o smtp_helo_name=$user_a -o user_b=x\n";
    expect(diagnose("master", breaks, {}, main).codes).toEqual([]);
  });

  it("checks compatibility_level and <level operands", () => {
    const { diagnostics } = diagnose("main", "compatibility_level = foo\n");
    expect(at(diagnostics, "compatibility-level")).toEqual([0]);
    expect(diagnostics[0].range.start.character).toBe(22);
    for (const level of ["3.6", "2", "3.6.1", "${{1} == {1} ? {3.6} : {2}}"])
      expect(diagnose("main", `compatibility_level = ${level}\n`).codes).not.toContain(
        "compatibility-level",
      );
    const operand = diagnose("main", "smtpd_banner = ${{x} <level {3.6} ? {old} : {new}}\n");
    expect(operand.codes).toEqual(["compatibility-level"]);
    expect(operand.diagnostics[0].message).toContain('"x"');
  });

  it("checks inet_protocols names and address literals the protocols exclude", () => {
    const bad = diagnose("main", "inet_protocols = ipv4, reject\n");
    expect(bad.codes).toEqual(["inet-protocols"]);
    expect(bad.diagnostics[0].range.start.character).toBe(23);
    expect(diagnose("main", "inet_protocols = IPv4\n").codes).toEqual(["inet-protocols"]);
    for (const value of ["all", "ipv4", "ipv6", "ipv4, ipv6", ""])
      expect(diagnose("main", `inet_protocols = ${value}\n`).codes).toEqual([]);

    const literal = diagnose("main", "inet_protocols = ipv6\ninet_interfaces = 127.0.0.1, [::1]\n");
    expect(literal.codes).toEqual(["inet-interfaces"]);
    expect(literal.diagnostics[0].message).toContain("127.0.0.1 is an IPv4 address");
    const v6 = "inet_protocols = ipv4\ninet_interfaces = [::1]\n";
    expect(diagnose("main", v6).codes).toEqual(["inet-interfaces"]);
    // Host names depend on DNS; the keywords and "all" protocols are fine.
    for (const main of [
      "inet_protocols = ipv6\ninet_interfaces = mail.example.com\n",
      "inet_protocols = ipv6\ninet_interfaces = loopback-only\n",
      "inet_interfaces = 127.0.0.1, [::1]\n",
    ])
      expect(diagnose("main", main).codes).toEqual([]);
  });

  it("does not guess at values computed from the host name", () => {
    expect(diagnose("main", "inet_protocols = $mydomain\n").codes).toEqual([]);
  });

  it("reports unbalanced braces in expanded values of built-in parameters", () => {
    const open = diagnose("main", "smtpd_client_restrictions = permit_mynetworks, {reject\n");
    expect(open.codes).toEqual(["value-brace"]);
    expect(open.diagnostics[0].message).toContain('"{reject"');
    expect(diagnose("main", "transport_maps = inline:{a=b}x\n").codes).toEqual(["value-brace"]);
    // Through a user-defined name, and in a service's -o value.
    expect(diagnose("main", "x = { y\nrelay_domains = $x\n").codes).toEqual(["value-brace"]);
    const master = "relay unix - - n - - smtp -o smtp_helo_name={a\n";
    expect(diagnose("master", master).codes).toEqual(["value-brace"]);
    // Balanced groups, and values of names Postfix does not expand, are fine.
    expect(diagnose("main", "transport_maps = inline:{ {a=b}, {c=d} }\n").codes).toEqual([]);
    expect(diagnose("main", "x = { y\nsmtpd_banner = ${x?ok}\n").codes).toEqual([]);
  });

  it("reports $ syntax errors in -o values", () => {
    const master = "relay unix - - n - - smtp -o smtp_helo_name=${}\n";
    expect(diagnose("master", master).codes).toContain("macro-syntax");
  });
});

describe("deprecated and removed parameters", () => {
  it("maps the legacy TLS switches to a security level", () => {
    expect(applyFix("main", "smtpd_use_tls = yes\n", "deprecated-parameter", /^Replace/)).toBe(
      "smtpd_tls_security_level = may\n",
    );
    expect(applyFix("main", "smtp_enforce_tls = yes\n", "deprecated-parameter", /^Replace/)).toBe(
      "smtp_tls_security_level = verify\n",
    );
    expect(
      applyFix(
        "main",
        "smtp_enforce_tls = yes\nsmtp_tls_enforce_peername = no\n",
        "deprecated-parameter",
        /^Replace.*encrypt/,
      ),
    ).toBe("smtp_tls_security_level = encrypt\nsmtp_tls_enforce_peername = no\n");
    expect(
      applyFix(
        "master",
        "submission inet n - y - - smtpd -o smtpd_enforce_tls=yes\n",
        "deprecated-parameter",
        /^Replace/,
      ),
    ).toBe("submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n");
  });

  it("renames a renamed parameter with its value", () => {
    expect(
      applyFix("main", "tlsproxy_client_level = may\n", "deprecated-parameter", /^Replace/),
    ).toBe("tlsproxy_client_security_level = may\n");
  });

  it("depends on the configured release", () => {
    expect(diagnose("main", "smtp_use_tls = yes\n", { version: "3.8" }).codes).toEqual([]);
    expect(diagnose("main", "smtp_use_tls = yes\n", { version: "3.9" }).codes).toEqual([
      "deprecated-parameter",
    ]);
  });

  it("offers no replacement when the new parameter is already set", () => {
    const { diagnostics } = diagnose(
      "main",
      "smtpd_use_tls = yes\nsmtpd_tls_security_level = may\n",
    );
    expect(diagnostics.find((d) => d.code === "deprecated-parameter")?.data).toBeUndefined();
  });
});

describe("names across releases", () => {
  const v = (version: string) => ({ version });

  it("says when a removed name went and what replaced it, instead of guessing a typo", () => {
    const { diagnostics } = diagnose("main", "smtpd_sasl_application_name = smtpd\n", v("3.7"));
    expect(diagnostics.map((d) => d.code)).toEqual(["removed-parameter"]);
    expect(diagnostics[0].message).toMatch(
      /^"smtpd_sasl_application_name" was removed in Postfix 2\.3, so Postfix 3\.7 ignores this setting\./,
    );
    expect(diagnostics[0].message).toContain("Use its replacement smtpd_sasl_path instead.");
    expect(
      applyFix("main", "smtpd_sasl_application_name = smtpd\n", "removed-parameter", /^Replace/),
    ).toBe("smtpd_sasl_path = smtpd\n");
    // Without a replacement: just the release that dropped it.
    expect(
      message(
        diagnose("main", "enable_errors_to = yes\n", v("3.7")).diagnostics,
        "removed-parameter",
      ),
    ).toMatch(/^"enable_errors_to" was removed in Postfix 2\.2, .* Remove it\.$/);
  });

  it("does not carry a value to a replacement that takes another kind of value", () => {
    const { diagnostics } = diagnose("main", "smtp_connection_cache_reuse_limit = 10\n", v("3.7"));
    expect(diagnostics[0].message).toContain("takes a different kind of value");
    expect(diagnostics[0].data).toBeUndefined();
  });

  it("never renames onto a name the file already sets", () => {
    const text = "smtpd_sasl_application_name = smtpd\nsmtpd_sasl_path = smtpd\n";
    const removed = diagnose("main", text, v("3.7")).diagnostics[0];
    expect(removed.message).toContain("is already set here, so remove this line");
    expect(removed.data).toBeUndefined();
    // The closest name is taken: the next closest is offered, never a duplicate.
    const typo = "smtpd_tls_securty_level = may\nsmtpd_tls_security_level = may\n";
    const unknown = message(diagnose("main", typo).diagnostics, "unknown-parameter");
    expect(unknown).not.toContain('"smtpd_tls_security_level"?');
    expect(applyFix("main", typo, "unknown-parameter", /^Rename/)).not.toContain(
      "smtpd_tls_security_level = may\nsmtpd_tls_security_level",
    );
    // The same per service: an -o setting is not renamed onto another -o of that service.
    const master =
      "smtp inet n - y - - smtpd -o smtpd_tls_securty_level=may -o smtpd_tls_security_level=may\n";
    const fromMaster = diagnose("master", master, {}, "").diagnostics;
    expect(message(fromMaster, "unknown-parameter")).not.toContain('"smtpd_tls_security_level"?');
  });

  it("knows a name in the releases that had it, and says when a newer one appeared", () => {
    expect(diagnose("main", "smtpd_sasl_application_name = smtpd\n", v("2.1")).codes).toEqual([]);
    expect(diagnose("main", "tls_legacy_public_key_fingerprints = no\n", v("3.7")).codes).toEqual(
      [],
    );
    expect(
      message(
        diagnose("main", "smtpd_sasl_path = smtpd\n", v("2.2")).diagnostics,
        "unknown-parameter",
      ),
    ).toMatch(
      /^"smtpd_sasl_path" is not a Postfix 2\.2 parameter: it first appeared in Postfix 2\.3,/,
    );
  });

  it("accepts names the daemons of old releases read or set although postconf did not list them", () => {
    const text = "debugger_command = ddd\nsmtpd_banner = $myhostname $process_name $process_id\n";
    for (const version of ["2.0", "2.8", "3.7"])
      expect(diagnose("main", text, v(version)).codes, version).toEqual([]);
    // service_name is set from 3.3 on; before that, $service_name is undefined.
    expect(diagnose("main", "smtpd_banner = $service_name\n", v("3.3")).codes).toEqual([]);
    expect(diagnose("main", "smtpd_banner = $service_name\n", v("3.2")).codes).toEqual([
      "undefined-reference",
    ]);
  });

  it("quotes postconf's warnings only for releases whose postconf has them", () => {
    const unknown = (version: string) =>
      message(diagnose("main", "foo_bar = 1\n", v(version)).diagnostics, "unknown-parameter");
    expect(unknown("2.8")).not.toContain("postconf");
    expect(unknown("2.9")).toContain('"unused parameter"');
    const undefinedRef = (version: string) =>
      message(
        diagnose("main", "smtpd_banner = $nothing\n", v(version)).diagnostics,
        "undefined-reference",
      );
    expect(undefinedRef("2.9")).not.toContain("postconf");
    expect(undefinedRef("2.10")).toContain('"undefined parameter"');
  });

  it("checks per-service names against master.cf, and leaves them alone without it", () => {
    const main = "relay_destination_concurrency_limit = 5\n";
    expect(diagnose("main", main).codes).toEqual([]);
    expect(diagnose("main", main, {}, "relay unix - - n - - smtp\n").codes).toEqual([]);
    const { diagnostics } = diagnose("main", main, {}, "smtp unix - - n - - smtp\n");
    expect(diagnostics.map((d) => d.code)).toEqual(["unknown-parameter"]);
    expect(diagnostics[0].message).toMatch(/master\.cf service "relay", and master\.cf has none/);
    // A misspelt built-in name that happens to end like a per-service one is still a typo.
    const typo = "defualt_destination_concurrency_limit = 5\n";
    expect(
      applyFix("main", typo, "unknown-parameter", /^Rename/, "smtp unix - - n - - smtp\n"),
    ).toBe("default_destination_concurrency_limit = 5\n");
  });

  it("says once, at the top of main.cf, what it skipped without master.cf", () => {
    const alone = diagnose("main", "foo_bar = 1\n", { noteMissingMaster: true }).diagnostics;
    expect(alone.map((d) => [d.code, d.range.start.line])).toEqual([
      ["master-cf-missing", 0],
      ["unknown-parameter", 0],
    ]);
    expect(alone[0].severity).toBe(3);
    expect(alone[0].message).toMatch(/^No master\.cf was read with this main\.cf, so checks/);
    // Not with master.cf, not for master.cf, and not unless asked.
    const note = { noteMissingMaster: true };
    expect(diagnose("main", "", note, "").codes).toEqual([]);
    expect(diagnose("master", "", note).codes).toEqual([]);
    expect(diagnose("main", "").codes).toEqual([]);
  });
});

describe("values the daemons refuse (P05)", () => {
  it("checks booleans, numbers and times, and fixes the usual boolean spellings", () => {
    const text =
      "smtpd_tls_auth_only = true\nsmtpd_tls_ccert_verifydepth = abc\nsmtpd_tls_session_cache_timeout = 3x\n";
    expect(diagnose("main", text).codes).toEqual([
      "invalid-boolean",
      "invalid-number",
      "invalid-time",
    ]);
    expect(
      applyFix("main", "smtpd_tls_auth_only = true\n", "invalid-boolean", /^Change to yes/),
    ).toBe("smtpd_tls_auth_only = yes\n");
  });

  it("leaves values with $ expansions alone", () => {
    expect(diagnose("main", "smtpd_tls_auth_only = $x\nx = yes\n").codes).toEqual([]);
  });
});

describe("quick-fixes for syntax rules", () => {
  it("moves a trailing comment to its own line, keeping the value", () => {
    expect(
      applyFix(
        "main",
        "smtpd_tls_security_level = may # opportunistic\n",
        "comment-after-value",
        /^Move/,
      ),
    ).toBe("# opportunistic\nsmtpd_tls_security_level = may\n");
    expect(
      applyFix(
        "main",
        "mynetworks = 127.0.0.0/8\n  10.0.0.0/8 # lab\n  192.0.2.0/24\n",
        "comment-after-value",
        /^Move/,
      ),
    ).toBe("mynetworks = 127.0.0.0/8\n  # lab\n  10.0.0.0/8\n  192.0.2.0/24\n");
  });

  it("joins -o name = value", () => {
    expect(
      applyFix(
        "master",
        "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode = yes\n",
        "option-spaced-equals",
        /^Join/,
      ),
    ).toBe("smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode=yes\n");
  });

  it("removes the earlier duplicate", () => {
    expect(
      applyFix(
        "main",
        "relayhost = a\nmyorigin = x\nrelayhost = b\n",
        "duplicate-parameter",
        /^Remove/,
      ),
    ).toBe("myorigin = x\nrelayhost = b\n");
  });

  it("inserts a suppression comment for any rule, which then silences it", () => {
    const fixed = applyFix(
      "main",
      "relayhost = a\nrelayhost = b\n",
      "duplicate-parameter",
      /^Disable/,
    );
    expect(fixed).toBe(
      "relayhost = a\n# postfix-lint: disable-next-line duplicate-parameter\nrelayhost = b\n",
    );
    expect(diagnose("main", fixed).codes).toEqual([]);
  });
});

describe("suppression comments", () => {
  it("disable-next-line silences the listed rules on the next entry only", () => {
    const text =
      "# postfix-lint: disable-next-line unknown-parameter, undefined-reference\nfoo = $bar\nbaz = 1\n";
    expect(diagnose("main", text).codes).toEqual(["unknown-parameter"]);
  });

  it("disable silences a rule in the whole file", () => {
    expect(
      diagnose("main", "# postfix-lint: disable unknown-parameter\nfoo = 1\nbaz = 1\n").codes,
    ).toEqual([]);
  });
});

describe("braces and the server session cache (P04, P37)", () => {
  it("flags -o name={a b} and rewrites it in the long form", () => {
    const master =
      "s inet n - y - - smtpd -o smtpd_client_restrictions={permit_mynetworks, reject}\n";
    expect(diagnose("master", master).codes).toContain("option-literal-braces");
    expect(applyFix("master", master, "option-literal-braces", /^Write/)).toBe(
      "s inet n - y - - smtpd -o { smtpd_client_restrictions = permit_mynetworks, reject }\n",
    );
    expect(
      diagnose("master", "s inet n - y - - smtpd -o { smtpd_client_restrictions = a, b }\n").codes,
    ).not.toContain("option-literal-braces");
  });

  it("advises against a server session cache and refuses dbm: for it", () => {
    expect(
      diagnose("main", "smtpd_tls_session_cache_database = btree:/var/lib/postfix/smtpd_scache\n")
        .codes,
    ).toEqual(["tls-server-cache-database"]);
    expect(
      diagnose("main", "smtpd_tls_session_cache_database = dbm:/var/lib/postfix/x\n").codes,
    ).toEqual(["tls-server-cache-dbm"]);
    expect(diagnose("main", "smtpd_tls_session_cache_database =\n").codes).toEqual([]);
  });
});
