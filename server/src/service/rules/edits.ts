/**
 * Edit builders that rules of several families share. A family's own helpers live
 * in `<family>/shared.ts`.
 */

import type { ConfigKind } from "../parser/document";
import type { RuleContext, SettingSource } from "./context";
import type { FixEdit } from "./findings";

/** The text of one file of the configuration ("" when it is not known). */
export function fileText(context: RuleContext, file: ConfigKind): string {
  return (file === "main" ? context.main : context.master)?.text ?? "";
}

/** The line break a text already uses, for lines a fix adds. */
export const newlineOf = (text: string) => (text.includes("\r\n") ? "\r\n" : "\n");

/** Deletes the aNULL item from a cipher exclusion list, with one adjoining separator. */
export function removeAnull(context: RuleContext, source: SettingSource): FixEdit | undefined {
  const { value } = source.setting;
  const items = value.text.split(/[\s,:]+/).filter(Boolean);
  const rest = items.filter((item) => item.toLowerCase() !== "anull");
  const text = fileText(context, source.file);
  if (text.slice(value.start, value.end) !== value.text) {
    // A value continued over several lines: rewrite it on one line.
    return { ...value, newText: rest.join(", ") };
  }
  const match = /(^|[\s,:]+)anull(?=$|[\s,:])/i.exec(value.text);
  if (!match) return undefined;
  let from = match.index;
  let to = match.index + match[0].length;
  if (match[1] === "") {
    // First item: take the separator after it instead.
    const after = /^[\s,:]*/.exec(value.text.slice(to))!;
    to += after[0].length;
  }
  if (from === 0 && to === value.text.length) return { ...value, newText: "" };
  from += value.start;
  to += value.start;
  return { start: from, end: to, newText: "" };
}
