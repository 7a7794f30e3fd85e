import { expect, it } from "vitest";
import type { Diagnostic } from "vscode-languageserver-types";

/**
 * The Problems panel shows one line of a message: its first sentence must state the
 * problem completely and stay short enough to read there. 140 characters is about
 * what a panel of a laptop-sized editor window shows next to the file and position.
 */
export const FIRST_SENTENCE_LIMIT = 140;

/** Every diagnostic message the rule tests of this file have produced, by rule id. */
const seen = new Map<string, Set<string>>();

/** Keeps the messages of these diagnostics for checkFirstSentences(). */
export function recordMessages(diagnostics: Diagnostic[]): void {
  for (const diagnostic of diagnostics) {
    const message =
      typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
    const code = String(diagnostic.code);
    let messages = seen.get(code);
    if (!messages) seen.set(code, (messages = new Set()));
    messages.add(message);
  }
}

/**
 * The first sentence: up to the first period that ends a sentence, i.e. one followed
 * by whitespace or the end, outside double quotes (quoted log lines have their own
 * sentences) and not the period of "e.g." or "i.e.". Empty when there is none.
 */
export function firstSentence(message: string): string {
  let quoted = false;
  for (let i = 0; i < message.length; i++) {
    const char = message[i];
    if (char === '"') quoted = !quoted;
    if (char !== "." || quoted) continue;
    if (i + 1 < message.length && !/\s/.test(message[i + 1])) continue;
    if (/\b(e\.g|i\.e)$/.test(message.slice(0, i))) continue;
    return message.slice(0, i + 1);
  }
  return "";
}

/**
 * A test, to be declared last in a rule module's test file (tests of a file run in
 * order): every rule of the module has fired in the tests before it, and each of its
 * messages opens with a complete first sentence of at most FIRST_SENTENCE_LIMIT characters.
 */
export function checkFirstSentences(ruleIds: readonly string[], withoutFiringCase: string[] = []) {
  it("every rule's first sentence states the problem on one line of the Problems panel", () => {
    const problems: string[] = [];
    for (const id of ruleIds) {
      const messages = seen.get(id);
      if (!messages) {
        if (!withoutFiringCase.includes(id)) problems.push(`${id}: no test makes it fire`);
        continue;
      }
      for (const message of messages) {
        const first = firstSentence(message);
        if (!first) problems.push(`${id}: no sentence ends with a period: ${message}`);
        else if (first.length > FIRST_SENTENCE_LIMIT)
          problems.push(`${id}: first sentence has ${first.length} characters: ${first}`);
      }
    }
    expect(problems).toEqual([]);
  });
}
