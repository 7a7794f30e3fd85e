import { mainEntries, masterEntries } from "../analysis/configModel";
import { type ParameterUsage, analyzeParameterUsage } from "../analysis/parameterUsage";
import { type PostfixVersion, defaultValue, getParameter } from "../data/parameters";
import type { ConfigKind, ParsedConfig } from "../parser/document";
import { evaluateExpansion } from "../parser/expansion";
import type { MainEntry, ParameterSetting } from "../parser/mainCf";
import type { MasterEntry } from "../parser/masterCf";

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

/** Where an effective value comes from. */
export interface SettingSource {
  setting: ParameterSetting;
  file: ConfigKind;
}

export interface RuleContext {
  version: PostfixVersion;
  main?: ParsedConfig;
  master?: ParsedConfig;
  mainEntries: MainEntry[];
  /** main.cf settings; the last assignment of a name wins. */
  mainSettings: Map<string, ParameterSetting>;
  services: ServiceView[];
  usage: ParameterUsage;
  /** Where the value in effect for a service (or globally) is set, if it is set at all. */
  sourceOf(name: string, service?: ServiceView): SettingSource | undefined;
  /** The value in effect, `$name` expanded; defaults included. */
  valueOf(name: string, service?: ServiceView): string;
  /** True when the value in effect was set explicitly (main.cf or the service's `-o`). */
  isSet(name: string, service?: ServiceView): boolean;
}

/** A stand-in for defaults computed from the host (myhostname and the like). */
const COMPUTED_DEFAULT = "localhost";

export function createRuleContext(
  main: ParsedConfig | undefined,
  master: ParsedConfig | undefined,
  version: PostfixVersion,
): RuleContext {
  const entries = mainEntries(main);
  const mainSettings = new Map<string, ParameterSetting>();
  for (const entry of entries)
    if (entry.setting) mainSettings.set(entry.setting.name.text, entry.setting);

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

  const usage = analyzeParameterUsage(
    {
      main: new Map([...mainSettings].map(([name, setting]) => [name, setting.value.text])),
      services: services.map((service) => ({
        service: service.name,
        type: service.type,
        command: service.command,
        settings: new Map(
          [...service.settings].map(([name, setting]) => [name, setting.value.text]),
        ),
      })),
    },
    version,
  );

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
  const valueOf = (name: string, service?: ServiceView): string => {
    const key = `${service ? services.indexOf(service) : -1}:${name}`;
    let value = cache.get(key);
    if (value === undefined) {
      value = evaluateExpansion(rawOf(name, service) ?? "", (other) => rawOf(other, service)).value;
      cache.set(key, value);
    }
    return value;
  };

  return {
    version,
    main,
    master,
    mainEntries: entries,
    mainSettings,
    services,
    usage,
    sourceOf,
    valueOf,
    isSet: (name, service) => sourceOf(name, service) !== undefined,
  };
}
