import { masterEntries } from "../analysis/configModel";
import {
  type ParameterClass,
  type ParameterUsage,
  type ValueReader,
  analyzeDictionaries,
} from "../analysis/parameterUsage";
import { type PostfixVersion, defaultValue, getParameter } from "../data/parameters";
import type { HostFiles } from "../hostFiles";
import { type ConfigKind, type ParsedConfig, isEntry } from "../parser/document";
import { evaluateExpansion } from "../parser/expansion";
import type { MainEntry, ParameterSetting } from "../parser/mainCf";
import type { MasterEntry, MasterOption } from "../parser/masterCf";

/**
 * What rules see: both files, parsed, and the effective configuration of each
 * master.cf service as the daemons see it: its `-o` settings, then main.cf, then
 * the default of the configured release.
 */

/** A master.cf service as its daemon sees it. */
export interface ServiceView {
  entry: MasterEntry;
  name: string;
  type: string;
  /** The program's base name, e.g. `smtpd`. */
  command: string;
  /** Its `-o` settings; a later one overrides an earlier one. */
  settings: Map<string, ParameterSetting>;
}

/** Settings by name (a read-only map). */
export interface SettingsByName {
  readonly size: number;
  get(name: string): ParameterSetting | undefined;
  has(name: string): boolean;
  values(): IterableIterator<ParameterSetting>;
}

/** Where an effective value comes from. */
export interface SettingSource {
  setting: ParameterSetting;
  file: ConfigKind;
}

/** A setting in effect, with the service whose `-o` it is (none for main.cf). */
export interface PlacedSetting extends SettingSource {
  service?: ServiceView;
  /** usage.classOf() of its name, which several rules ask for every setting. */
  parameterClass: ParameterClass | undefined;
}

export interface RuleContext {
  version: PostfixVersion;
  /** Host files read for the rules that asked (see hostFiles.ts); undefined when file checks are off. */
  host?: HostFiles;
  main?: ParsedConfig;
  master?: ParsedConfig;
  mainEntries: MainEntry[];
  /** main.cf settings; the last assignment of a name wins. */
  mainSettings: SettingsByName;
  /** For a main.cf setting that assigns a name again: the assignment before it. */
  earlierAssignment(setting: ParameterSetting): ParameterSetting | undefined;
  services: ServiceView[];
  /**
   * Every setting in effect: main.cf's in mainSettings order, then each service's
   * `-o` settings. Listed once here because many rules scan them all.
   */
  settings: PlacedSetting[];
  /**
   * Those of `settings` whose names are parameters rather than user-defined
   * (built-in, legacy or per-service), in the same order.
   */
  parameterSettings: PlacedSetting[];
  /** The settings in effect of these names: main.cf's, then each service's (for rules about a few names). */
  settingsNamed(names: readonly string[]): PlacedSetting[];
  /** The main.cf entry that holds a setting. */
  mainEntryOf(setting: ParameterSetting): MainEntry | undefined;
  usage: ParameterUsage;
  /** Where the value in effect for a service (or globally) is set, if it is set at all. */
  sourceOf(name: string, service?: ServiceView): SettingSource | undefined;
  /** The value in effect, `$name` expanded; defaults included. */
  valueOf(name: string, service?: ServiceView): string;
  /** True when the value in effect was set explicitly (main.cf or the service's `-o`). */
  isSet(name: string, service?: ServiceView): boolean;
  /** True when some service sets `name` with `-o`. */
  isSetByAnyService(name: string): boolean;
  /** The service and `-o` option that hold a master.cf setting (overridden ones too). */
  optionHolding(
    setting: ParameterSetting,
  ): { service: ServiceView; option: MasterOption } | undefined;
}

/** A stand-in for defaults computed from the host (myhostname and the like). */
const COMPUTED_DEFAULT = "localhost";

/**
 * The context's records for the parameter analysis: their `$` references are
 * parsed already, and a user-defined name is marked as the record's class.
 */
const PLACED_SETTINGS: ValueReader<PlacedSetting> = {
  text: (record) => record.setting.value.text,
  forEachReference: (record, visit) => {
    // An index loop: for-of would allocate per reference until V8 optimizes this.
    const references = record.setting.macros.references;
    for (let i = 0; i < references.length; i++) visit(references[i].name.text);
  },
  markUserDefined: (_name, record) => {
    record.parameterClass = "user";
  },
  isUserDefined: (_name, record) => record.parameterClass === "user",
};

export function createRuleContext(
  main: ParsedConfig | undefined,
  master: ParsedConfig | undefined,
  version: PostfixVersion,
  host?: HostFiles,
): RuleContext {
  const steps = ruleContextSteps(main, master, version, host);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * createRuleContext() in steps, pausing between its larger parts (each takes
 * around 10–20 ms at 100k lines), for validationSteps().
 */
export function* ruleContextSteps(
  main: ParsedConfig | undefined,
  master: ParsedConfig | undefined,
  version: PostfixVersion,
  host?: HostFiles,
): Generator<void, RuleContext, void> {
  const { entries, mainRecords, earlierAssignments } = readMain(main);
  yield;
  const mainSettings: SettingsByName = {
    get size() {
      return mainRecords.size;
    },
    get: (name) => mainRecords.get(name)?.setting,
    has: (name) => mainRecords.has(name),
    values: function* () {
      for (const record of mainRecords.values()) yield record.setting;
    },
  };

  const services: ServiceView[] = masterEntries(master)
    .filter((entry) => !entry.problem)
    .map((entry) => {
      const settings = new Map<string, ParameterSetting>();
      for (const option of entry.options)
        if (option.setting) settings.set(option.setting.name.text, option.setting);
      const command = entry.words[7].text;
      return {
        entry,
        name: entry.words[0].text,
        type: entry.words[1].text,
        command: command.slice(command.lastIndexOf("/") + 1),
        settings,
      };
    });
  const serviceRecords = services.map((service) => {
    const records = new Map<string, PlacedSetting>();
    for (const [name, setting] of service.settings)
      records.set(name, { setting, file: "master", service, parameterClass: undefined });
    return records;
  });

  const usage = analyzeDictionaries(
    {
      main: mainRecords,
      services: services.map((service, index) => ({
        service: service.name,
        type: service.type,
        command: service.command,
        settings: serviceRecords[index],
      })),
    },
    version,
    PLACED_SETTINGS,
  );
  yield;

  const { settings, parameterSettings } = classify([mainRecords, ...serviceRecords], usage);
  const settingsNamed = (names: readonly string[]): PlacedSetting[] => {
    const named: PlacedSetting[] = [];
    for (const records of [mainRecords, ...serviceRecords]) {
      for (const name of names) {
        const record = records.get(name);
        if (record) named.push(record);
      }
    }
    return named;
  };

  const sourceOf = (name: string, service?: ServiceView): SettingSource | undefined => {
    const local = service?.settings.get(name);
    if (local) return { setting: local, file: "master" };
    const global = mainSettings.get(name);
    return global ? { setting: global, file: "main" } : undefined;
  };
  const rawOf = (name: string, service?: ServiceView): string | undefined => {
    const source = sourceOf(name, service);
    if (source) return source.setting.value.text;
    if (getParameter(name)?.defaultComputed) return COMPUTED_DEFAULT;
    return defaultValue(name, version) ?? usage.lookup(name);
  };
  const cache = new Map<string, string>();
  // A number per service for the cache key (looked up, not searched: there may be many).
  const serviceNumbers = new Map(services.map((service, index) => [service, index]));
  const valueOf = (name: string, service?: ServiceView): string => {
    const key = `${service ? serviceNumbers.get(service) : -1}:${name}`;
    let value = cache.get(key);
    if (value === undefined) {
      value = evaluateExpansion(rawOf(name, service) ?? "", (other) => rawOf(other, service)).value;
      cache.set(key, value);
    }
    return value;
  };

  // Built on first use, as a lookup per name would otherwise go through every service.
  let serviceSettingNames: Set<string> | undefined;
  let optionsBySetting:
    Map<ParameterSetting, { service: ServiceView; option: MasterOption }> | undefined;

  return {
    version,
    host,
    main,
    master,
    mainEntries: entries,
    mainSettings,
    earlierAssignment: (setting) => earlierAssignments.get(setting),
    services,
    settings,
    parameterSettings,
    settingsNamed,
    mainEntryOf: (setting) => entryAt(entries, setting),
    usage,
    sourceOf,
    valueOf,
    isSet: (name, service) => sourceOf(name, service) !== undefined,
    isSetByAnyService: (name) => (serviceSettingNames ??= settingNamesOf(services)).has(name),
    optionHolding: (setting) => (optionsBySetting ??= optionsOf(services)).get(setting),
  };
}

/**
 * main.cf's entries, and one record per name holding its last assignment. The
 * parameter analysis marks user-defined names on these records and rules read
 * them, so a long main.cf is looked up by name as rarely as possible.
 */
function readMain(main: ParsedConfig | undefined): {
  entries: MainEntry[];
  mainRecords: Map<string, PlacedSetting>;
  /** For a setting that assigns a name again: the assignment before it. */
  earlierAssignments: Map<ParameterSetting, ParameterSetting>;
} {
  const entries: MainEntry[] = [];
  const mainRecords = new Map<string, PlacedSetting>();
  const earlierAssignments = new Map<ParameterSetting, ParameterSetting>();
  const blocks = main?.blocks ?? [];
  // An index loop: for-of would allocate per block until V8 optimizes this.
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!isEntry(block)) continue;
    const entry = block as MainEntry;
    entries.push(entry);
    const setting = entry.setting;
    if (!setting) continue;
    const record = mainRecords.get(setting.name.text);
    if (record) {
      earlierAssignments.set(setting, record.setting);
      record.setting = setting;
    } else {
      mainRecords.set(setting.name.text, { setting, file: "main", parameterClass: undefined });
    }
  }
  return { entries, mainRecords, earlierAssignments };
}

/**
 * The records in order, with their classes: the analysis has marked the
 * user-defined names of main.cf, usage.classOf() gives the others.
 */
function classify(
  recordMaps: Map<string, PlacedSetting>[],
  usage: ParameterUsage,
): { settings: PlacedSetting[]; parameterSettings: PlacedSetting[] } {
  const settings: PlacedSetting[] = [];
  const parameterSettings: PlacedSetting[] = [];
  for (const records of recordMaps) {
    records.forEach((record) => {
      record.parameterClass ??= usage.classOf(record.setting.name.text);
      settings.push(record);
      if (record.parameterClass !== undefined && record.parameterClass !== "user")
        parameterSettings.push(record);
    });
  }
  return { settings, parameterSettings };
}

/** The entry holding `setting`, by binary search: entries are in document order. */
function entryAt(entries: MainEntry[], setting: ParameterSetting): MainEntry | undefined {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (entries[mid].start <= setting.name.start) low = mid + 1;
    else high = mid;
  }
  const entry = entries[low - 1];
  return entry?.setting === setting ? entry : undefined;
}

/** The names that any of the services sets with `-o`. */
function settingNamesOf(services: ServiceView[]): Set<string> {
  const names = new Set<string>();
  for (const service of services) for (const name of service.settings.keys()) names.add(name);
  return names;
}

/** Every `-o` option's setting, with its service and option (the first service, should two share one). */
function optionsOf(
  services: ServiceView[],
): Map<ParameterSetting, { service: ServiceView; option: MasterOption }> {
  const options = new Map<ParameterSetting, { service: ServiceView; option: MasterOption }>();
  for (const service of services) {
    for (const option of service.entry.options) {
      if (option.setting && !options.has(option.setting))
        options.set(option.setting, { service, option });
    }
  }
  return options;
}
