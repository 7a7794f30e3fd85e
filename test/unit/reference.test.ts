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
});
