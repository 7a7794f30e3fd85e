import { NEWEST_VERSION } from "./service/data/parameters";
import type { ValidationSettings } from "./service/validation";

/** The `postfix` settings section. */
export interface ServerSettings {
  /** The Postfix release to check against, e.g. "3.7". */
  version: string;
  rules: NonNullable<ValidationSettings["rules"]>;
}

/** Reads the settings section, falling back to defaults for what is missing or malformed. */
export function readSettings(section: unknown): ServerSettings {
  const raw = (section ?? {}) as { version?: unknown; rules?: unknown };
  const version =
    typeof raw.version === "string" && /^\d+\.\d+/.test(raw.version) ? raw.version : NEWEST_VERSION;
  const rules =
    typeof raw.rules === "object" && raw.rules !== null
      ? (raw.rules as ServerSettings["rules"])
      : {};
  return { version, rules };
}
