import { isAlnum, isNameChar, isSpace } from "../text/chars";

/**
 * A port of Postfix's mac_parse() and mac_expand(), in two modes:
 * - scanning (parseExpansion): finds every `$name` reference, parsing both branches
 *   of `?`/`:`, as postconf does when it looks for user-defined parameters;
 * - evaluating (evaluateExpansion): expands a value recursively through a lookup
 *   function, taking only the branches the values select, as postconf and the
 *   daemons do when they use a value.
 * The syntax is that of Postfix 3.12, a superset of older releases: relational
 * operators (3.0), the `level` operator suffix (3.6) and named functions (3.11).
 *
 * Positions in scan results are indices into the text handed in; the caller maps
 * them to document offsets.
 */

export type ReferenceForm = "bare" | "brace" | "paren";

export interface MacroReference {
  /** The parameter name, e.g. `myhostname` for `${myhostname?x}`. */
  name: string;
  nameStart: number;
  nameEnd: number;
  /** The whole reference, from `$` to its closing bracket. */
  start: number;
  end: number;
  form: ReferenceForm;
  /** `?` or `:` when the reference is a test rather than a plain use. */
  test?: "?" | ":";
}

export interface MacroFunctionCall {
  name: string;
  nameStart: number;
  nameEnd: number;
  start: number;
  end: number;
}

export type MacroErrorCode =
  | "empty-name"
  | "truncated"
  | "name-syntax"
  | "unbalanced-braces"
  | "operator-expected"
  | "bad-operator-suffix"
  | "operand-expected"
  | "question-or-colon-expected"
  | "colon-expected"
  | "unexpected-input"
  | "unknown-function"
  | "nesting"
  | "operand-nesting"
  | "malformed-level";

export interface MacroError {
  code: MacroErrorCode;
  /** Where the problem was found (in evaluation: in the text being expanded then). */
  start: number;
  end: number;
  /** The text of postconf's own warning for this error (used to emulate postconf). */
  postconfWarning: string;
}

export interface Expansion {
  references: MacroReference[];
  functions: MacroFunctionCall[];
  /** Postfix stops at the first syntax error, so there is at most one. */
  error?: MacroError;
}

/** Returns a parameter's raw (unexpanded) value, or undefined when it has none. */
export type MacroLookup = (name: string) => string | undefined;

export interface Evaluation {
  value: string;
  error?: MacroError;
}

export const RELATIONAL_OPERATORS = ["==", "!=", "<", "<=", ">=", ">"];
export const OPERATOR_SUFFIXES = ["level"];
export const MACRO_FUNCTIONS = ["domain_to_ascii"];
const OPERATOR_CHARS = "<>!=?+-*/~&|%";
/** mac_expand() refuses to go deeper than this many nested calls. */
const MAX_NESTING = 100;
/** What a relational expression yields for true and false. */
const TRUE_VALUE = "true";
const DOLLAR = 0x24;
const LEFT_PAREN = 0x28;
const RIGHT_PAREN = 0x29;
const LEFT_CURLY = 0x7b;
const RIGHT_CURLY = 0x7d;

export function parseExpansion(text: string, from = 0, to = text.length): Expansion {
  const result: Expansion = { references: [], functions: [] };
  if (hasNoMacros(text, from, to)) return result;
  const state: MacroState = { level: 0, operands: 0, result };
  new MacroScanner(text, state).parse(from, to);
  return result;
}

/**
 * The names parseExpansion() would report as references, in the same order (up to
 * the first syntax error, like parseExpansion), handed to `visit` one by one: for
 * callers that need only the names, such as the postconf emulation's scan of
 * every value, this saves building a reference object per `$`.
 */
export function forEachReferenceName(
  text: string,
  visit: (name: string) => void,
  from = 0,
  to = text.length,
): void {
  // Most references are a bare `$name`, read here without a scanner. At the top
  // level each `$` is read on its own, so the first `${` or `$(` can hand the rest
  // of the text to the scanner.
  let dollar = indexOfDollar(text, from, to);
  while (dollar >= 0) {
    const next = dollar + 1 < to ? text.charCodeAt(dollar + 1) : -1;
    if (next === DOLLAR) {
      dollar = indexOfDollar(text, dollar + 2, to);
      continue;
    }
    if (next === LEFT_CURLY || next === LEFT_PAREN) {
      const result: Expansion = { references: [], functions: [] };
      const state: MacroState = { level: 0, operands: 0, result, visitName: visit };
      new MacroScanner(text, state).parse(dollar, to);
      return;
    }
    let end = dollar + 1;
    while (end < to && isNameChar(text.charCodeAt(end))) end++;
    // An empty name is a syntax error, which ends the scan.
    if (end === dollar + 1) return;
    visit(text.slice(dollar + 1, end));
    dollar = indexOfDollar(text, end, to);
  }
}

export function evaluateExpansion(text: string, lookup: MacroLookup): Evaluation {
  // Without `$` the text is all literal (and not deep enough to fail).
  if (hasNoMacros(text)) return { value: text };
  const result: Expansion = { references: [], functions: [] };
  const state: MacroState = {
    level: 0,
    operands: 0,
    result,
    evaluation: { lookup, output: [] },
  };
  new MacroScanner(text, state).parse(0, text.length);
  const evaluation: Evaluation = { value: state.evaluation!.output.join("") };
  if (result.error) evaluation.error = result.error;
  return evaluation;
}

/** True when [from, to) of `text` contains no `$` at all (the common case; saves work). */
export function hasNoMacros(text: string, from = 0, to = text.length): boolean {
  return indexOfDollar(text, from, to) < 0;
}

/**
 * The first `$` in [from, to) of `text`, or -1. Bounded by `to`: a value is often
 * a small part of a long master.cf entry, and indexOf() would search to its end.
 */
function indexOfDollar(text: string, from: number, to: number): number {
  if (to >= text.length) return text.indexOf("$", from);
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === DOLLAR) return i;
  return -1;
}

/** State shared by the scanners of one mac_expand() call (values expanded inside it included). */
interface MacroState {
  /** Active callbacks, as mac_expand counts them. */
  level: number;
  /** Relational operands being expanded, one inside the other. */
  operands: number;
  result: Expansion;
  /** Present when evaluating: where to look values up and where the result goes. */
  evaluation?: { lookup: MacroLookup; output: string[] };
  /** When scanning for names only: receives each reference's name instead of `result`. */
  visitName?: (name: string) => void;
}

interface Payload {
  start: number;
  end: number;
  /** Position after the closing `}` and any whitespace. */
  next: number;
}

class MacroScanner {
  constructor(
    private readonly text: string,
    private readonly state: MacroState,
  ) {}

  private get failed(): boolean {
    return this.state.result.error !== undefined;
  }

  private get evaluating(): boolean {
    return this.state.evaluation !== undefined;
  }

  private fail(code: MacroErrorCode, start: number, end: number, postconfWarning: string): void {
    if (!this.failed) this.state.result.error = { code, start, end, postconfWarning };
  }

  private slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** The error text shows up to 20 characters of what follows. */
  private excerpt(from: number, end: number): string {
    return this.slice(from, Math.min(end, from + 20));
  }

  /** mac_parse(): literal text and `$` expressions in [from, to). */
  parse(from: number, to: number): void {
    const text = this.text;
    // Literal text matters only when evaluating, or when it would be one call too deep
    // (the error shows it); a scan skips building it (the nesting level is the same
    // for every literal of this call).
    const keepLiterals = this.evaluating || this.state.level > MAX_NESTING;
    let i = from;
    let literal = "";
    while (i < to && !this.failed) {
      const dollar = indexOfDollar(text, i, to);
      if (dollar < 0) break;
      const next = dollar + 1 < to ? text.charCodeAt(dollar + 1) : -1;
      if (next === DOLLAR) {
        if (keepLiterals) literal += text.slice(i, dollar + 1); // `$$` is a literal `$`
        i = dollar + 2;
        continue;
      }
      if (keepLiterals) {
        literal += text.slice(i, dollar);
        if (literal) this.literal(literal);
        literal = "";
      }
      let contentStart = dollar + 1;
      let contentEnd: number;
      let form: ReferenceForm = "bare";
      if (next === LEFT_CURLY || next === LEFT_PAREN) {
        const close = next === LEFT_CURLY ? RIGHT_CURLY : RIGHT_PAREN;
        form = next === LEFT_CURLY ? "brace" : "paren";
        contentStart++;
        let level = 1;
        let p = contentStart;
        for (; level > 0; p++) {
          if (p >= to) {
            this.fail(
              "truncated",
              dollar,
              to,
              `truncated macro reference: "${text.slice(from, to)}"`,
            );
            return;
          }
          const code = text.charCodeAt(p);
          if (code === next) level++;
          else if (code === close) level--;
        }
        contentEnd = p - 1;
        i = p;
      } else {
        let p = contentStart;
        while (p < to && isNameChar(text.charCodeAt(p))) p++;
        contentEnd = p;
        i = p;
      }
      if (contentEnd === contentStart) {
        this.fail("empty-name", dollar, i, `empty macro name: "${text.slice(from, to)}"`);
        return;
      }
      if (this.enter()) {
        this.expression(contentStart, contentEnd, dollar, i, form);
        this.state.level--;
      } else {
        this.failNesting(text.slice(contentStart, contentEnd), dollar, i);
      }
    }
    if (this.failed || !keepLiterals) return;
    literal += text.slice(i, to);
    if (literal) this.literal(literal);
  }

  /**
   * Every mac_expand callback counts one level; beyond 100 Postfix gives up. This
   * also bounds our recursion, whatever the input. A refused call still counts
   * (nothing goes on after the error it causes).
   */
  private enter(): boolean {
    return this.state.level++ <= MAX_NESTING;
  }

  private failNesting(content: string, start: number, end: number): void {
    this.fail("nesting", start, end, `unreasonable macro call nesting: "${content}"`);
  }

  private literal(text: string): void {
    if (!this.enter()) return this.failNesting(text, 0, 0);
    this.state.evaluation?.output.push(text);
    this.state.level--;
  }

  private skipSpace(p: number, end: number): number {
    while (p < end && isSpace(this.text.charCodeAt(p))) p++;
    return p;
  }

  /** MAC_EXP_FIND_LEFT_CURLY: position of a `{` after optional whitespace, or -1. */
  private findLeftCurly(p: number, end: number): number {
    const q = this.skipSpace(p, end);
    return q < end && this.text[q] === "{" ? q : -1;
  }

  /** mac_exp_extract_curly_payload(): `open` is at a `{`. */
  private curlyPayload(open: number, end: number): Payload | undefined {
    let level = 1;
    for (let p = open + 1; p < end; p++) {
      const ch = this.text[p];
      if (ch === "{") level++;
      else if (ch === "}" && --level <= 0) {
        return { start: open + 1, end: p, next: this.skipSpace(p + 1, end) };
      }
    }
    this.fail(
      "unbalanced-braces",
      open,
      end,
      `unbalanced {} in attribute expression: "${this.slice(open, end)}"`,
    );
    return undefined;
  }

  /** mac_expand_callback() for one `$...` expression whose content is [start, end). */
  private expression(
    start: number,
    end: number,
    refStart: number,
    refEnd: number,
    form: ReferenceForm,
  ): void {
    if (form === "bare") {
      // `$name`: parse() took only name characters, so the content is the name.
      if (this.evaluating) this.expandValue(this.state.evaluation!.lookup(this.slice(start, end)));
      else this.addReference(start, end, refStart, refEnd, form, "");
      return;
    }
    let cp: number;
    let operator = "";
    /** The looked-up value (or the relational result); undefined when not set. */
    let value: string | undefined;
    let relational = false;
    const leftCurly = this.findLeftCurly(start, end);
    if (leftCurly >= 0) {
      const outcome = this.relational(leftCurly, end);
      if (!outcome) return;
      relational = true;
      value = outcome.value;
      cp = outcome.next;
      if (cp < end) {
        operator = this.text[cp];
        if (operator !== "?" && operator !== ":") {
          this.fail(
            "question-or-colon-expected",
            cp,
            end,
            `"?" or ":" expected at: "...}>>>${this.excerpt(cp, end)}"`,
          );
          return;
        }
        cp++;
      }
    } else {
      // A name, then the end, `?` or `:` (a test), or `{` (a function call).
      const nameStart = this.skipSpace(start, end);
      let nameEnd = nameStart;
      while (nameEnd < end && isNameChar(this.text.charCodeAt(nameEnd))) nameEnd++;
      cp = this.skipSpace(nameEnd, end);
      if (cp < end) {
        const ch = this.text[cp];
        if (ch === "{") {
          this.functionCall(nameStart, nameEnd, cp, end, refStart, refEnd);
          return;
        }
        if (ch !== "?" && ch !== ":") {
          this.fail(
            "name-syntax",
            nameEnd,
            nameEnd + 1,
            `attribute name syntax error at: "...${this.slice(start, nameEnd)}>>>${this.excerpt(nameEnd, end)}"`,
          );
          return;
        }
        operator = ch;
        cp++;
      }
      const name = this.slice(nameStart, nameEnd);
      if (this.evaluating) value = this.state.evaluation!.lookup(name);
      else this.addReference(nameStart, nameEnd, refStart, refEnd, form, operator);
    }
    // When scanning, both result operands are parsed; when evaluating, the chosen one.
    const isSet = value !== undefined && value !== "";
    if (operator === "?") {
      const payload = this.branch(cp, end, !this.evaluating || isSet);
      if (!payload) return;
      cp = payload.next;
      if (cp >= end) return;
      if (this.text[cp] !== ":") {
        this.fail(
          "colon-expected",
          cp,
          end,
          `":" expected at: "...${this.slice(payload.start, payload.end)}}>>>${this.excerpt(cp, end)}"`,
        );
        return;
      }
      operator = ":";
      cp++;
    }
    if (operator === ":") {
      const payload = this.branch(cp, end, !this.evaluating || !isSet);
      if (payload && payload.next < end) {
        this.fail(
          "unexpected-input",
          payload.next,
          end,
          `unexpected input at: "...${this.slice(payload.start, payload.end)}}>>>${this.excerpt(payload.next, end)}"`,
        );
      }
      return;
    }
    if (!this.evaluating || !isSet) return;
    if (relational) this.state.evaluation!.output.push(value!);
    else this.expandValue(value);
  }

  /** A parameter's value in place of its reference: expanded in turn, when set. */
  private expandValue(value: string | undefined): void {
    if (value !== undefined && value !== "")
      new MacroScanner(value, this.state).parse(0, value.length);
  }

  /** A `?` or `:` result operand: `{text}` or the rest of the expression. */
  private branch(cp: number, end: number, parse: boolean): Payload | undefined {
    const curly = this.findLeftCurly(cp, end);
    const payload = curly >= 0 ? this.curlyPayload(curly, end) : { start: cp, end, next: end };
    if (!payload) return undefined;
    if (parse) this.parse(payload.start, payload.end);
    return this.failed ? undefined : payload;
  }

  /**
   * mac_exp_parse_relational(): `{a} OP {b}` starting at the `{` of the left
   * operand. Returns the result ("true" or "") and where parsing continues.
   */
  private relational(leftCurly: number, end: number): { value: string; next: number } | undefined {
    const left = this.curlyPayload(leftCurly, end);
    if (!left) return undefined;
    let cp = left.next;
    const opStart = cp;
    while (cp < end && OPERATOR_CHARS.includes(this.text[cp])) cp++;
    const operator = this.slice(opStart, cp);
    const leftText = this.slice(left.start, left.end);
    if (!RELATIONAL_OPERATORS.includes(operator)) {
      this.fail(
        "operator-expected",
        opStart,
        Math.max(cp, opStart + 1),
        `"==" or "!="" or "<"" or "<="" or ">="" or ">" expected at: "...${leftText}}>>>${this.excerpt(opStart, end)}"`,
      );
      return undefined;
    }
    let suffix = "";
    if (cp < end && isAlnum(this.text.charCodeAt(cp))) {
      const suffixStart = cp;
      while (cp < end && isAlnum(this.text.charCodeAt(cp))) cp++;
      suffix = this.slice(suffixStart, cp);
      if (!OPERATOR_SUFFIXES.includes(suffix)) {
        this.fail(
          "bad-operator-suffix",
          opStart,
          cp,
          `bad operator suffix at: "...${operator}>>>${suffix}"`,
        );
        return undefined;
      }
    }
    const rightCurly = this.findLeftCurly(cp, end);
    if (rightCurly < 0) {
      this.fail(
        "operand-expected",
        cp,
        end,
        `"{expression}" expected at: "...{${leftText}} ${operator}>>>${this.excerpt(cp, end)}"`,
      );
      return undefined;
    }
    const right = this.curlyPayload(rightCurly, end);
    if (!right) return undefined;
    const leftValue = this.operand(left);
    if (this.failed) return undefined;
    const rightValue = this.operand(right);
    if (this.failed) return undefined;
    if (!this.evaluating) return { value: "", next: right.next };
    const outcome =
      suffix === "level"
        ? this.compareLevels(leftValue, rightValue)
        : compare(leftValue, rightValue);
    if (outcome === undefined) return undefined;
    return { value: holds(operator, outcome) ? TRUE_VALUE : "", next: right.next };
  }

  /**
   * Operands are expanded by a fresh mac_expand() call, so nesting counts from zero.
   * Postfix has no limit here: a value whose operand refers back to it, such as
   * `x = ${{$x} == {1} ? {a} : {b}}`, recurses until postconf and the daemons crash
   * (a segmentation fault). We stop at the usual depth and report it instead.
   */
  private operand(payload: Payload): string {
    if (this.state.operands >= MAX_NESTING) {
      const text = this.slice(payload.start, payload.end);
      this.fail(
        "operand-nesting",
        payload.start,
        payload.end,
        `relational operand nested over ${MAX_NESTING} levels deep: "${text}"`,
      );
      return "";
    }
    this.state.operands++;
    const savedLevel = this.state.level;
    const savedOutput = this.state.evaluation?.output;
    this.state.level = 0;
    if (this.state.evaluation) this.state.evaluation.output = [];
    this.parse(payload.start, payload.end);
    const value = this.state.evaluation?.output.join("") ?? "";
    this.state.level = savedLevel;
    if (this.state.evaluation) this.state.evaluation.output = savedOutput!;
    this.state.operands--;
    return value;
  }

  private compareLevels(left: string, right: string): number | undefined {
    for (const text of [left, right]) {
      if (parseCompatibilityLevel(text) === undefined) {
        this.fail("malformed-level", 0, 0, `malformed compatibility level syntax: "${text}"`);
        return undefined;
      }
    }
    return Math.sign(parseCompatibilityLevel(left)! - parseCompatibilityLevel(right)!);
  }

  /** mac_exp_parse_function(): `${name{argument}}` (Postfix 3.11). */
  private functionCall(
    nameStart: number,
    nameEnd: number,
    curly: number,
    end: number,
    refStart: number,
    refEnd: number,
  ): void {
    const argument = this.curlyPayload(curly, end);
    if (!argument) return;
    const name = this.slice(nameStart, nameEnd);
    const argumentText = this.slice(argument.start, argument.end).trim();
    if (argument.next < end) {
      this.fail(
        "unexpected-input",
        argument.next,
        end,
        `unexpected input at: "...${argumentText}}>>>${this.excerpt(argument.next, end)}"`,
      );
      return;
    }
    if (!this.evaluating) {
      this.state.result.functions.push({ name, nameStart, nameEnd, start: refStart, end: refEnd });
    }
    if (!MACRO_FUNCTIONS.includes(name)) {
      this.fail(
        "unknown-function",
        nameStart,
        nameEnd,
        `unknown function "${name}" at"...>>>${name}{${argumentText}}"`,
      );
      return;
    }
    // domain_to_ascii leaves ASCII text as it is; that is all an editor needs.
    const value = this.operand(argument);
    this.state.evaluation?.output.push(value);
  }

  private addReference(
    nameStart: number,
    nameEnd: number,
    start: number,
    end: number,
    form: ReferenceForm,
    test: string,
  ): void {
    const visitName = this.state.visitName;
    if (visitName) return visitName(this.slice(nameStart, nameEnd));
    const reference: MacroReference = {
      name: this.slice(nameStart, nameEnd),
      nameStart,
      nameEnd,
      start,
      end,
      form,
    };
    if (test === "?" || test === ":") reference.test = test;
    this.state.result.references.push(reference);
  }
}

/** mac_exp_eval(): numeric when both sides are all digits, else byte order. */
function compare(left: string, right: string): number {
  if (/^[0-9]+$/.test(left) && /^[0-9]+$/.test(right)) {
    const difference = BigInt(left) - BigInt(right);
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }
  return Math.sign(Buffer.compare(Buffer.from(left, "utf8"), Buffer.from(right, "utf8")));
}

function holds(operator: string, comparison: number): boolean {
  switch (operator) {
    case "==":
      return comparison === 0;
    case "!=":
      return comparison !== 0;
    case "<":
      return comparison < 0;
    case "<=":
      return comparison <= 0;
    case ">=":
      return comparison >= 0;
    default:
      return comparison > 0;
  }
}

/**
 * compat_level_from_string(): `major[.minor[.patch]]`, minor and patch at most
 * 1023. Returns a number that orders levels, or undefined when malformed.
 */
export function parseCompatibilityLevel(text: string): number | undefined {
  const match = /^\s*\+?(\d+)(?:\.\s*\+?(\d+)(?:\.\s*\+?(\d+))?)?$/.exec(text);
  if (!match) return undefined;
  const [major, minor, patch] = [match[1], match[2] ?? "0", match[3] ?? "0"].map(Number);
  if (minor > 1023 || patch > 1023 || !Number.isSafeInteger(major)) return undefined;
  return (major * 1024 + minor) * 1024 + patch;
}
