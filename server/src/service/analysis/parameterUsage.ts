import type { ParsedConfig } from "../parser/document";
import type { ParameterSetting } from "../parser/mainCf";
import type { MasterEntry } from "../parser/masterCf";
import {
  type PostfixVersion,
  dbmsParameterNames,
  isKnownParameter,
  serviceParameterNames,
} from "../data/parameters";
import { mainEntries, mainSettings, masterEntries, serviceSettings } from "./configModel";

/** Parameters that Postfix sets itself per process; assigning them is an error. */
export const READ_ONLY_PARAMETERS = new Set(["process_name", "process_id", "service_name"]);

/**
 * Which parameter names Postfix accepts for a pair of main.cf and master.cf, by
 * postconf's rules: built-in names of the release, names derived from master.cf
 * service names, legacy database names (`ldap:name` makes `name_server_host` etc.),
 * and user-defined names that have a value and are referenced as `$name` somewhere
 * or listed in smtpd_restriction_classes.
 */
export interface ParameterUsage {
  isKnown(name: string): boolean;
  /** Names derived from master.cf services. */
  serviceNames: Set<string>;
  /** User-defined names that postconf accepts. */
  userNames: Set<string>;
}

export function analyzeParameterUsage(
  main: ParsedConfig | undefined,
  master: ParsedConfig | undefined,
  version: PostfixVersion,
): ParameterUsage {
  const services = masterEntries(master).filter((entry) => !entry.problem);
  const serviceNames = new Set<string>();
  for (const entry of services) {
    for (const name of serviceParameterNames(entry.words[0].text, commandOf(entry), version)) {
      serviceNames.add(name);
    }
  }
  const builtinOrService = (name: string) =>
    isKnownParameter(name, version) || serviceNames.has(name);

  const settings = mainSettings(main);
  const hasValue = (name: string) =>
    settings.has(name) ||
    services.some((entry) => serviceSettings(entry).some((s) => s.name.text === name));

  const userNames = new Set<string>();
  const accept = (name: string) => {
    if (!builtinOrService(name) && hasValue(name)) userNames.add(name);
  };
  const allValues: ParameterSetting[] = [
    ...mainEntries(main).flatMap((entry) => (entry.setting ? [entry.setting] : [])),
    ...services.flatMap(serviceSettings),
  ];
  for (const setting of allValues) {
    if (setting.macros.error) continue; // postconf stops scanning a value at its first error
    for (const reference of setting.macros.references) accept(reference.name.text);
  }
  for (const setting of allValues) {
    if (setting.name.text !== "smtpd_restriction_classes") continue;
    for (const name of splitList(setting.value.text)) accept(name);
  }
  for (const setting of allValues) {
    if (!builtinOrService(setting.name.text)) continue;
    for (const table of legacyTableReferences(setting.value.text)) {
      for (const name of dbmsParameterNames(table.type, table.name, version)) accept(name);
    }
  }

  return {
    isKnown: (name) => builtinOrService(name) || userNames.has(name),
    serviceNames,
    userNames,
  };
}

export function commandOf(entry: MasterEntry): string {
  const command = entry.words[7]?.text ?? "";
  return command.slice(command.lastIndexOf("/") + 1);
}

/** Splits a list value the way most Postfix lists are split: on commas and whitespace. */
export function splitList(value: string): string[] {
  return value.split(/[,\s]+/).filter((item) => item.length > 0);
}

/**
 * `type:name` references whose name is neither a path nor relative to the queue
 * directory: the legacy way to name a database client configuration (postconf's
 * pcf_register_dbms_helper). `proxy:` prefixes are skipped and `{...}` groups opened.
 */
function legacyTableReferences(value: string): { type: string; name: string }[] {
  const tables: { type: string; name: string }[] = [];
  for (const word of splitBracedWords(value)) {
    if (word.startsWith("{")) {
      tables.push(...legacyTableReferences(word.slice(1, word.endsWith("}") ? -1 : undefined)));
      continue;
    }
    let parts = word.split(":");
    while (parts.length > 1 && parts[0] === "proxy") parts = parts.slice(1);
    if (parts.length < 2) continue;
    const [type, ...rest] = parts;
    const name = rest.join(":");
    if (!name.startsWith("/") && !name.startsWith(".") && !name.startsWith("{")) {
      tables.push({ type, name });
    }
  }
  return tables;
}

/** Words separated by commas and whitespace, keeping balanced `{...}` groups whole. */
export function splitBracedWords(value: string): string[] {
  const words: string[] = [];
  const separators = ", \t\r\n";
  let i = 0;
  while (i < value.length) {
    while (i < value.length && separators.includes(value[i])) i++;
    if (i >= value.length) break;
    const start = i;
    let level = 0;
    for (; i < value.length; i++) {
      const ch = value[i];
      if (ch === "{") level++;
      else if (level > 0 && ch === "}") level--;
      else if (level === 0 && separators.includes(ch)) break;
    }
    words.push(value.slice(start, i));
  }
  return words;
}
