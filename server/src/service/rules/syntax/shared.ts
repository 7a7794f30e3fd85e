import { masterEntries } from "../../analysis/configModel";
import type { Span } from "../../parser/logicalLines";
import type { MainEntry, ParameterSetting, ValueSyntaxError } from "../../parser/mainCf";
import type { BraceGroup, MasterEntry, MasterOption } from "../../parser/masterCf";
import type { Token } from "../../parser/tokens";
import { perContext } from "../rule";

/**
 * The syntax family: what Postfix itself rejects or warns about while it reads
 * the files (a missing '=', bad master.cf fields, '$' syntax errors, ...). Each
 * file is scanned once (a file may hold 100,000 entries or options), and each rule
 * takes its part of the scan and words its own findings.
 */

/** What one scan of main.cf finds for the syntax rules. */
export interface MainScan {
  /** Entries Postfix cannot read as `name = value`, or that hold a NUL byte. */
  lineProblems: MainEntry[];
  /** Settings that assign a name again with another value, with the earlier entry. */
  reassignments: { setting: ParameterSetting; earlier: MainEntry }[];
  /** `$` syntax errors in values. */
  macroErrors: ValueSyntaxError[];
  /** Entries whose value holds a '#'. */
  hashValues: MainEntry[];
}

export const mainScan = perContext((context): MainScan => {
  const scan: MainScan = { lineProblems: [], reassignments: [], macroErrors: [], hashValues: [] };
  const entries = context.mainEntries;
  // An index loop: for-of would allocate per entry until V8 optimizes this.
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.nulOffset !== undefined || entry.problem) scan.lineProblems.push(entry);
    const setting = entry.setting;
    if (!setting) continue;
    const earlierSetting = context.earlierAssignment(setting);
    const earlier = earlierSetting && context.mainEntryOf(earlierSetting);
    if (earlier && earlierSetting.value.text !== setting.value.text)
      scan.reassignments.push({ setting, earlier });
    if (setting.macros.error) scan.macroErrors.push(setting.macros.error);
    // The value holds every character of its segments, so without a '#' there is none to find.
    if (setting.value.text.includes("#")) scan.hashValues.push(entry);
  }
  return scan;
});

/** An `-o` option of a well-formed master.cf entry, with its entry. */
export interface ServiceOption {
  entry: MasterEntry;
  option: MasterOption;
}

/** What one scan of master.cf finds for the syntax rules. */
export interface MasterScan {
  /** Entries master(8) refuses as a whole (bad fields, an indented first line). */
  entryProblems: MasterEntry[];
  /** `-o` options without a value or whose value is not `name=value`. */
  malformedOptions: ServiceOption[];
  /** `-o` settings written in one word whose value starts with '{'. */
  bracedValues: MasterOption[];
  /** `$` syntax errors in `-o` values. */
  macroErrors: ValueSyntaxError[];
  /** Option values and arguments whose `{...}` group is broken, in document order. */
  braceProblems: { span: Span; problem: NonNullable<BraceGroup["problem"]> }[];
  /** Well-formed entries with an argument that starts with '#'. */
  hashEntries: MasterEntry[];
}

export const masterScan = perContext((context): MasterScan => {
  const scan: MasterScan = {
    entryProblems: masterEntries(context.master).filter((entry) => entry.problem),
    malformedOptions: [],
    bracedValues: [],
    macroErrors: [],
    braceProblems: [],
    hashEntries: [],
  };
  for (const { entry } of context.services) {
    for (const option of entry.options) {
      if (option.braces?.problem && option.value)
        scan.braceProblems.push({ span: option.value, problem: option.braces.problem });
      if (option.flag.text !== "-o") continue;
      if (!option.value || option.settingProblem) scan.malformedOptions.push({ entry, option });
      const setting = option.setting;
      if (!setting) continue;
      if (!option.braces && setting.value.text.startsWith("{")) scan.bracedValues.push(option);
      // postconf scans every -o value for $name, as it does main.cf values.
      if (setting.macros.error) scan.macroErrors.push(setting.macros.error);
    }
    let hash = false;
    for (const argument of entry.arguments) {
      if (argument.braces?.problem)
        scan.braceProblems.push({ span: argument.word, problem: argument.braces.problem });
      hash ||= argument.word.text.startsWith("#");
    }
    if (hash) scan.hashEntries.push(entry);
  }
  return scan;
});

/**
 * For `-o name = value` (a name without '=', then a word starting with '='): that
 * word. The option then ended at the name and the rest became arguments.
 */
export function spacedEquals({ entry, option }: ServiceOption): Token | undefined {
  if (option.settingProblem !== "missing-equals") return undefined;
  const next = entry.arguments[0]?.word;
  return next?.text.startsWith("=") ? next : undefined;
}
