/**
 * The relay family: smtpd's restriction lists as each smtpd service reads them
 * (its `-o` overrides, then main.cf, then the release's defaults), with the
 * setting each item comes from, so a finding can point at it.
 */

import {
  RESTRICTION_LISTS,
  type RestrictionItem,
  type Stage,
  isYes,
  parseRestrictionList,
} from "../../analysis/restrictions";
import { defaultSmtpdReachable, reachableSmtpd } from "../../analysis/listeners";
import { relayControlFacts } from "../../data/restrictions";
import { bracedWords } from "../../parser/bracedWords";
import type { Span } from "../../parser/logicalLines";
import type { PlacedSetting, RuleContext, ServiceView, SettingSource } from "../context";
import { perContext } from "../rule";
import { evaluate, valueSpan, wordSpan } from "../startup/shared";
import { parseNetworks } from "./networks";

/** One smtpd as the rules look at it: a master.cf service, or main.cf alone. */
export interface SmtpdScope {
  service?: ServiceView;
  /** Whether clients from the Internet can connect to it. */
  reachable: boolean;
}

/** The smtpd services of master.cf; without master.cf, main.cf as the default smtp service. */
export const smtpdScopes = perContext((context): SmtpdScope[] => {
  if (!context.master) return [{ reachable: defaultSmtpdReachable(context) }];
  return context.services
    .filter((service) => service.command === "smtpd")
    .map((service) => ({ service, reachable: reachableSmtpd(context, service) }));
});

/** A restriction item with where it is written. */
export interface PlacedItem {
  item: RestrictionItem;
  /** The list or restriction class whose value holds it. */
  list: string;
  /** The setting it is written in; undefined for a release default. */
  source?: SettingSource;
}

/** The restriction classes a scope defines (smtpd_restriction_classes). */
export function restrictionClasses(context: RuleContext, scope: SmtpdScope): Set<string> {
  return new Set(bracedWords(context.valueOf("smtpd_restriction_classes", scope.service)));
}

/** The items of a restriction list or class, as the scope's smtpd reads them. */
export function listItems(context: RuleContext, list: string, scope: SmtpdScope): PlacedItem[] {
  const classes = restrictionClasses(context, scope);
  const value = context.valueOf(list, scope.service);
  const source = context.sourceOf(list, scope.service);
  return parseRestrictionList(value, context.version, (name) => classes.has(name)).map((item) => ({
    item,
    list,
    source,
  }));
}

/** smtpd_delay_reject as the scope's smtpd reads it. */
export function delayReject(context: RuleContext, scope: SmtpdScope): boolean {
  return isYes(context.valueOf("smtpd_delay_reject", scope.service));
}

/** The span of an item in its setting, or of the whole value when it cannot be mapped. */
export function itemSpan(placed: PlacedItem): Span | undefined {
  if (!placed.source) return undefined;
  return wordSpan(placed.source.setting, placed.item.word.text);
}

/** Where to report about a list: its setting, else the service's entry, else main.cf's start. */
export function listLocation(
  context: RuleContext,
  list: string,
  scope: SmtpdScope,
): { file: "main" | "master" } & Span {
  const source = context.sourceOf(list, scope.service);
  if (source) return { file: source.file, ...valueSpan(source.setting) };
  if (scope.service)
    return {
      file: "master",
      start: scope.service.entry.start,
      end: scope.service.entry.words[0].end,
    };
  return { file: "main", start: 0, end: 0 };
}

/** A service's name as messages give it, e.g. "the smtp service". */
export function serviceLabel(scope: SmtpdScope): string {
  return scope.service ? `the ${scope.service.name} service` : "the SMTP server";
}

/**
 * smtpd's start-up check (has_required() in smtpd_check.c): whether one of the
 * lists holds a restriction that refuses unauthorized relaying, looking into
 * restriction classes, skipping the item after warn_if_reject and, in the
 * releases that do so, stopping at `permit`.
 */
export function hasRelayControl(context: RuleContext, scope: SmtpdScope): boolean {
  const facts = relayControlFacts(context.version);
  const same = (a: string, b: string) =>
    facts.ignoresCase ? a.toLowerCase() === b.toLowerCase() : a === b;
  const classes = restrictionClasses(context, scope);
  const words = (name: string) => bracedWords(context.valueOf(name, scope.service));
  // A class that refers back to itself would recurse without end in smtpd too; stop here.
  const visiting = new Set<string>();
  const search = (list: string[]): boolean => {
    for (let i = 0; i < list.length; i++) {
      const word = list[i];
      if (same(word, "warn_if_reject") && i + 1 < list.length) {
        i++;
        continue;
      }
      if (facts.permitEnds && same(word, "permit")) return false;
      if (facts.names.some((name) => same(word, name))) return true;
      if (classes.has(word) && !visiting.has(word)) {
        visiting.add(word);
        const found = search(words(word));
        visiting.delete(word);
        if (found) return true;
      }
    }
    return false;
  };
  return facts.lists.some((list) => search(words(list)));
}

/** The lists smtpd evaluates for a recipient, in the order they stand in the README. */
export const RECIPIENT_LISTS = ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"];

/** Every restriction list, for the hygiene rules. */
export const ALL_LISTS = [...RESTRICTION_LISTS.keys()];

/** Findings about several services at one place, merged: one finding naming them all. */
export function perLocation<T>(
  entries: { location: { file: "main" | "master" } & Span; scope: SmtpdScope; data: T }[],
): { location: { file: "main" | "master" } & Span; scopes: SmtpdScope[]; data: T }[] {
  const groups = new Map<
    string,
    { location: { file: "main" | "master" } & Span; scopes: SmtpdScope[]; data: T }
  >();
  for (const { location, scope, data } of entries) {
    const key = `${location.file}:${location.start}:${location.end}`;
    const group = groups.get(key);
    if (group) group.scopes.push(scope);
    else groups.set(key, { location, scopes: [scope], data });
  }
  return [...groups.values()];
}

/** "the smtp service", "the smtp and submission services", or "the SMTP server". */
export function servicesLabel(scopes: SmtpdScope[]): string {
  const names = scopes.flatMap((scope) => (scope.service ? [scope.service.name] : []));
  if (names.length === 0) return "the SMTP server";
  if (names.length === 1) return `the ${names[0]} service`;
  return `the ${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} services`;
}

/** Each mynetworks setting (main.cf's and every -o), with its entries after `$` expansion. */
export const mynetworksSettings = perContext((context) =>
  context.settingsNamed(["mynetworks"]).map((placed) => {
    const evaluated = evaluate(context, placed.setting.value.text, placed.service);
    return {
      placed,
      entries: evaluated.error || evaluated.hostDependent ? [] : parseNetworks(evaluated.value),
    };
  }),
);

/** A restriction list or class as written in one setting, with its items. */
export interface WrittenList {
  placed: PlacedSetting;
  /** The list's stage; undefined for a restriction class (it runs where it is used). */
  stage?: Stage;
  items: RestrictionItem[];
}

/**
 * Every restriction list and restriction class written in main.cf or with -o,
 * parsed after `$` expansion (values that do not expand cleanly are skipped).
 */
export const writtenLists = perContext((context): WrittenList[] => {
  const classNames = new Set<string>();
  for (const placed of context.settingsNamed(["smtpd_restriction_classes"]))
    for (const name of bracedWords(
      evaluate(context, placed.setting.value.text, placed.service).value,
    ))
      classNames.add(name);
  const lists: WrittenList[] = [];
  for (const placed of context.settingsNamed([...RESTRICTION_LISTS.keys(), ...classNames])) {
    const evaluated = evaluate(context, placed.setting.value.text, placed.service);
    if (evaluated.error || evaluated.hostDependent) continue;
    const items = parseRestrictionList(evaluated.value, context.version, (name) =>
      classNames.has(name),
    );
    lists.push({ placed, stage: RESTRICTION_LISTS.get(placed.setting.name.text), items });
  }
  return lists;
});
