import { InlayHintKind, type InlayHint, type Range } from "vscode-languageserver-types";
import { defaultValue, type PostfixVersion } from "./data/parameters";
import type { PositionMapper } from "./languageTypes";
import { type ParsedConfig, blocksBetween, isEntry, lastMainValue } from "./parser/document";
import { evaluateExpansion } from "./parser/expansion";
import type { ParameterSetting } from "./parser/mainCf";
import type { MasterEntry } from "./parser/masterCf";

/**
 * Inlay hints: after a value with `$name` references, what it expands to with the
 * file's settings and the configured release's defaults (inside a master.cf service,
 * with that service's `-o` settings first, as the service sees them); after an
 * `-o name=value`, the main.cf value (or the default) it replaces.
 */

export interface InlayHintOptions {
  version: PostfixVersion;
  /** main.cf, for master.cf hints (the same file when it is main.cf). */
  main?: ParsedConfig;
  /** Show what values with `$name` references expand to. */
  expansions: boolean;
  /** Show, after an `-o` setting, the main.cf value it replaces. */
  overrides: boolean;
}

/** Hints longer than this are cut: the line they stand on must stay readable. */
const MAX_HINT_LENGTH = 60;

export function getInlayHints(
  config: ParsedConfig,
  mapper: PositionMapper,
  range: Range,
  options: InlayHintOptions,
): InlayHint[] {
  const main = config.kind === "main" ? config : options.main;
  const mainValue = (name: string) => (main ? lastMainValue(main, name) : undefined);
  const fallback = (name: string) => mainValue(name) ?? defaultValue(name, options.version);
  const from = mapper.offsetAt(range.start);
  const to = mapper.offsetAt(range.end);
  const hints: InlayHint[] = [];
  const hintAfter = (offset: number, label: string, tooltip: string) =>
    hints.push({
      position: mapper.positionAt(offset),
      label: ` ${shorten(label)}`,
      kind: InlayHintKind.Type,
      tooltip,
      paddingLeft: true,
    });
  const expansionHint = (
    setting: ParameterSetting,
    lookup: (name: string) => string | undefined,
  ) => {
    if (!options.expansions || setting.macros.references.length === 0) return;
    const { value, error } = evaluateExpansion(setting.value.text, lookup);
    if (error) return; // the syntax problem has its own diagnostic
    hintAfter(setting.value.end, `→ ${value === "" ? "(empty)" : value}`, `Expands to: ${value}`);
  };
  for (const block of blocksBetween(config, from, to)) {
    if (block.end < from) continue;
    if (block.start > to) break;
    if (!isEntry(block)) continue;
    if (block.kind === "main") {
      if (block.setting) expansionHint(block.setting, fallback);
      continue;
    }
    const own = serviceSettings(block);
    const lookup = (name: string) => own.get(name) ?? fallback(name);
    for (const option of block.options) {
      const setting = option.setting;
      if (!setting) continue;
      expansionHint(setting, lookup);
      if (options.overrides) {
        const name = setting.name.text;
        const inMain = mainValue(name);
        const replaced = inMain ?? defaultValue(name, options.version);
        if (replaced === undefined) continue;
        const where = inMain === undefined ? "default" : "main.cf";
        hintAfter(
          setting.value.end,
          `(${where}: ${replaced === "" ? "empty" : replaced})`,
          `Replaces the ${where} value: ${replaced}`,
        );
      }
    }
  }
  return hints;
}

/** The `-o` settings of a service; a later one of the same name wins. */
function serviceSettings(entry: MasterEntry): Map<string, string> {
  const settings = new Map<string, string>();
  for (const option of entry.options) {
    if (option.setting) settings.set(option.setting.name.text, option.setting.value.text);
  }
  return settings;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > MAX_HINT_LENGTH ? `${oneLine.slice(0, MAX_HINT_LENGTH - 1)}…` : oneLine;
}
