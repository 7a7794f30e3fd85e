import { describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver-types";
import { doHover } from "../../server/src/service/hover";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { atCursor } from "../support/cursor";

function hover(kind: ConfigKind, marked: string, version = "3.12") {
  const { config, index, position } = atCursor(kind, marked);
  const result = doHover(config, index, position, { version });
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
    expect(result.text).toMatch(/\*\*Default:\*\*.*· \*\*Since:\*\* Postfix 2\.3/);
    expect(result.text).toContain("Set in this file: `may`");
    expect(result.text).toContain(
      "https://www.postfix.org/postconf.5.html#smtpd_tls_security_level",
    );
    expect(result.text).not.toContain("[[");
  });

  it("shows facts and a link for a parameter without hand-written docs", () => {
    const result = hover("main", "myorigin█ = $mydomain\n")!;
    expect(result.text).toContain("Default: `$myhostname`");
    expect(result.text).toContain("Since: Postfix 2.0");
    expect(result.text).toContain("postconf.5.html#myorigin");
  });

  it("gives the unit of a time parameter", () => {
    expect(hover("main", "maximal_queue_lifetime█ = 5d\n")!.text).toContain(
      "a bare number counts in days",
    );
  });

  it("warns about deprecated parameters and names the replacement", () => {
    const result = hover("main", "smtp_use_tls█ = yes\n")!;
    expect(result.text).toContain("⚠ Deprecated.");
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
