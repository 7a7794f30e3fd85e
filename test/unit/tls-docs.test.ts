import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  NEWEST_VERSION,
  defaultValue,
  getParameter,
} from "../../server/src/service/data/parameters";
import { parseParameterDocs, resolvedBody } from "../../server/src/service/data/tlsDocs";
import { valuesOfKind } from "../../server/src/service/data/valueSets";
import catalogue from "../data/tls-parameter-names.json";

const DOCS_DIR = join(__dirname, "../../server/src/service/data/docs");

const docs = parseParameterDocs(
  ["tls-client.md", "tls-server.md"]
    .map((file) => readFileSync(join(DOCS_DIR, file), "utf8"))
    .join("\n"),
);
const tlsParameters = catalogue.names.map((name) => ({ name }));

describe("hand-written TLS parameter docs", () => {
  it("cover every TLS-related parameter of the facts catalogue", () => {
    const missing = tlsParameters.map((p) => p.name).filter((name) => !docs.has(name));
    expect(missing).toEqual([]);
    expect(tlsParameters).toHaveLength(262);
  });

  it.each(tlsParameters.map((p) => p.name))("%s states its default and version", (name) => {
    const doc = docs.get(name)!;
    expect(doc.facts).toMatch(/^\*\*Default:\*\* .+ · \*\*Since:\*\* Postfix \d+\.\d+/);
  });

  it("resolve every same-as reference to a documented base with its own text", () => {
    for (const doc of docs.values()) {
      for (const [, base] of doc.body.matchAll(/\[\[same-as:([A-Za-z0-9_]+)\]\]/g)) {
        expect(docs.get(base)?.body, `${doc.name} refers to ${base}`).toBeTruthy();
      }
      expect(resolvedBody(doc, docs)).not.toMatch(/\[\[same-as:/);
    }
  });

  it("show shared value meanings from one list, the one completion offers", () => {
    const levels = valuesOfKind("tls-loglevel", NEWEST_VERSION);
    for (const name of ["smtp_tls_loglevel", "smtpd_tls_loglevel", "lmtp_tls_loglevel"]) {
      const body = resolvedBody(docs.get(name)!, docs);
      for (const level of levels)
        expect(body, name).toContain(`- \`${level.value}\` — ${level.detail}`);
    }
    for (const doc of docs.values()) expect(resolvedBody(doc, docs)).not.toMatch(/\[\[values:/);
  });

  it("cite only pitfalls of the catalogue", () => {
    for (const doc of docs.values()) {
      for (const [, number] of doc.body.matchAll(/\[\[P(\d+)\]\]/g)) {
        expect(Number(number), doc.name).toBeGreaterThanOrEqual(1);
        expect(Number(number), doc.name).toBeLessThanOrEqual(62);
      }
    }
  });
});

/** The value a Default line states: `same as \`base\``, `empty`, or the first `code` span. */
function statedDefault(facts: string): string | undefined {
  const stated = /^\*\*Default:\*\* (.*?) · /.exec(facts)?.[1] ?? "";
  const sameAs = /^same as `([a-z0-9_]+)`/i.exec(stated);
  if (sameAs) return `$${sameAs[1]}`;
  if (stated.startsWith("empty")) return "";
  return /`([^`]+)`/.exec(stated)?.[1];
}

describe("server TLS docs agree with the parameter data generated from the Postfix source", () => {
  const serverDocs = parseParameterDocs(readFileSync(join(DOCS_DIR, "tls-server.md"), "utf8"));

  it.each([...serverDocs.keys()])("%s: Default and Since", (name) => {
    const facts = getParameter(name);
    const range = facts?.builtin;
    expect(range, `${name} is not a Postfix parameter`).toBeDefined();
    const doc = serverDocs.get(name)!;
    // A removed parameter is checked against the last release that had it.
    const release = range!.until ?? NEWEST_VERSION;
    expect(statedDefault(doc.facts)).toBe(defaultValue(name, release));
    expect(doc.facts).toContain(`**Since:** Postfix ${range!.since}`);
  });
});
