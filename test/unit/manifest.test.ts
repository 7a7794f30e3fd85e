import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DOCUMENT_SELECTOR } from "../../client/src/selector";
import { configKindOf } from "../../server/src/service/configKind";
import {
  NEWEST_VERSION,
  OLDEST_VERSION,
  SUPPORTED_VERSIONS,
} from "../../server/src/service/data/parameters";
import { RULES } from "../../server/src/service/rules/ruleTable";
import { SEVERITY_SETTINGS } from "../../server/src/service/validation";
import { MAX_RULE_ENTRIES, MAX_VERSION_LENGTH, readSettings } from "../../server/src/settings";

/**
 * The manifest must agree with the code it describes. Its list of rule ids is
 * rendered from the rule table: after adding a rule, run `npm run update:generated`.
 */

const ROOT = join(__dirname, "../..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const contributes = manifest.contributes;

describe("package.json contributions", () => {
  it("declares the settings the server reads, with the server's defaults", () => {
    const properties = contributes.configuration.properties as Record<string, { default: unknown }>;
    const serverDefaults = readSettings(undefined) as unknown as Record<string, unknown>;
    // postfix.trace.server belongs to the client library, and postfix.postconfPath is
    // read by the client alone (machine scope) and passed at start; every other setting
    // is the server's. The server keeps postfix.version as `release` and derives
    // `version`, the release line, from it.
    const serverKeys = Object.keys(properties)
      .filter((key) => key !== "postfix.trace.server" && key !== "postfix.postconfPath")
      .map((key) => key.replace(/^postfix\./, ""))
      .map((key) => (key === "version" ? "release" : key));
    delete serverDefaults.version;
    // A dotted setting (postfix.files.x) is a nested object in the settings.
    const leafKeys = (object: Record<string, unknown>, prefix = ""): string[] =>
      Object.entries(object).flatMap(([key, value]) =>
        value !== null && typeof value === "object" && !Array.isArray(value) && key !== "rules"
          ? leafKeys(value as Record<string, unknown>, `${prefix}${key}.`)
          : [`${prefix}${key}`],
      );
    const defaultOf = (key: string) =>
      key
        .split(".")
        .reduce<unknown>(
          (object, part) => (object as Record<string, unknown>)[part],
          serverDefaults,
        );
    expect(serverKeys.sort()).toEqual(leafKeys(serverDefaults).sort());
    for (const key of serverKeys) {
      const setting = key === "release" ? "version" : key;
      expect(properties[`postfix.${setting}`].default, key).toEqual(defaultOf(key));
    }
    expect(properties["postfix.trace.server"].default).toBe("off");
  });

  it("gives each setting the schema the server validates it with", () => {
    const { properties } = contributes.configuration;
    const version = properties["postfix.version"];
    const pattern = new RegExp(version.pattern);
    for (const accepted of [...SUPPORTED_VERSIONS, "3.7.11", "auto"])
      expect(pattern.test(accepted), accepted).toBe(true);
    for (const rejected of ["", "3", "latest", "3.7.1.2", "1234.5"])
      expect(pattern.test(rejected), rejected).toBe(false);
    expect(version.maxLength).toBe(MAX_VERSION_LENGTH);
    expect(version.markdownDescription).toContain(`${OLDEST_VERSION} to ${NEWEST_VERSION}`);
    const rules = properties["postfix.rules"];
    expect(rules.maxProperties).toBe(MAX_RULE_ENTRIES);
    const ids = RULES.map((rule) => rule.id).sort();
    if (
      process.env.UPDATE_README &&
      JSON.stringify(rules.propertyNames.enum) !== JSON.stringify(ids)
    ) {
      rules.propertyNames.enum = ids;
      writeFileSync(join(ROOT, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      return;
    }
    expect(rules.propertyNames.enum).toEqual(ids);
    expect(rules.additionalProperties.enum).toEqual(SEVERITY_SETTINGS);
  });

  it("supports untrusted workspaces in a limited way, and the client tells the server the trust", () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    expect(untrusted.supported).toBe("limited");
    expect(untrusted.description).toContain(
      "Files named in the configuration (certificates, keys, lookup tables) are never read in restricted mode.",
    );
    expect(untrusted.description).toContain("The server runs no program in restricted mode");
    expect(untrusted.restrictedConfigurations).toEqual([
      "postfix.files.followSymlinksOutside",
      "postfix.postconf.checkOnSave",
    ]);
    const client = readFileSync(join(ROOT, "client/src/extension.ts"), "utf8");
    expect(client).toContain(
      "initializationOptions: () => ({\n      trusted: workspace.isTrusted,\n      postconfPath: postconfPath(),",
    );
    expect(client).toMatch(
      /onDidGrantWorkspaceTrust\(\s*\(\) => void client\?\.sendNotification\("postfix\/workspaceTrust", \{ trusted: true \}\)/,
    );
  });

  it("lets only the user or the machine choose the postconf program, never a workspace", () => {
    const setting = contributes.configuration.properties["postfix.postconfPath"];
    expect(setting.scope).toBe("machine");
    expect(setting.default).toBe("/usr/sbin/postconf");
    const client = readFileSync(join(ROOT, "client/src/extension.ts"), "utf8");
    // The client passes the user's or the default value, whatever a workspace says.
    expect(client).toContain("const path = setting?.globalValue ?? setting?.defaultValue;");
    expect(client).not.toMatch(/workspaceValue|workspaceFolderValue/);
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

  it("keeps commands that need an argument out of the command palette", () => {
    expect(contributes.menus.commandPalette).toEqual([
      { command: "postfix.insertFingerprint", when: "false" },
      { command: "postfix.explainRule", when: "false" },
    ]);
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
