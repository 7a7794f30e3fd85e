import { type ParsedConfig, isEntry } from "../parser/document";
import type { MasterEntry } from "../parser/masterCf";

/** The logical entries of a parsed master.cf, without comment blocks. */
export function masterEntries(master: ParsedConfig | undefined): MasterEntry[] {
  return master ? (master.blocks.filter(isEntry) as MasterEntry[]) : [];
}
