import { defineRule } from "../rule";
import { mainScan } from "./shared";

export default defineRule({
  meta: {
    id: "nul-byte",
    severity: "error",
    description: "A NUL byte; Postfix ignores the rest of the line after it.",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: "Postfix handles each line of main.cf as a C string, which ends at the first NUL byte: whatever follows it on the line is lost, so a value is cut short or a name is never seen. Most editors do not show the byte. It usually comes from a file edited with a binary tool, or from text pasted in a broken encoding.",
    fires: [
      {
        note: "A NUL byte (shown as ␀) in the middle of the value.",
        main: "myhostname = mail\0.example.com\n",
      },
    ],
    silent: [{ main: "myhostname = mail.example.com\n" }],
  },
  *check(context) {
    for (const entry of mainScan(context).lineProblems) {
      if (entry.nulOffset === undefined) continue;
      yield {
        file: "main",
        start: entry.nulOffset,
        end: entry.nulOffset + 1,
        message: "NUL character: Postfix ignores the rest of this line after it.",
      };
    }
  },
});
