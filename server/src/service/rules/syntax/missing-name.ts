import { defineRule } from "../rule";
import { mainScan } from "./shared";

export default defineRule({
  meta: {
    id: "missing-name",
    severity: "error",
    description: "A main.cf line starts with '='; Postfix refuses to start.",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: "A line that starts with '=' gives a value to no parameter. Postfix stops reading main.cf with a fatal error, and nothing starts until the line is repaired. It usually comes from a name deleted by accident, or from a long line broken just before its '='.",
    fires: [
      { main: "= mail.example.com\n" },
      {
        note: "A line broken before the '=' without indenting the rest.",
        main: "myhostname\n= mail.example.com\n",
      },
    ],
    silent: [
      { main: "myhostname = mail.example.com\n" },
      { note: "An empty value is allowed.", main: "relayhost =\n" },
    ],
  },
  *check(context) {
    for (const entry of mainScan(context).lineProblems) {
      if (entry.problem !== "missing-name") continue;
      yield {
        file: "main",
        ...entry.segments[0],
        message:
          "The line starts with '=' and names no parameter: Postfix stops with a fatal error.",
      };
    }
  },
});
