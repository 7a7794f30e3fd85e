import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { masterScan } from "./shared";

export default defineRule({
  meta: {
    id: "option-literal-braces",
    severity: "warning",
    description: "-o name={a b}: the braces stay in the value; -o { name = a b } was meant.",
    pitfalls: ["P04"],
    fixable: true,
    safeFix: true,
    files: ["master"],
  },
  docs: {
    why: "master.cf removes the braces of a group only when the group is a whole word. In `-o name={a b}` the word starts with the name, so the braces keep the blanks inside one word but stay in the value: the daemon gets `{a b}`, braces included, which is rarely what the parameter expects (pitfall P04). To pass a value with blanks, the whole setting goes in braces: `-o { name = a b }`.",
    fires: [
      {
        master:
          "submission inet n - y - - smtpd\n  -o smtpd_client_restrictions={permit_sasl_authenticated, reject}\n",
        fixed: {
          master:
            "submission inet n - y - - smtpd\n  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n",
        },
      },
    ],
    silent: [
      {
        master:
          "submission inet n - y - - smtpd\n  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n",
      },
      {
        note: "Without blanks the value needs no braces.",
        master:
          "submission inet n - y - - smtpd\n  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n",
      },
    ],
    fix: "Rewrites the option in the long form `-o { name = value }`, with the text that was inside the braces as the value. Do not apply it in the rare case where the braces are meant to reach the daemon as part of the value.",
  },
  *check(context) {
    for (const option of masterScan(context).bracedValues) {
      const setting = option.setting!;
      const value = setting.value.text;
      if (!value.startsWith("{") || !value.endsWith("}") || !/\s/.test(value)) continue;
      const name = setting.name.text;
      const inner = value.slice(1, -1).trim();
      yield {
        file: "master",
        ...setting.value,
        message: `The braces stay in the value: ${excerpt(name)} gets "${excerpt(value)}", braces included. To pass a value with spaces, write the whole setting in braces: -o { ${excerpt(name)} = ${excerpt(inner)} }.`,
        fix: {
          title: `Write -o { ${name} = ${inner} }`,
          edits: [{ ...option.value!, newText: `{ ${name} = ${inner} }` }],
        },
      };
    }
  },
});
