import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { type ValidationSettings, doValidation } from "../../server/src/service/validation";
import { applyCodeAction } from "./fixes";
import { recordMessages } from "./messages";

export interface DiagnoseOptions {
  /** The other file of the configuration directory (master.cf for a main.cf and back). */
  sibling?: string;
  settings?: ValidationSettings;
  /** Keep only these rules' diagnostics (a rule module's tests leave the others out). */
  rules?: ReadonlySet<string>;
}

/** Validates one file as the server does and returns what the tests read. */
export function diagnoseFile(kind: ConfigKind, text: string, options: DiagnoseOptions = {}) {
  const { sibling, settings = {}, rules } = options;
  const index = new LineIndex(text);
  const siblingConfig =
    sibling === undefined ? undefined : parseConfig(kind === "main" ? "master" : "main", sibling);
  const config = parseConfig(kind, text);
  const all = doValidation(config, index, settings, siblingConfig);
  const diagnostics = rules ? all.filter((d) => rules.has(String(d.code))) : all;
  recordMessages(diagnostics);
  return { config, index, diagnostics, codes: diagnostics.map((d) => d.code) };
}

/** Applies the quick-fix of `code` whose title matches and returns the new text. */
export function applyFixTo(
  kind: ConfigKind,
  text: string,
  code: string,
  title: RegExp,
  options: DiagnoseOptions = {},
): string {
  const { config, index, diagnostics } = diagnoseFile(kind, text, options);
  return applyCodeAction(config, index, text, diagnostics, code, title);
}
