import { regexpProblems } from "../../analysis/tableFiles";
import { FILE_CHECKS_NOTE } from "../certificates/shared";
import { defineRule } from "../rule";
import { hostTables, lineProblemsFinding, sourceText, tableFileRequests } from "./shared";

export default defineRule({
  meta: {
    id: "table-regexp-syntax",
    severity: "warning",
    description:
      "A line of a regexp: or pcre: table is not `/pattern/flags result`, `IF /pattern/` or `ENDIF`, or IF and ENDIF do not pair up.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Each line of a regexp or pcre table is a pattern between delimiters (usually \`/\`), optional flags, and the result; \`IF /pattern/\` ... \`ENDIF\` group lines. A line that starts with whitespace continues the line before it. When Postfix opens the table it skips, with a warning in the log, a pattern without its closing delimiter, an unknown flag, a line that is neither a pattern nor IF/ENDIF, and an ENDIF without IF; an IF without ENDIF and a pattern without result are logged too. Only this shape is checked, not what the pattern means: POSIX and PCRE patterns differ from JavaScript's. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "The closing delimiter is missing.",
        main: "header_checks = regexp:/etc/postfix/header_checks\n",
        host: {
          "/etc/postfix/header_checks": {
            about: "The table.",
            text: "/^Subject: .*viagra/  REJECT\n/^X-Spam-Flag: YES  DISCARD\n",
          },
        },
      },
      {
        note: "An IF without ENDIF in a pcre table.",
        main: "smtpd_sender_restrictions = check_sender_access pcre:/etc/postfix/senders.pcre\n",
        host: {
          "/etc/postfix/senders.pcre": {
            about: "The table.",
            text: "if /@example\\.com$/\n/^info@/ OK\n",
          },
        },
      },
    ],
    silent: [
      {
        main: "header_checks = pcre:/etc/postfix/header_checks\n",
        host: {
          "/etc/postfix/header_checks": {
            about: "The table, with flags, a second pattern, a continued line and IF/ENDIF.",
            text: "/^Subject: .*viagra/i  REJECT\n/^From:/!/@example\\.com/ WARN\nIF /^Received:/\n/from localhost/ IGNORE\nENDIF\n|^Subject: [0-9]+|x REJECT\n/^X-Long:/ PREPEND X-Note: a\n  continued result\n",
          },
        },
      },
    ],
  },
  hostFiles: tableFileRequests,
  *check(context) {
    for (const table of hostTables(context)) {
      const { type } = table.reference;
      if (type !== "regexp" && type !== "pcre") continue;
      const text = sourceText(context, table.source);
      if (text === undefined) continue;
      const finding = lineProblemsFinding(table, regexpProblems(text, type));
      if (finding) yield finding;
    }
  },
});
