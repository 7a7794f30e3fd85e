import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DOCUMENT_SELECTOR } from "../../client/src/selector";
import { configKindOf } from "../../server/src/service/configKind";
import { readSettings } from "../../server/src/settings";

/** The manifest must agree with the code it describes. */

const ROOT = join(__dirname, "../..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const contributes = manifest.contributes;

describe("package.json contributions", () => {
  it("declares the settings the server reads, with the server's defaults", () => {
    const properties = contributes.configuration.properties as Record<string, { default: unknown }>;
    const serverDefaults = readSettings(undefined) as unknown as Record<string, unknown>;
    // postfix.trace.server belongs to the client library; every other setting is the server's.
    const serverKeys = Object.keys(properties)
      .filter((key) => key !== "postfix.trace.server")
      .map((key) => key.replace(/^postfix\./, ""));
    // A dotted key (format.continuationIndent) is a field of a nested section.
    const defaultOf = (key: string) =>
      key
        .split(".")
        .reduce<unknown>(
          (section, name) => (section as Record<string, unknown>)[name],
          serverDefaults,
        );
    expect([...new Set(serverKeys.map((key) => key.split(".")[0]))].sort()).toEqual(
      Object.keys(serverDefaults).sort(),
    );
    for (const key of serverKeys)
      expect(properties[`postfix.${key}`].default, key).toEqual(defaultOf(key));
    expect(properties["postfix.trace.server"].default).toBe("off");
  });

  it("contributes exactly the languages the client selects, and the server recognises them", () => {
    const ids = contributes.languages.map((language: { id: string }) => language.id);
    expect(ids.sort()).toEqual(DOCUMENT_SELECTOR.map((selector) => selector.language).sort());
    expect(ids.map((id: string) => configKindOf(id, "file:///x"))).toEqual(["main", "master"]);
  });

  it("points at grammar and language-configuration files that exist and match", () => {
    for (const language of contributes.languages) {
      expect(existsSync(join(ROOT, language.configuration)), language.configuration).toBe(true);
    }
    for (const grammar of contributes.grammars) {
      const file = join(ROOT, grammar.path);
      expect(existsSync(file), grammar.path).toBe(true);
      expect(JSON.parse(readFileSync(file, "utf8")).scopeName).toBe(grammar.scopeName);
      expect(contributes.languages.map((l: { id: string }) => l.id)).toContain(grammar.language);
    }
  });

  it("registers every contributed command in the client, and no other", () => {
    const source = readFileSync(join(ROOT, "client/src/extension.ts"), "utf8");
    const registered = [...source.matchAll(/registerCommand\("([^"]+)"/g)].map((match) => match[1]);
    expect(contributes.commands.map((c: { command: string }) => c.command).sort()).toEqual(
      registered.sort(),
    );
  });

  it("claims main.cf and master.cf by name, never all *.cf files", () => {
    const patterns = contributes.languages.flatMap(
      (l: { filenames?: string[]; extensions?: string[] }) => [
        ...(l.filenames ?? []),
        ...(l.extensions ?? []),
      ],
    );
    expect(patterns.sort()).toEqual(["main.cf", "main.cf.proto", "master.cf", "master.cf.proto"]);
    expect(manifest.extensionKind).toEqual(["workspace"]);
  });
});
