import { describe, expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";
import { doCodeActions } from "../../server/src/service/codeActions";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { type ValidationSettings, doValidation } from "../../server/src/service/validation";

function diagnose(
  kind: ConfigKind,
  text: string,
  settings: ValidationSettings = {},
  sibling?: string,
) {
  const index = new LineIndex(text);
  const siblingConfig =
    sibling === undefined ? undefined : parseConfig(kind === "main" ? "master" : "main", sibling);
  const config = parseConfig(kind, text);
  const diagnostics = doValidation(config, index, settings, siblingConfig);
  return { config, index, diagnostics, codes: diagnostics.map((d) => d.code) };
}

/** Applies the quick-fix whose title matches to the text and returns the result. */
function applyFix(
  kind: ConfigKind,
  text: string,
  code: string,
  title: RegExp,
  sibling?: string,
): string {
  const { config, index, diagnostics } = diagnose(kind, text, {}, sibling);
  const actions = doCodeActions(
    config,
    index,
    "file:///x",
    diagnostics.filter((d) => d.code === code),
  );
  const action = actions.find((candidate) => title.test(candidate.title));
  if (!action)
    throw new Error(`no fix matching ${title}: ${actions.map((a) => a.title).join(", ")}`);
  const edits = [...action.edit!.changes!["file:///x"]].sort(
    (a, b) => index.offsetAt(b.range.start) - index.offsetAt(a.range.start),
  );
  let result = text;
  for (const edit of edits) {
    result =
      result.slice(0, index.offsetAt(edit.range.start)) +
      edit.newText +
      result.slice(index.offsetAt(edit.range.end));
  }
  return result;
}

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

  it("flags $name that nothing defines, but not ${name:default}", () => {
    expect(diagnose("main", "smtpd_banner = $nothing_here ${unset:fallback}\n").codes).toEqual([
      "undefined-reference",
    ]);
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
