import type { ParameterSetting } from "./mainCf";
import type { MasterEntry, MasterOption } from "./masterCf";
import { firstIndexWhere } from "../text/binarySearch";

/**
 * Each master.cf entry's `-o` settings by name, in document order. Built on the
 * first lookup; an edit inside the entry updates it for the options it re-parsed
 * (an entry can have 100k options, and hover looks names up after every keystroke).
 */
type OptionIndex = Map<string, MasterOption[]>;

const indexes = new WeakMap<MasterEntry, OptionIndex>();

/** The entry's last `-o` setting of `name`: the one the service runs with. */
export function lastOptionSetting(entry: MasterEntry, name: string): ParameterSetting | undefined {
  let index = indexes.get(entry);
  if (!index) {
    index = new Map();
    addOptions(index, entry.options);
    indexes.set(entry, index);
  }
  const options = index.get(name);
  return options?.[options.length - 1].setting;
}

/**
 * Hands the old entry's index, if it was built, to the edited entry. `replace`
 * makes the edit: it receives the index with the replaced options removed (their
 * offsets must still be the old ones), and returns the options re-parsed in their
 * place, to be added once all offsets are the new ones.
 */
export function carryOptionIndex(
  old: MasterEntry,
  replaced: MasterOption[],
  replace: () => { edited: MasterEntry; added: MasterOption[] },
): MasterEntry {
  const index = indexes.get(old);
  if (index) {
    indexes.delete(old);
    for (const option of replaced) removeOption(index, option);
  }
  const { edited, added } = replace();
  if (index) {
    addOptions(index, added);
    indexes.set(edited, index);
  }
  return edited;
}

/** Adds options in document order (a name's list stays sorted by offset). */
function addOptions(index: OptionIndex, options: MasterOption[]): void {
  for (const option of options) {
    if (!option.setting) continue;
    const name = option.setting.name.text;
    const list = index.get(name);
    if (!list) index.set(name, [option]);
    else if (list[list.length - 1].flag.start < option.flag.start) list.push(option);
    else list.splice(positionOf(list, option), 0, option);
  }
}

function removeOption(index: OptionIndex, option: MasterOption): void {
  if (!option.setting) return;
  const name = option.setting.name.text;
  const list = index.get(name);
  if (!list) return;
  const at = positionOf(list, option);
  if (list[at] === option) list.splice(at, 1);
  if (list.length === 0) index.delete(name);
}

/** Where `option` is or belongs in a list sorted by offset. */
function positionOf(list: MasterOption[], option: MasterOption): number {
  return firstIndexWhere(list.length, (i) => list[i].flag.start >= option.flag.start, 0);
}
