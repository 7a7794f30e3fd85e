/**
 * Every lookup table a configuration names: the `type:name` words of main.cf
 * settings and master.cf `-o` settings that Postfix opens as tables, with their
 * wrappers (`proxy:`, `debug:`), the tables nested in `unionmap:{...}` and
 * `pipemap:{...}`, the parameter and service, where the word is written, and the
 * name after `$` expansion in the service's view. Neutral: rules, hovers and host
 * file requests all read the same list. Linear in the size of the values.
 */

import { lookupTableSetting } from "../data/valueSets";
import { NESTING_TYPES, WRAPPER_TYPES } from "../data/tables";
import { COMMA_SPACE, bracedWordSpans } from "../parser/bracedWords";
import type { ConfigKind } from "../parser/document";
import { type LogicalLine, type Span, logicalSpan } from "../parser/logicalLines";
import type { ParameterSetting } from "../parser/mainCf";
import type { PlacedSetting, RuleContext, ServiceView } from "../rules/context";
import { perContext } from "../rules/rule";
import { evaluate } from "../rules/startup/shared";
import { logicalIndexOf } from "./nameUses";
import { RESTRICTION_LISTS, parseRestrictionList } from "./restrictions";

export interface TableReference {
  /** The table type after the wrappers, e.g. `hash`. */
  type: string;
  /** What follows `type:`, `$` expanded: a path, `{ ... }`, a settings file. */
  name: string;
  /** The wrappers before the type, outermost first (`proxy`, `debug`). */
  wrappers: string[];
  /** The whole word as Postfix opens it after expansion, e.g. `proxy:hash:/etc/postfix/virtual`. */
  text: string;
  /** The unionmap/pipemap this table is a member of. */
  parent?: TableReference;
  parameter: string;
  file: ConfigKind;
  /** The master.cf service whose `-o` sets it; none for main.cf. */
  service?: ServiceView;
  setting: ParameterSetting;
  /** Where the word is written; the whole word when `$` expansion made it. */
  span: Span;
}

/** A word of a value that may be a table, with its [start, end) in the value text. */
interface ValueWord {
  text: string;
  start: number;
  end: number;
}

/** The table references of the whole configuration (main.cf first, then each service). */
export const tableReferences = perContext((context): TableReference[] => {
  const classes = restrictionClassNames(context);
  const references: TableReference[] = [];
  for (const placed of context.settings) {
    // Every table is written type:name (a `$name` reference is not followed into its value).
    if (!placed.setting.value.text.includes(":")) continue;
    const name = placed.setting.name.text;
    const isList = RESTRICTION_LISTS.has(name) || classes.has(name);
    if (!isList && !lookupTableSetting(name, context.version)) continue;
    const words = isList ? restrictionTableWords(placed, context) : listWords(placed.setting);
    if (words.length === 0) continue;
    const line = lineOf(context, placed);
    if (!line) continue;
    for (const word of words) references.push(...referencesIn(context, placed, line, word));
  }
  return references;
});

/** The names listed in smtpd_restriction_classes (main.cf's and every service's). */
function restrictionClassNames(context: RuleContext): Set<string> {
  const names = new Set<string>();
  for (const placed of context.settingsNamed(["smtpd_restriction_classes"]))
    for (const [start, end] of bracedWordSpans(placed.setting.value.text, COMMA_SPACE))
      names.add(placed.setting.value.text.slice(start, end));
  return names;
}

function listWords(setting: ParameterSetting): ValueWord[] {
  const text = setting.value.text;
  return bracedWordSpans(text, COMMA_SPACE).map(([start, end]) => ({
    text: text.slice(start, end),
    start,
    end,
  }));
}

/** The words of a restriction list that smtpd opens as tables: check_*_access arguments and bare tables. */
function restrictionTableWords(placed: PlacedSetting, context: RuleContext): ValueWord[] {
  const words: ValueWord[] = [];
  const items = parseRestrictionList(placed.setting.value.text, context.version, () => false);
  for (const item of items) {
    if (item.kind === "table") words.push(item.word);
    else if (item.kind === "restriction" && item.facts.argument === "table" && item.argument)
      words.push(item.argument);
  }
  return words;
}

/** The logical line that holds a setting (main.cf entry or master.cf entry). */
function lineOf(context: RuleContext, placed: PlacedSetting): LogicalLine | undefined {
  if (placed.file === "main") return context.mainEntryOf(placed.setting);
  return context.optionHolding(placed.setting)?.service.entry;
}

/**
 * The tables of one word of a value. A word that is only `$name` stands for
 * another parameter's tables, which that parameter's own setting lists.
 */
function referencesIn(
  context: RuleContext,
  placed: PlacedSetting,
  line: LogicalLine,
  word: ValueWord,
): TableReference[] {
  if (/^\$(?:\w+|\{\w+\}|\(\w+\))$/.test(word.text)) return [];
  const base = logicalIndexOf(line, placed.setting.value.start);
  const spanOf = (start: number, end: number) => logicalSpan(line, base + start, base + end);
  const found: TableReference[] = [];
  const common = {
    parameter: placed.setting.name.text,
    file: placed.file,
    service: placed.service,
    setting: placed.setting,
  };
  if (!word.text.includes("$")) {
    collect(word.text, word.start, (start, end) => spanOf(start, end), common, undefined, found);
    return found;
  }
  // After expansion the offsets no longer match the file: every table points at the word.
  const evaluated = evaluate(context, word.text, placed.service);
  if (evaluated.error) return [];
  const whole = spanOf(word.start, word.end);
  for (const [start, end] of bracedWordSpans(evaluated.value, COMMA_SPACE))
    collect(evaluated.value.slice(start, end), 0, () => whole, common, undefined, found);
  return found;
}

type Common = Pick<TableReference, "parameter" | "file" | "service" | "setting">;

/** Adds the table written as `text` (at `offset` in the value) and the tables nested in it. */
function collect(
  text: string,
  offset: number,
  spanOf: (start: number, end: number) => Span,
  common: Common,
  parent: TableReference | undefined,
  found: TableReference[],
): void {
  // A match list may negate an entry; an address in brackets may hold colons.
  const negated = text.startsWith("!") ? 1 : 0;
  const word = text.slice(negated);
  if (word.startsWith("[") || word.startsWith("{")) return;
  const wrappers: string[] = [];
  let rest = word;
  for (;;) {
    const colon = rest.indexOf(":");
    if (colon < 0) return;
    const type = rest.slice(0, colon);
    const name = rest.slice(colon + 1);
    if (WRAPPER_TYPES.has(type) && name.includes(":")) {
      wrappers.push(type);
      rest = name;
      continue;
    }
    const start = offset + negated;
    const reference: TableReference = {
      type,
      name,
      wrappers,
      text: word,
      parent,
      ...common,
      span: spanOf(start, start + word.length),
    };
    found.push(reference);
    if (NESTING_TYPES.has(type)) {
      const members = membersOf(name);
      const nameStart = offset + negated + word.length - name.length;
      for (const [from, to] of members)
        collect(name.slice(from, to), nameStart + from, spanOf, common, reference, found);
    }
    return;
  }
}

/** The member words of `{ t1, t2 }` (dict_union.c and dict_pipe.c split them so), relative to the name. */
function membersOf(name: string): [number, number][] {
  if (!name.startsWith("{") || !name.endsWith("}")) return [];
  return bracedWordSpans(name.slice(0, -1), COMMA_SPACE, 1);
}
