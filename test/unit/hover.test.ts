import { describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver-types";
import {
  documentedParameterNames,
  parameterDocBody,
  parameterDoc,
} from "../../server/src/service/data/docs";
import { allParameters } from "../../server/src/service/data/parameters";
import { doHover } from "../../server/src/service/hover";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { atCursor } from "../support/cursor";

/** The hover at the marker; for master.cf, `mainText` is the main.cf beside it. */
function hover(kind: ConfigKind, marked: string, version = "3.12", mainText?: string) {
  const { config, index, position } = atCursor(kind, marked);
  const main = mainText === undefined ? undefined : parseConfig("main", mainText);
  const result = doHover(config, index, position, { version, main });
  if (!result) return undefined;
  const { start, end } = result.range!;
  return {
    text: (result.contents as MarkupContent).value,
    covered: config.text.slice(index.offsetAt(start), index.offsetAt(end)),
  };
}

describe("hover on parameter names", () => {
  it("shows our docs, default, version and the value set in the file for a TLS parameter", () => {
    const result = hover("main", "smtpd_tls_secu█rity_level = may\n")!;
    expect(result.covered).toBe("smtpd_tls_security_level");
    expect(result.text).toContain("**smtpd_tls_security_level**");
    expect(result.text).toMatch(
      /\*\*Default\*\* in Postfix 3\.12: .* · \*\*Since:\*\* Postfix 2\.3/,
    );
    expect(result.text).toContain("Set in this file: `may`");
    expect(result.text).toContain(
      "https://www.postfix.org/postconf.5.html#smtpd_tls_security_level",
    );
    expect(result.text).not.toContain("[[");
  });

  it("shows facts and a link for a parameter without hand-written docs", () => {
    const result = hover("main", "myorigin█ = $mydomain\n")!;
    expect(result.text).toContain("**Default** in Postfix 3.12: `$myhostname`");
    expect(result.text).toContain("**Since:** Postfix 2.0");
    expect(result.text).toContain("postconf.5.html#myorigin");
  });

  it("gives the unit of a time parameter", () => {
    expect(hover("main", "maximal_queue_lifetime█ = 5d\n")!.text).toContain(
      "a bare number counts in days",
    );
  });

  it("warns about deprecated parameters and names the replacement", () => {
    const result = hover("main", "smtp_use_tls█ = yes\n")!;
    expect(result.text).toContain("⚠ Deprecated in Postfix 3.12");
    expect(result.text).toContain("`smtp_tls_security_level`");
  });

  it("says when a parameter does not exist in the configured version", () => {
    expect(hover("main", "smtp_tls_security█_level = dane\n", "2.2")!.text).toContain(
      "Not available in Postfix 2.2",
    );
  });

  it("explains per-service names and unknown names", () => {
    expect(hover("main", "relay_destination_concurrency_limit█ = 5\n")!.text).toContain(
      "master.cf service `relay`",
    );
    expect(hover("main", "bogus_param█ = 1\n")!.text).toContain("Not a parameter of Postfix 3.12");
  });

  it("works on -o names in master.cf and shows the value for that service", () => {
    const result = hover(
      "master",
      "submission inet n - y - - smtpd\n  -o smtpd_tls_secur█ity_level=encrypt\n",
    )!;
    expect(result.covered).toBe("smtpd_tls_security_level");
    expect(result.text).toContain("Set for this service: `encrypt`");
  });
});

describe("hover on $name references", () => {
  it("shows the value set in the file", () => {
    const result = hover("main", "mydomain = example.org\nmyorigin = $my█domain\n")!;
    expect(result.covered).toBe("$mydomain");
    expect(result.text).toContain("Set in this file: `example.org`");
  });

  it("shows the default when the file does not set it", () => {
    expect(hover("main", "smtpd_banner = ${mail_n█ame}\n")!.text).toContain(
      "its default is `Postfix`",
    );
  });
});

describe("hover on values", () => {
  it("explains a security level for that parameter", () => {
    const result = hover("main", "smtp_tls_security_level = da█ne\n")!;
    expect(result.covered).toBe("dane");
    expect(result.text).toMatch(/^\*\*dane\*\* for `smtp_tls_security_level`: .*TLSA/);
  });

  it("explains a protocol with its operator and a yes/no", () => {
    expect(hover("main", "smtpd_tls_loglevel = 1█\n")?.text).toContain("**1**");
    expect(hover("main", "smtpd_tls_auth_only = y█es\n")?.text).toBe(
      "`smtpd_tls_auth_only` is on.",
    );
  });

  it("has nothing to say about free text", () => {
    expect(hover("main", "smtpd_banner = hel█lo\n")).toBeUndefined();
  });
});

describe("hover on master.cf fields", () => {
  it("names the column and explains '-' with its default", () => {
    const result = hover("master", "smtp inet n - █- - - smtpd\n")!;
    expect(result.text).toContain("**chroot**");
    expect(result.text).toContain("`n` since Postfix 3.0");
  });

  it("explains the transport type and flags a private inet service", () => {
    expect(hover("master", "smtp in█et n - n - - smtpd\n")!.text).toContain("a TCP socket");
    expect(hover("master", "smtp inet █y - n - - smtpd\n")!.text).toContain("cannot be private");
  });
});

describe("hover never fails", () => {
  it("returns null or a hover at every position of a realistic file", () => {
    const text =
      "# c\nmyhostname = mail.example.org\nsmtpd_tls_security_level = may # x\n  cont $x ${y?{z}:{w}}\nbad line\n";
    for (let i = 0; i <= text.length; i++) {
      const marked = text.slice(0, i) + "█" + text.slice(i);
      expect(() => hover("main", marked)).not.toThrow();
      expect(() => hover("master", marked)).not.toThrow();
    }
  });
});

/** The "**Default** in Postfix x: ..." line of a parameter hover. */
function defaultLine(text: string): string {
  return text.split("\n").find((line) => line.startsWith("**Default**")) ?? "";
}

describe("hover follows the configured release", () => {
  it("shows a parameter as deprecated only where postconf of that release warns", () => {
    const old = hover("main", "smtpd_tls_eecdh_gra█de = strong\n", "3.4")!.text;
    expect(old).not.toContain("⚠");
    expect(old).toContain("Still supported in Postfix 3.4; from Postfix 3.9 on");
    expect(defaultLine(old)).toBe(
      "**Default** in Postfix 3.4: `auto` (on a typical Linux build; it depends on how Postfix was built) · **Since:** Postfix 2.6",
    );
    const newest = hover("main", "smtpd_tls_eecdh_gra█de = strong\n", "3.12")!.text;
    expect(newest).toContain("⚠ Deprecated in Postfix 3.12: postconf warns");
  });

  it("shows the default of the configured release instead of the hand-written one", () => {
    const old = hover("main", "smtp_tls_proto█cols = >=TLSv1.2\n", "3.4")!.text;
    expect(defaultLine(old)).toBe(
      "**Default** in Postfix 3.4: `!SSLv2, !SSLv3` · **Since:** Postfix 2.6",
    );
    // The docs' remark may name a later default only with the release it came in.
    const remark = old.split("\n").find((line) => line.startsWith("About the default"));
    if (remark?.includes("`>=TLSv1`")) expect(remark).toContain("`>=TLSv1` since Postfix 3.6");
    const newest = hover("main", "smtp_tls_proto█cols = >=TLSv1.2\n", "3.12")!.text;
    expect(defaultLine(newest)).toBe(
      "**Default** in Postfix 3.12: `>=TLSv1` · **Since:** Postfix 2.6",
    );
  });

  it("says which release the default is of and where that release came from", () => {
    const { config, index, position } = atCursor("main", "smtp_tls_proto█cols = x\n");
    const text = (options: { releaseNote?: string }) =>
      (doHover(config, index, position, { version: "3.7", ...options })!.contents as MarkupContent)
        .value;
    expect(defaultLine(text({ releaseNote: "3.7.11, detected on this host" }))).toBe(
      "**Default** in Postfix 3.7 (3.7.11, detected on this host): `>=TLSv1` · **Since:** Postfix 2.6",
    );
    expect(defaultLine(text({}))).toBe(
      "**Default** in Postfix 3.7: `>=TLSv1` · **Since:** Postfix 2.6",
    );
  });

  it("keeps what the docs explain about a default beyond its value", () => {
    const text = hover("main", "smtp_tls_session_cache_data█base = x\n", "3.12")!.text;
    expect(defaultLine(text)).toContain("in Postfix 3.12: (empty)");
    expect(text).toContain("About the default: no client session cache");
  });

  it("flags a parameter the release no longer reads, and not the releases that read it", () => {
    const gone = hover("main", "tlsproxy_client_loglevel_para█meter = x\n", "3.12")!.text;
    expect(gone).toContain("⚠ Postfix 3.12 no longer reads it: it was removed after Postfix 3.11");
    expect(defaultLine(gone)).toBe("");
    const there = hover("main", "tlsproxy_client_loglevel_para█meter = x\n", "3.11")!.text;
    expect(there).not.toContain("⚠");
    expect(there).toContain("Postfix 3.11 is the last release line that reads it.");
    expect(hover("main", "smtp_tls_cipher█list = x\n", "3.7")!.text).toContain(
      "⚠ Postfix 3.7 no longer reads it: it was removed after Postfix 2.2",
    );
  });

  it("says when postconf keeps a name only as the old name of a newer one", () => {
    const text = hover("main", "postscreen_blacklist█_action = drop\n", "3.7")!.text;
    expect(text).toContain(
      "⚠ Postfix 3.7 keeps it only as the old name of `postscreen_denylist_action`",
    );
    expect(hover("main", "postscreen_blacklist█_action = drop\n", "3.5")!.text).not.toContain(
      "old name",
    );
  });

  it("gives the first release from the data, down to the patch release the docs name", () => {
    expect(hover("main", "smtp_tls_enable█_rpk = yes\n", "3.12")!.text).toContain(
      "**Since:** Postfix 3.9",
    );
    expect(hover("main", "smtpd_tls_required_█enable = yes\n", "3.12")?.text ?? "").not.toContain(
      "Since: Postfix 2.0 or earlier",
    );
  });
});

describe("hover shows the value in effect for the file", () => {
  it("computes a compatibility_level default from the file's compatibility_level", () => {
    const unset = hover("main", "smtp_tls_security█_level\n", "3.12")!.text;
    expect(unset).toContain(
      "Not set in this file; in effect: (empty), the default of Postfix 3.12 at compatibility_level `0` (its default; this file does not set it).",
    );
    const raised = hover(
      "main",
      "compatibility_level = 3.11\nsmtp_tls_security█_level\n",
      "3.12",
    )!.text;
    expect(raised).toContain(
      "Not set in this file; in effect: `may`, the default of Postfix 3.12 at compatibility_level `3.11` — opportunistic",
    );
    expect(
      hover("main", "compatibility_level = 3.10\nsmtp_tls_security█_level\n", "3.12")!.text,
    ).toContain("in effect: (empty)");
    // Postfix 3.7 has no such choice: its default is empty at any level.
    expect(
      hover("main", "compatibility_level = 3.11\nsmtp_tls_security█_level\n", "3.7")!.text,
    ).toContain("in effect: (empty), the default of Postfix 3.7.");
    expect(
      hover("main", "compatibility_level = 3.6\nsmtpd_tls_fingerprint█_digest\n")!.text,
    ).toContain("in effect: `sha256`");
    expect(
      hover("main", "compatibility_level = 2\nsmtpd_tls_fingerprint█_digest\n")!.text,
    ).toContain("in effect: `md5`");
  });

  it("expands $name with the file's values and the release's defaults", () => {
    const text = hover("main", "compatibility_level = 2\nrelay_do█mains\n", "3.7")!.text;
    expect(text).toContain("Not set in this file; in effect: (empty)");
    const below = hover(
      "main",
      "mydestination = example.org, $mydomain\nrelay_do█mains\n",
      "3.7",
    )!.text;
    expect(below).toContain(
      "in effect: `example.org, ⟨mydomain⟩` (⟨name⟩: computed on the mail server)",
    );
    expect(hover("main", "level = encrypt\nsmtp_tls_security█_level = $level\n")!.text).toContain(
      "In effect: `encrypt`, expanded with this file and the defaults of Postfix 3.12.",
    );
  });

  it("takes a master.cf service's -o overrides before main.cf", () => {
    const service =
      "submission inet n - y - - smtpd\n  -o smtpd_relay_restr█ictions=$mua_relay\n  -o mua_relay=permit_sasl_authenticated,reject\n";
    expect(hover("master", service, "3.12", "mua_relay = permit_mynetworks\n")!.text).toContain(
      "In effect: `permit_sasl_authenticated,reject`, expanded with this service's `-o` settings, main.cf and the defaults of Postfix 3.12.",
    );
    const inherited = "submission inet n - y - - smtpd\n  -o smtpd_tls_security█_level=$level\n";
    expect(hover("master", inherited, "3.12", "level = encrypt\n")!.text).toContain(
      "In effect: `encrypt`",
    );
    // Without the main.cf, only the -o settings and the defaults count.
    expect(hover("master", inherited, "3.12")!.text).toContain(
      "In effect: (empty), expanded with this service's `-o` settings and the defaults",
    );
  });

  it("says what the value set here means, before the reference text", () => {
    const text = hover("main", "smtp_tls_security█_level = encrypt\n")!.text;
    const line = "Set in this file: `encrypt` — TLS is required";
    expect(text).toContain(line);
    expect(text.indexOf(line)).toBeLessThan(text.indexOf("**Default**"));
    expect(hover("main", "smtpd_tls_proto█cols = !SSLv2, !SSLv3\n")!.text).toContain(
      "Set in this file: `!SSLv2, !SSLv3`\n- `!SSLv3` — the older exclusion style",
    );
  });
});

describe("hover stays cheap on values that refer to many parameters", () => {
  it("stops expanding after a bounded number of names and says so", () => {
    const chain = Array.from({ length: 200 }, (_, i) => `p${i} = x $p${i + 1}`).join("\n");
    const text = hover("main", `${chain}\nsmtpd_ban█ner = $p0\n`)!.text;
    expect(text).toContain("In effect: not worked out here (it refers to more than 50 parameters)");
    const short = Array.from({ length: 10 }, (_, i) => `p${i} = x $p${i + 1}`).join("\n");
    expect(hover("main", `${short}\nsmtpd_ban█ner = $p0\n`)!.text).toContain(
      "In effect: `x x x x x x x x x x `",
    );
  });

  it("survives values that refer to themselves", () => {
    const text = hover("main", "a = $b\nb = $a\nsmtpd_ban█ner = $a\n")!.text;
    expect(text).toContain("Set in this file: `$a`");
    expect(text).toContain("In effect:");
  });
});

describe("hover text cites no rule ids or pitfall numbers", () => {
  const releases = ["2.2", "3.4", "3.7", "3.12"];
  const bare = /\(rule `|\[\[|\(pitfall /;

  it("on the name of every parameter, at several releases", () => {
    const names = [
      ...new Set([...documentedParameterNames(), ...allParameters().map((p) => p.name)]),
    ];
    expect(names.length).toBeGreaterThan(900);
    for (const version of releases) {
      for (const name of names) {
        const text = hover("main", `${name}█ = x\n`, version)!.text;
        expect(text, `${name} at ${version}`).not.toMatch(bare);
      }
    }
  });

  it("on every documented value and on $name", () => {
    for (const name of documentedParameterNames()) {
      const body = parameterDocBody(parameterDoc(name)!);
      for (const [, value] of body.matchAll(/^- `([^`]+)` — /gm)) {
        const text = hover("main", `${name} = █${value}\n`)?.text ?? "";
        expect(text, `${name} = ${value}`).not.toMatch(bare);
      }
      expect(hover("main", `x = $█${name}\n`)!.text, name).not.toMatch(bare);
    }
  });

  it("turns citations into plain words", () => {
    const text = hover("main", "smtp_tls_proto█cols = x\n")!.text;
    expect(text).toContain("allowing SSLv3 is insecure (the editor checks for this).");
  });
});
