import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { mainScan } from "./shared";

export default defineRule({
  meta: {
    id: "missing-equals",
    severity: "error",
    description: "A main.cf line has no '=' after the parameter name; Postfix refuses to start.",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: "Every logical line of main.cf must read `name = value`. When Postfix meets a line without '=' it stops with a fatal error, so postconf, `postfix start` and every daemon fail until the line is repaired. The usual causes are a forgotten '=' and a value continued on a line that does not start with whitespace, which makes it a line of its own.",
    fires: [
      { main: "myhostname mail.example.com\n" },
      {
        note: "The second line of the list is not indented, so it is a line of its own.",
        main: "mynetworks = 127.0.0.0/8,\n192.0.2.0/24\n",
      },
    ],
    silent: [
      { main: "myhostname = mail.example.com\n" },
      {
        note: "An indented line continues the value above it.",
        main: "mynetworks = 127.0.0.0/8,\n    192.0.2.0/24\n",
      },
    ],
  },
  *check(context) {
    for (const entry of mainScan(context).lineProblems) {
      if (entry.problem !== "missing-equals") continue;
      const name = entry.text.trim().split(/[\s=]/)[0];
      yield {
        file: "main",
        ...entry.segments[0],
        message: `Missing '=' after "${excerpt(name)}": Postfix stops with a fatal error. Write "${excerpt(name)} = value".`,
      };
    }
  },
});
