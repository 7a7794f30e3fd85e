import { NEWEST_VERSION } from "./service/data/parameters";
import type { ValidationSettings } from "./service/validation";
import { DEFAULT_CONTINUATION_INDENT, type FormatOptions } from "./service/format";

/** The `postfix` settings section. */
export interface ServerSettings {
  /** The Postfix release to check against, e.g. "3.7". */
  version: string;
  rules: NonNullable<ValidationSettings["rules"]>;
  /** The postfix.format section. */
  format: FormatOptions;
}

/** Reads the settings section, falling back to defaults for what is missing or malformed. */
export function readSettings(section: unknown): ServerSettings {
  const raw = (section ?? {}) as { version?: unknown; rules?: unknown; format?: unknown };
  const version =
    typeof raw.version === "string" && /^\d+\.\d+/.test(raw.version) ? raw.version : NEWEST_VERSION;
  const rules =
    typeof raw.rules === "object" && raw.rules !== null
      ? (raw.rules as ServerSettings["rules"])
      : {};
  return { version, rules, format: { continuationIndent: readContinuationIndent(raw.format) } };
}

/** postfix.format.continuationIndent: an integer from 1 to 16, else the default. */
function readContinuationIndent(format: unknown): number {
  const indent = (format as { continuationIndent?: unknown } | null | undefined)
    ?.continuationIndent;
  return Number.isInteger(indent) && (indent as number) >= 1 && (indent as number) <= 16
    ? (indent as number)
    : DEFAULT_CONTINUATION_INDENT;
}
