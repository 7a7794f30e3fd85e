import { type ParsedConfig, isEntry } from "../parser/document";
import type { MainEntry } from "../parser/mainCf";
import type { MasterEntry } from "../parser/masterCf";

/** The logical entries of a parsed main.cf, without comment blocks. */
export function mainEntries(main: ParsedConfig | undefined): MainEntry[] {
  return main ? (main.blocks.filter(isEntry) as MainEntry[]) : [];
}

/** The logical entries of a parsed master.cf, without comment blocks. */
export function masterEntries(master: ParsedConfig | undefined): MasterEntry[] {
  return master ? (master.blocks.filter(isEntry) as MasterEntry[]) : [];
}
