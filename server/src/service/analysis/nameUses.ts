import { serviceParameterNames, type PostfixVersion } from "../data/parameters";
import { type ParsedConfig, lastMainValue } from "../parser/document";
import type { LogicalLine, Span } from "../parser/logicalLines";
import { logicalSpan } from "../parser/logicalLines";
import type { MainEntry, ParameterSetting } from "../parser/mainCf";
import { MASTER_FIELD_NAMES, type MasterEntry } from "../parser/masterCf";
import type { Token } from "../parser/tokens";
import { masterEntries } from "./configModel";

/**
 * Where names are used, for definition, references, highlight and rename. Two kinds
 * of name: parameters (set in main.cf or with `-o`, read as `$name`; a restriction
 * class is a parameter whose name also stands in restriction lists) and master.cf
 * services (defined by an entry's first field, named by transports in main.cf and
 * by the parameters Postfix derives from a service name).
 */

export type NameKind = "parameter" | "service";

export interface NameUse {
  kind: NameKind;
  name: string;
  /** The characters of the name itself. */
  span: Span;
  /**
   * assignment: `name = value` in main.cf; option: `-o name=value`; service: the
   * first field of a master.cf entry; read: every other use.
   */
  role: "assignment" | "option" | "service" | "read";
  /** The entry the use stands in. */
  entry: MainEntry | MasterEntry;
}

/** What the uses of one file depend on in the other: class and service names. */
export interface NameTables {
  /** Names listed in main.cf's smtpd_restriction_classes. */
  restrictionClasses: ReadonlySet<string>;
  /** master.cf service names. */
  services: ReadonlySet<string>;
  /** Parameter names Postfix derives from a service (`relay_destination_rate_delay`), with the service. */
  derivedNames: ReadonlyMap<string, string>;
}

export function nameTables(
  main: ParsedConfig | undefined,
  master: ParsedConfig | undefined,
  version: PostfixVersion,
): NameTables {
  const classes = main ? lastMainValue(main, "smtpd_restriction_classes") : undefined;
  const services = new Set<string>();
  const derivedNames = new Map<string, string>();
  for (const entry of masterEntries(master)) {
    const service = serviceNameOf(entry);
    if (!service) continue;
    services.add(service.text);
    const command = entry.words[MASTER_FIELD_NAMES.length - 1]?.text ?? "";
    for (const name of serviceParameterNames(service.text, command, version)) {
      derivedNames.set(name, service.text);
    }
  }
  return {
    restrictionClasses: new Set(classes ? classes.split(/[\s,]+/).filter(Boolean) : []),
    services,
    derivedNames,
  };
}

/** The service field of a master.cf entry that Postfix reads. */
export function serviceNameOf(entry: MasterEntry): Token | undefined {
  if (entry.problem?.code === "leading-whitespace") return undefined;
  return entry.words[0];
}

/** The uses in one entry, appended to `uses`. */
export function entryNameUses(
  entry: MainEntry | MasterEntry,
  tables: NameTables,
  uses: NameUse[] = [],
): NameUse[] {
  const parameterUse = (name: string, span: Span, role: NameUse["role"]) => {
    const service = tables.derivedNames.get(name);
    if (service !== undefined) {
      // The service name is the first part of a derived parameter's name.
      const serviceSpan = { start: span.start, end: span.start + service.length };
      uses.push({ kind: "service", name: service, span: serviceSpan, role: "read", entry });
    }
    uses.push({ kind: "parameter", name, span, role, entry });
  };
  const settingUses = (setting: ParameterSetting, role: "assignment" | "option") => {
    const name = setting.name.text;
    parameterUse(name, setting.name, role);
    for (const reference of setting.macros.references) {
      parameterUse(reference.name.text, reference.name, "read");
    }
    for (const word of valueWords(entry, setting.value)) {
      if (name === "smtpd_restriction_classes" && isParameterName(word.text)) {
        // The declaration of a class: the name of the parameter that holds its list.
        parameterUse(word.text, word, "read");
      } else if (isRestrictionList(name) && tables.restrictionClasses.has(word.text)) {
        parameterUse(word.text, word, "read");
      } else if (takesTransport(name)) {
        const transport = word.text.split(":")[0];
        if (tables.services.has(transport)) {
          const span = { start: word.start, end: word.start + transport.length };
          uses.push({ kind: "service", name: transport, span, role: "read", entry });
        }
      }
    }
  };
  if (entry.kind === "main") {
    if (entry.setting) settingUses(entry.setting, "assignment");
    return uses;
  }
  const service = serviceNameOf(entry);
  if (service)
    uses.push({ kind: "service", name: service.text, span: service, role: "service", entry });
  for (const option of entry.options) if (option.setting) settingUses(option.setting, "option");
  return uses;
}

/** The characters of a name that `$name` can refer to. */
export function isParameterName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

function isRestrictionList(name: string): boolean {
  return name.endsWith("_restrictions");
}

/** Parameters whose value starts with a master.cf service name (transport:nexthop). */
function takesTransport(name: string): boolean {
  return name.endsWith("_transport") || name === "content_filter";
}

/** The words of a value (split on blanks and commas), with document positions. */
export function valueWords(line: LogicalLine, value: Token): Token[] {
  const words: Token[] = [];
  if (value.text.length === 0) return words;
  const base = logicalIndexOf(line, value.start);
  for (const match of value.text.matchAll(/[^\s,]+/g)) {
    const from = base + match.index;
    words.push({ text: match[0], ...logicalSpan(line, from, from + match[0].length) });
  }
  return words;
}

/** The index in the logical text of a document offset inside one of the line's segments. */
export function logicalIndexOf(line: LogicalLine, offset: number): number {
  const { segments, segmentTextStarts } = line;
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (segments[mid].start <= offset) low = mid;
    else high = mid - 1;
  }
  return segmentTextStarts[low] + (offset - segments[low].start);
}
