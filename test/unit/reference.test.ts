import { describe, expect, it } from "vitest";
import { isKnownParameter } from "../../server/src/service/data/parameters";
import { listParameters, parameterReference } from "../../server/src/service/reference";

describe("the parameter reference behind 'Look up parameter'", () => {
  it("lists every parameter of the chosen release once", () => {
    const list = listParameters("3.7");
    expect(new Set(list.map((p) => p.name)).size).toBe(list.length);
    expect(list.every((p) => isKnownParameter(p.name, "3.7"))).toBe(true);
    expect(list.length).toBeGreaterThan(800);
    // Raw public keys came with Postfix 3.9.
    expect(list.find((p) => p.name === "smtp_tls_enable_rpk")).toBeUndefined();
    expect(listParameters("3.9").find((p) => p.name === "smtp_tls_enable_rpk")).toBeDefined();
  });

  it("marks documented and deprecated entries and shows defaults", () => {
    const list = listParameters("3.12");
    expect(list.find((p) => p.name === "smtpd_tls_security_level")).toMatchObject({
      documented: true,
    });
    expect(list.find((p) => p.name === "smtp_use_tls")).toMatchObject({ deprecated: true });
    expect(list.find((p) => p.name === "mail_name")?.description).toBe("str · default: Postfix");
  });

  it("renders a full page for one parameter", () => {
    const page = parameterReference("smtp_tls_security_level", "3.12");
    expect(page.startsWith("# smtp_tls_security_level\n")).toBe(true);
    expect(page).toContain("`dane`");
  });

  it("follows the chosen release: deprecation, defaults and status", () => {
    const eecdh = (version: string) =>
      listParameters(version).find((p) => p.name === "smtpd_tls_eecdh_grade");
    expect(eecdh("3.4")).toMatchObject({ deprecated: false });
    expect(eecdh("3.12")).toMatchObject({ deprecated: true });
    // Kept only as the old name of postscreen_denylist_action from 3.6 on.
    const blacklist = (version: string) =>
      listParameters(version).find((p) => p.name === "postscreen_blacklist_action");
    expect(blacklist("3.5")).toMatchObject({ deprecated: false });
    expect(blacklist("3.6")).toMatchObject({ deprecated: true });
    expect(
      listParameters("3.12").find((p) => p.name === "smtp_tls_security_level")?.description,
    ).toBe("str · default: may (compatibility_level 3.11+; (empty) below)");

    const page = parameterReference("smtp_tls_protocols", "3.4");
    expect(page).toContain("**Default** in Postfix 3.4: `!SSLv2, !SSLv3`");
    expect(page).not.toMatch(/In effect|Set in|\(rule `|\[\[/);
    expect(parameterReference("smtpd_tls_eecdh_grade", "3.4")).not.toContain("⚠");
    expect(parameterReference("smtp_tls_cipherlist", "3.12")).toContain(
      "⚠ Postfix 3.12 no longer reads it",
    );
  });
});
