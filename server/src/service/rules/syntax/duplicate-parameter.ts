import { excerpt } from "../../text/excerpt";
import { type RuleFinding, defineRule } from "../rule";
import { mainScan } from "./shared";

export default defineRule({
  meta: {
    id: "duplicate-parameter",
    severity: "warning",
    description: "A parameter is set again later in main.cf; the later value wins.",
    fixable: true,
    safeFix: true,
    files: ["main"],
  },
  docs: {
    why: "When main.cf sets a parameter twice with different values, Postfix keeps the last one and logs a warning about overriding the earlier entry; `postconf -n` shows only the last. Whoever edits the first assignment then sees no effect, which makes this a common source of confusion in long files. Setting the same value twice is harmless and not reported.",
    fires: [
      {
        main: "relayhost = [smtp.example.com]:587\nmyorigin = $mydomain\nrelayhost = [backup.example.com]:587\n",
        fixed: { main: "myorigin = $mydomain\nrelayhost = [backup.example.com]:587\n" },
      },
    ],
    silent: [
      { main: "relayhost = [smtp.example.com]:587\nmyorigin = $mydomain\n" },
      {
        note: "The same value twice changes nothing.",
        main: "relayhost = [smtp.example.com]:587\nrelayhost = [smtp.example.com]:587\n",
      },
    ],
    fix: "Removes the earlier assignment, continuation lines included: Postfix never uses it, so the effective configuration stays the same. It is not offered when comment lines sit inside that entry, as they would be lost. If the earlier value is the one you meant, remove the later assignment by hand instead.",
  },
  *check(context) {
    const text = context.main?.text ?? "";
    const { reassignments } = mainScan(context);
    // The messages name line numbers, which take a scan of the text: one, for all of them.
    const lineOf = lineNumbersAt(
      text,
      reassignments.map(({ earlier }) => earlier.start),
    );
    for (const { setting, earlier } of reassignments) {
      const { name, value } = earlier.setting!;
      const line = lineOf(earlier.start);
      const finding: RuleFinding = {
        file: "main",
        ...setting.name,
        message: `${excerpt(name.text)} is already set on line ${line} (to "${excerpt(value.text)}"); this later value replaces it.`,
      };
      // Removing the earlier entry changes nothing Postfix sees; keep comments inside it.
      if (earlier.innerComments.length === 0) {
        finding.fix = {
          title: `Remove the earlier ${name.text} on line ${line}`,
          edits: [{ start: earlier.start, end: lineEndAfter(text, earlier.end), newText: "" }],
        };
      }
      yield finding;
    }
  },
});

/** Postfix's line numbers (counting "\n" only) of some offsets, from one scan up to the last. */
function lineNumbersAt(text: string, offsets: number[]): (offset: number) => number {
  const lines = new Map<number, number>();
  let line = 1;
  let lineBreak = text.indexOf("\n");
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    for (; lineBreak >= 0 && lineBreak < offset; lineBreak = text.indexOf("\n", lineBreak + 1))
      line++;
    lines.set(offset, line);
  }
  return (offset) => lines.get(offset)!;
}

/** The offset after the line break that ends the line containing `offset`. */
function lineEndAfter(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline < 0 ? text.length : newline + 1;
}
