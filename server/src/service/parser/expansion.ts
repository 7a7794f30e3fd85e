import { isAlnum, isNameChar, isSpace } from "../text/chars";

/**
 * Parses `$` expansions in a parameter value the way Postfix's mac_parse() and
 * mac_expand() do when they scan a value without evaluating it (both branches of
 * `?`/`:` are parsed). The syntax is that of Postfix 3.12, a superset of older
 * releases: relational operators (3.0), the `level` operator suffix (3.6) and
 * named functions (3.11). Version checks are left to the rules.
 *
 * All indices are positions in the logical text handed in; the caller maps them
 * to document offsets.
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
  | "nesting";

export interface MacroError {
  code: MacroErrorCode;
  /** Where the problem was found. */
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

export const RELATIONAL_OPERATORS = ["==", "!=", "<", "<=", ">=", ">"];
export const OPERATOR_SUFFIXES = ["level"];
export const MACRO_FUNCTIONS = ["domain_to_ascii"];
const OPERATOR_CHARS = "<>!=?+-*/~&|%";
const MAX_NESTING = 100;

export function parseExpansion(text: string, from = 0, to = text.length): Expansion {
  const result: Expansion = { references: [], functions: [] };
  new MacroScanner(text, result).parse(from, to);
  return result;
}

/** True when the value contains no `$` at all (the common case; saves work). */
export function hasNoMacros(text: string): boolean {
  return text.indexOf("$") < 0;
}

class MacroScanner {
  /** Active expression callbacks, as mac_expand counts them. */
  private level = 0;

  constructor(
    private readonly text: string,
    private readonly result: Expansion,
  ) {}

  private get failed(): boolean {
    return this.result.error !== undefined;
  }

  private fail(code: MacroErrorCode, start: number, end: number, postconfWarning: string): void {
    if (!this.failed) this.result.error = { code, start, end, postconfWarning };
  }

  private slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** mac_parse(): find `$` references in [from, to). */
  parse(from: number, to: number): void {
    let i = from;
    while (i < to && !this.failed) {
      const dollar = this.text.indexOf("$", i);
      if (dollar < 0 || dollar >= to) break;
      if (dollar + 1 < to && this.text.charCodeAt(dollar + 1) === 0x24) {
        i = dollar + 2; // `$$` is a literal `$`
        continue;
      }
      let contentStart = dollar + 1;
      let contentEnd: number;
      let form: ReferenceForm = "bare";
      const open = contentStart < to ? this.text[contentStart] : "";
      if (open === "{" || open === "(") {
        const close = open === "{" ? "}" : ")";
        form = open === "{" ? "brace" : "paren";
        contentStart++;
        let level = 1;
        let p = contentStart;
        for (; level > 0; p++) {
          if (p >= to) {
            this.fail(
              "truncated",
              dollar,
              to,
              `truncated macro reference: "${this.slice(from, to)}"`,
            );
            break;
          }
          const ch = this.text[p];
          if (ch === open) level++;
          if (ch === close) level--;
        }
        if (this.failed) break;
        contentEnd = p - 1;
        i = p;
      } else {
        let p = contentStart;
        while (p < to && isNameChar(this.text.charCodeAt(p))) p++;
        contentEnd = p;
        i = p;
      }
      if (contentEnd === contentStart) {
        this.fail("empty-name", dollar, i, `empty macro name: "${this.slice(from, to)}"`);
        break;
      }
      // Postfix gives up beyond 100 nested expressions; this also bounds our recursion.
      if (this.level > MAX_NESTING) {
        const content = this.slice(contentStart, contentEnd);
        this.fail("nesting", dollar, i, `unreasonable macro call nesting: "${content}"`);
        break;
      }
      this.level++;
      this.expression(contentStart, contentEnd, dollar, i, form);
      this.level--;
    }
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

  /**
   * mac_exp_extract_curly_payload(): `open` is at a `{`. Returns the payload span
   * and the position after the closing `}` and any whitespace, or undefined.
   */
  private curlyPayload(
    open: number,
    end: number,
  ): { start: number; end: number; next: number } | undefined {
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
    let cp: number;
    let operator = "";
    const leftCurly = this.findLeftCurly(start, end);
    if (leftCurly >= 0) {
      const next = this.relational(leftCurly, end);
      if (next === undefined) return;
      cp = next;
      if (cp < end) {
        operator = this.text[cp];
        if (operator !== "?" && operator !== ":") {
          this.fail(
            "question-or-colon-expected",
            cp,
            end,
            `"?" or ":" expected at: "...}>>>${this.slice(cp, Math.min(end, cp + 20))}"`,
          );
          return;
        }
        cp++;
      }
    } else {
      const nameStart = this.skipSpace(start, end);
      cp = nameStart;
      for (;;) {
        const afterSpace = this.skipSpace(cp, end);
        if (afterSpace >= end) {
          this.addReference(nameStart, cp, refStart, refEnd, form);
          break;
        }
        const ch = this.text[afterSpace];
        if (ch === "?" || ch === ":") {
          this.addReference(nameStart, cp, refStart, refEnd, form, ch);
          operator = ch;
          cp = afterSpace + 1;
          break;
        }
        if (ch === "{") {
          this.functionCall(nameStart, cp, afterSpace, end, refStart, refEnd);
          return;
        }
        if (!isNameChar(this.text.charCodeAt(cp))) {
          this.fail(
            "name-syntax",
            cp,
            cp + 1,
            `attribute name syntax error at: "...${this.slice(start, cp)}>>>${this.slice(cp, Math.min(end, cp + 20))}"`,
          );
          return;
        }
        cp++;
      }
    }
    if (operator === "?") {
      const payload = this.branch(cp, end);
      if (!payload) return;
      cp = payload.next;
      if (cp >= end) return;
      if (this.text[cp] !== ":") {
        this.fail(
          "colon-expected",
          cp,
          end,
          `":" expected at: "...${this.slice(payload.start, payload.end)}}>>>${this.slice(cp, Math.min(end, cp + 20))}"`,
        );
        return;
      }
      operator = ":";
      cp++;
    }
    if (operator === ":") {
      const payload = this.branch(cp, end);
      if (!payload) return;
      if (payload.next < end) {
        this.fail(
          "unexpected-input",
          payload.next,
          end,
          `unexpected input at: "...${this.slice(payload.start, payload.end)}}>>>${this.slice(payload.next, Math.min(end, payload.next + 20))}"`,
        );
      }
    }
  }

  /** A `?` or `:` result operand: `{text}` or the rest of the expression. */
  private branch(
    cp: number,
    end: number,
  ): { start: number; end: number; next: number } | undefined {
    const curly = this.findLeftCurly(cp, end);
    const payload = curly >= 0 ? this.curlyPayload(curly, end) : { start: cp, end, next: end };
    if (!payload) return undefined;
    this.parse(payload.start, payload.end);
    return this.failed ? undefined : payload;
  }

  /** mac_exp_parse_relational(): `{a} OP {b}` starting at the `{` of the left operand. */
  private relational(leftCurly: number, end: number): number | undefined {
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
        `"==" or "!="" or "<"" or "<="" or ">="" or ">" expected at: "...${leftText}}>>>${this.slice(opStart, Math.min(end, opStart + 20))}"`,
      );
      return undefined;
    }
    if (cp < end && isAlnum(this.text.charCodeAt(cp))) {
      const suffixStart = cp;
      while (cp < end && isAlnum(this.text.charCodeAt(cp))) cp++;
      if (!OPERATOR_SUFFIXES.includes(this.slice(suffixStart, cp))) {
        this.fail(
          "bad-operator-suffix",
          opStart,
          cp,
          `bad operator suffix at: "...${operator}>>>${this.slice(suffixStart, cp)}"`,
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
        `"{expression}" expected at: "...{${leftText}} ${operator}>>>${this.slice(cp, Math.min(end, cp + 20))}"`,
      );
      return undefined;
    }
    const right = this.curlyPayload(rightCurly, end);
    if (!right) return undefined;
    this.parse(left.start, left.end);
    if (this.failed) return undefined;
    this.parse(right.start, right.end);
    if (this.failed) return undefined;
    return right.next;
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
        `unexpected input at: "...${argumentText}}>>>${this.slice(argument.next, Math.min(end, argument.next + 20))}"`,
      );
      return;
    }
    this.result.functions.push({ name, nameStart, nameEnd, start: refStart, end: refEnd });
    if (!MACRO_FUNCTIONS.includes(name)) {
      this.fail(
        "unknown-function",
        nameStart,
        nameEnd,
        `unknown function "${name}" at"...>>>${name}{${argumentText}}"`,
      );
      return;
    }
    this.parse(argument.start, argument.end);
  }

  private addReference(
    nameStart: number,
    nameEnd: number,
    start: number,
    end: number,
    form: ReferenceForm,
    test?: "?" | ":",
  ): void {
    const reference: MacroReference = {
      name: this.slice(nameStart, nameEnd),
      nameStart,
      nameEnd,
      start,
      end,
      form,
    };
    if (test) reference.test = test;
    this.result.references.push(reference);
  }
}
