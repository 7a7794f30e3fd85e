import { isSpace } from "../text/chars";

export type NameValueError = "missing-name" | "missing-equals";

export interface NameValueSplit {
  nameStart: number;
  nameEnd: number;
  equals: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * Postfix's split_nameval(): the name is the first run of characters that are not
 * whitespace and not `=`; optional whitespace, a mandatory `=`, then the value with
 * leading and trailing whitespace removed. Works on [from, to) of `text`.
 */
export function splitNameValue(
  text: string,
  from = 0,
  to = text.length,
): NameValueSplit | NameValueError {
  let nameStart = from;
  while (nameStart < to && isSpace(text.charCodeAt(nameStart))) nameStart++;
  if (nameStart === to || text[nameStart] === "=") return "missing-name";
  let nameEnd = nameStart;
  while (nameEnd < to && !isSpace(text.charCodeAt(nameEnd)) && text[nameEnd] !== "=") nameEnd++;
  let equals = nameEnd;
  while (equals < to && isSpace(text.charCodeAt(equals))) equals++;
  if (equals === to || text[equals] !== "=") return "missing-equals";
  let valueStart = equals + 1;
  while (valueStart < to && isSpace(text.charCodeAt(valueStart))) valueStart++;
  let valueEnd = to;
  while (valueEnd > valueStart && isSpace(text.charCodeAt(valueEnd - 1))) valueEnd--;
  return { nameStart, nameEnd, equals, valueStart, valueEnd };
}
