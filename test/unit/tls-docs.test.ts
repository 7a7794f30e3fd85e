import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseParameterDocs, resolvedBody } from "../../server/src/service/data/tlsDocs";

const DOCS_DIR = join(__dirname, "../../server/src/service/data/docs");
const FACTS = join(__dirname, "../../../shared/postfix-facts/tls-parameters.json");

const docs = parseParameterDocs(
  ["tls-client.md", "tls-server.md"]
    .map((file) => readFileSync(join(DOCS_DIR, file), "utf8"))
    .join("\n"),
);
const tlsParameters: { name: string }[] = JSON.parse(readFileSync(FACTS, "utf8")).parameters;

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

  it("cite only pitfalls of the catalogue", () => {
    for (const doc of docs.values()) {
      for (const [, number] of doc.body.matchAll(/\[\[P(\d+)\]\]/g)) {
        expect(Number(number), doc.name).toBeGreaterThanOrEqual(1);
        expect(Number(number), doc.name).toBeLessThanOrEqual(62);
      }
    }
  });
});
