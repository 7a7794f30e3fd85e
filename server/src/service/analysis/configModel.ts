import { type ParsedConfig, isEntry } from "../parser/document";
import type { MainEntry, ParameterSetting } from "../parser/mainCf";
import type { MasterEntry } from "../parser/masterCf";

/** The effective main.cf settings: the last assignment of each name wins. */
export function mainSettings(main: ParsedConfig | undefined): Map<string, ParameterSetting> {
  const settings = new Map<string, ParameterSetting>();
  for (const entry of mainEntries(main)) {
    if (entry.setting) settings.set(entry.setting.name.text, entry.setting);
  }
  return settings;
}

export function mainEntries(main: ParsedConfig | undefined): MainEntry[] {
  return main ? (main.blocks.filter(isEntry) as MainEntry[]) : [];
}

export function masterEntries(master: ParsedConfig | undefined): MasterEntry[] {
  return master ? (master.blocks.filter(isEntry) as MasterEntry[]) : [];
}

/** A master.cf service is known by its name and type, e.g. `submission/inet`. */
export function serviceKey(entry: MasterEntry): string {
  return `${entry.words[0].text}/${entry.words[1].text}`;
}

/** The `-o` settings of one entry in order (later ones override earlier ones). */
export function serviceSettings(entry: MasterEntry): ParameterSetting[] {
  return entry.options.flatMap((option) => (option.setting ? [option.setting] : []));
}
