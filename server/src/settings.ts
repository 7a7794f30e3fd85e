import { NEWEST_VERSION } from "./service/data/parameters";
import type { ValidationSettings } from "./service/validation";

/** The `postfix` settings section. */
export interface ServerSettings {
  /** The Postfix release to check against, e.g. "3.7". */
  version: string;
  rules: NonNullable<ValidationSettings["rules"]>;
  files: {
    /** Follow a sibling link that leaves its directory and the workspace folders. */
    followSymlinksOutside: boolean;
  };
}

/** Reads the settings section, falling back to defaults for what is missing or malformed. */
export function readSettings(section: unknown): ServerSettings {
  const raw = (section ?? {}) as { version?: unknown; rules?: unknown; files?: unknown };
  const version =
    typeof raw.version === "string" && /^\d+\.\d+/.test(raw.version) ? raw.version : NEWEST_VERSION;
  const rules =
    typeof raw.rules === "object" && raw.rules !== null
      ? (raw.rules as ServerSettings["rules"])
      : {};
  const followSymlinksOutside =
    (raw.files as { followSymlinksOutside?: unknown } | undefined)?.followSymlinksOutside === true;
  return { version, rules, files: { followSymlinksOutside } };
}
