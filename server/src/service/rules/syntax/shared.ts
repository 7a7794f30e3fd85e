import { masterEntries } from "../../analysis/configModel";
import type { Token } from "../../parser/tokens";
import type { MainEntry } from "../../parser/mainCf";
import type { MasterEntry, MasterOption } from "../../parser/masterCf";
import type { RuleContext } from "../context";
import { perContext } from "../rule";

/**
 * The syntax family: what Postfix itself rejects or warns about while it reads
 * the files (a missing '=', bad master.cf fields, '$' syntax errors, ...). Each
 * rule reports on the file whose text it reads: main.cf rules on main.cf, master.cf
 * rules on master.cf.
 */

/**
 * The main.cf entries Postfix cannot read as `name = value` or that hold a NUL
 * byte: one scan of main.cf, which the line rules (missing-equals, missing-name,
 * leading-whitespace, nul-byte) share.
 */
export const mainLineProblems = perContext((context): MainEntry[] =>
  context.mainEntries.filter((entry) => entry.nulOffset !== undefined || entry.problem),
);

/** The master.cf entries that master(8) refuses as a whole (bad fields, indented first line). */
export const masterEntryProblems = perContext((context): MasterEntry[] =>
  masterEntries(context.master).filter((entry) => entry.problem),
);

/** Every `-o` option of the well-formed master.cf entries, with its entry, in document order. */
export function* serviceOptions(
  context: RuleContext,
): Generator<{ entry: MasterEntry; option: MasterOption }> {
  for (const { entry } of context.services) {
    for (const option of entry.options) if (option.flag.text === "-o") yield { entry, option };
  }
}

/**
 * For `-o name = value` (a name without '=', then a word starting with '='): that
 * word. The option then ended at the name and the rest became arguments.
 */
export function spacedEquals(entry: MasterEntry, option: MasterOption): Token | undefined {
  if (option.settingProblem !== "missing-equals") return undefined;
  const next = entry.arguments[0]?.word;
  return next?.text.startsWith("=") ? next : undefined;
}
