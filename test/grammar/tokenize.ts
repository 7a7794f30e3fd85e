// Loads the Postfix TextMate grammars with vscode-textmate + vscode-oniguruma (the same engine
// VS Code uses) and returns the tokens of each line with their scopes.
import { readFileSync } from "node:fs";
import path from "node:path";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";
import type { IGrammar, Registry, StateStack } from "vscode-textmate";

const root = path.resolve(__dirname, "../..");

export type GrammarKind = "main" | "master";

export const scopeNames: Record<GrammarKind, string> = {
  main: "source.postfix.main",
  master: "source.postfix.master",
};

const grammarFiles: Record<string, string> = {
  "source.postfix.main": "syntaxes/postfix-main.tmLanguage.json",
  "source.postfix.master": "syntaxes/postfix-master.tmLanguage.json",
};

export interface Token {
  /** 0-based line index */
  line: number;
  /** 0-based start column (inclusive) */
  start: number;
  /** 0-based end column (exclusive) */
  end: number;
  text: string;
  scopes: string[];
}

let registry: Registry | undefined;
const grammars = new Map<GrammarKind, Promise<IGrammar>>();

function getRegistry(): Registry {
  if (!registry) {
    const wasm = readFileSync(path.join(root, "node_modules/vscode-oniguruma/release/onig.wasm"));
    const onigLib = oniguruma
      .loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength))
      .then(() => ({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }));
    registry = new textmate.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        const file = grammarFiles[scopeName];
        if (!file) return null;
        const fullPath = path.join(root, file);
        return textmate.parseRawGrammar(readFileSync(fullPath, "utf8"), fullPath);
      },
    });
  }
  return registry;
}

export function loadGrammar(kind: GrammarKind): Promise<IGrammar> {
  let grammar = grammars.get(kind);
  if (!grammar) {
    grammar = getRegistry()
      .loadGrammar(scopeNames[kind])
      .then((g) => {
        if (!g) throw new Error(`grammar ${scopeNames[kind]} not found`);
        return g;
      });
    grammars.set(kind, grammar);
  }
  return grammar;
}

export class Tokenized {
  constructor(
    readonly text: string,
    readonly lines: Token[][],
  ) {}

  get tokens(): Token[] {
    return this.lines.flat();
  }

  /** The token that contains the first character of the n-th (0-based) occurrence of `needle`. */
  tokenAt(needle: string, occurrence = 0): Token {
    let offset = -1;
    for (let i = 0; i <= occurrence; i++) {
      offset = this.text.indexOf(needle, offset + 1);
      if (offset < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) not in the text`);
    }
    const before = this.text.slice(0, offset).split("\n");
    const line = before.length - 1;
    const column = before[line].length;
    const token = this.lines[line].find((t) => t.start <= column && column < t.end);
    if (!token) throw new Error(`no token at ${line}:${column}`);
    return token;
  }

  /** Scopes of the token that contains the first character of `needle`. */
  scopesAt(needle: string, occurrence = 0): string[] {
    return this.tokenAt(needle, occurrence).scopes;
  }
}

/** Tokenizes `text` (lines separated by "\n") with the main.cf or master.cf grammar. */
export async function tokenize(kind: GrammarKind, text: string): Promise<Tokenized> {
  const grammar = await loadGrammar(kind);
  let state: StateStack = textmate.INITIAL;
  const lines = text.split("\n").map((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({
      line,
      start: t.startIndex,
      end: Math.min(t.endIndex, lineText.length),
      text: lineText.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
  });
  return new Tokenized(text, lines);
}

/**
 * Compact dump for snapshots: one line per token, `line:start-end scopes`, where line is 1-based,
 * columns are 0-based and end-exclusive, and the root scope is omitted.
 */
export function formatTokens(tokenized: Tokenized): string {
  const out: string[] = [];
  for (const line of tokenized.lines) {
    for (const t of line) {
      if (t.start >= t.end) continue;
      out.push(`${t.line + 1}:${t.start}-${t.end} ${t.scopes.slice(1).join(" ")}`.trimEnd());
    }
  }
  return out.join("\n") + "\n";
}

/**
 * Milliseconds needed to tokenize `lines` in sequence with tokenizeLine2 (the binary-token API that
 * VS Code uses), best of `runs`.
 */
export async function timeTokenize(kind: GrammarKind, lines: string[], runs = 1): Promise<number> {
  const grammar = await loadGrammar(kind);
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    let state: StateStack = textmate.INITIAL;
    for (const line of lines) state = grammar.tokenizeLine2(line, state).ruleStack;
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** `unit` repeated up to exactly `length` characters. */
export function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/**
 * Asserts that tokenizing the lines built by `build(run)` is fast and linear: a 64k-character run
 * stays under `boundMs` and takes at most ~40x the time of a 4k run (16x would be exactly linear,
 * 256x quadratic), plus slack for timer noise. The 64k measurement is repeated (best of up to
 * three) only when a first attempt is over the limit, to ride out a busy machine.
 */
export async function expectLinearTokenizing(
  kind: GrammarKind,
  unit: string,
  build: (run: string) => string[],
  boundMs = 2000,
): Promise<void> {
  const small = build(repeatTo(unit, 4096));
  const large = build(repeatTo(unit, 65536));
  await timeTokenize(kind, small, 2); // warm-up (JIT, regex compilation)
  const smallMs = await timeTokenize(kind, small, 5);
  const limit = Math.min(boundMs, 40 * smallMs + 250);
  let largeMs = Infinity;
  for (let attempt = 0; attempt < 3 && largeMs >= limit; attempt++) {
    largeMs = Math.min(largeMs, await timeTokenize(kind, large));
  }
  if (largeMs >= limit) {
    throw new Error(
      `tokenizing ${JSON.stringify(unit)} x64k took ${largeMs.toFixed(1)} ms ` +
        `(4k: ${smallMs.toFixed(1)} ms, limit ${limit.toFixed(1)} ms)`,
    );
  }
}
