import { beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../server/src/service/parser/document";
import * as contextModule from "../../server/src/service/rules/context";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation, hostFileRequests } from "../../server/src/service/validation";
import { exampleHostFiles } from "../support/certificates";

/**
 * With file checks on, validation runs twice over the configuration: once to ask
 * which host files the rules need, once for the findings. The rule context (the
 * largest part of a pass) is built once for both; the builds are counted through
 * the real builder, wrapped.
 */

vi.mock("../../server/src/service/rules/context", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../server/src/service/rules/context")>();
  return { ...original, ruleContextSteps: vi.fn(original.ruleContextSteps) };
});

const builds = () => vi.mocked(contextModule.ruleContextSteps).mock.calls.length;

const MAIN =
  "myhostname = mail.example.com\n" +
  "smtpd_tls_chain_files = /etc/ssl/mail.pem\n" +
  "smtpd_tls_key_file = /etc/ssl/other.pem\n" +
  "smtpd_tls_cert_file = /etc/ssl/old.pem\n";
const MASTER = "submission inet n - n - - smtpd\n  -o smtpd_tls_key_file=/etc/ssl/old.pem\n";
const HOST = exampleHostFiles({
  "/etc/ssl/mail.pem": {
    about: "",
    objects: [{ key: "mail" }, { cert: "mail", issuer: "ca", names: ["www.example.com"] }],
  },
  "/etc/ssl/old.pem": { about: "", objects: [{ cert: "old", days: [-90, -1] }] },
  "/etc/ssl/other.pem": { about: "", mode: 0o644, objects: [{ key: "other" }] },
});

describe("the rule context of a validation with file checks", () => {
  beforeEach(() => vi.mocked(contextModule.ruleContextSteps).mockClear());

  it("is built once for the file requests and the findings, and the findings are the same", () => {
    const main = parseConfig("main", MAIN);
    const master = parseConfig("master", MASTER);
    const settings = { version: "3.7" as const };
    const alone = doValidation(main, new LineIndex(MAIN), { ...settings, host: HOST }, master);
    expect(builds()).toBe(1);
    const codes = alone.map((diagnostic) => diagnostic.code);
    for (const code of ["certificate-expired", "tls-key-mismatch", "tls-key-permissions"])
      expect(codes).toContain(code);

    vi.mocked(contextModule.ruleContextSteps).mockClear();
    const { requests, context } = hostFileRequests(main, settings, master);
    expect(requests.map((request) => request.path).sort()).toEqual([
      "/etc/ssl/mail.pem",
      "/etc/ssl/old.pem",
      "/etc/ssl/other.pem",
    ]);
    const reused = doValidation(
      main,
      new LineIndex(MAIN),
      { ...settings, host: HOST },
      master,
      context,
    );
    expect(builds()).toBe(1);
    expect(reused).toEqual(alone);
  });

  it("is not built for the requests of a configuration that names no file", () => {
    const main = parseConfig("main", "myhostname = mail.example.com\n");
    expect(hostFileRequests(main)).toEqual({ requests: [] });
    expect(builds()).toBe(0);
  });
});
