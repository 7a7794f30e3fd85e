import { type RuleFinding, defineRule } from "../rule";
import { masterScan, spacedEquals } from "./shared";

export default defineRule({
  meta: {
    id: "option-spaced-equals",
    severity: "error",
    description: "'-o name = value' with spaces: the service receives '-o name' and fails.",
    pitfalls: ["P02"],
    fixable: true,
    safeFix: true,
    files: ["master"],
  },
  docs: {
    why: "An `-o` setting is one word, `name=value`, unless the whole setting is written in braces. master.cf splits words at blanks, so with spaces around the '=' the daemon receives `-o name` without a value, and the '=' and the value become separate command arguments. The daemon rejects the setting and the service fails to start (pitfall P02).",
    fires: [
      {
        master: "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode = yes\n",
        fixed: { master: "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode=yes\n" },
      },
      {
        note: "A blank before the '=' alone is enough to break it.",
        master: "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode =yes\n",
        fixed: { master: "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode=yes\n" },
      },
    ],
    silent: [
      { master: "smtps inet n - y - - smtpd\n  -o smtpd_tls_wrappermode=yes\n" },
      {
        note: "Inside braces, blanks around '=' are allowed.",
        master: "smtps inet n - y - - smtpd\n  -o { smtpd_tls_wrappermode = yes }\n",
      },
    ],
    fix: "Joins the name, the '=' and the word after it into one `name=value` word. It is offered only when a value follows the '='. When the value was meant to contain blanks, only its first word is joined: write the long form `-o { name = value with blanks }` instead.",
  },
  *check(context) {
    for (const malformed of masterScan(context).malformedOptions) {
      const { entry, option } = malformed;
      const next = spacedEquals(malformed);
      if (!next || !option.value) continue;
      const valueWord = next.text === "=" ? entry.arguments[1]?.word : undefined;
      const last = valueWord ?? next;
      const value = next.text === "=" ? (valueWord?.text ?? "") : next.text.slice(1);
      const name = option.value.text;
      const finding: RuleFinding = {
        file: "master",
        start: option.flag.start,
        end: last.end,
        message: `No spaces are allowed around '=' in "-o name=value": the service receives "-o ${name}" and fails to start. Write "-o ${name}=..." or "-o { ${name} = ... }".`,
      };
      if (value) {
        finding.fix = {
          title: `Join into -o ${name}=${value}`,
          edits: [{ start: option.value.start, end: last.end, newText: `${name}=${value}` }],
        };
      }
      yield finding;
    }
  },
});
