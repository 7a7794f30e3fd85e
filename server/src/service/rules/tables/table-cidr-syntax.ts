import { cidrProblems } from "../../analysis/tableFiles";
import { FILE_CHECKS_NOTE } from "../certificates/shared";
import { defineRule } from "../rule";
import { hostTables, lineProblemsFinding, sourceText, tableFileRequests } from "./shared";

export default defineRule({
  meta: {
    id: "table-cidr-syntax",
    severity: "warning",
    description:
      "A line of a cidr: table is not `network/prefix result`, `IF network` or `ENDIF` as Postfix parses them.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Each line of a cidr table is an IPv4 or IPv6 network (\`192.0.2.0/24\`, \`[2001:db8::]/32\`, or one address) followed by the result, or \`IF network\` ... \`ENDIF\` around other lines. When Postfix opens the table it skips every line it cannot parse, with a warning in the log: a prefix longer than the address, an octet over 255, address bits set after the prefix, a line without a result, an ENDIF without IF. The skipped line never matches, so the access decision it was written for is not made. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        note: "Host bits set after the prefix.",
        main: "smtpd_client_restrictions = check_client_access cidr:/etc/postfix/clients.cidr\n",
        host: {
          "/etc/postfix/clients.cidr": {
            about: "The table.",
            text: "# blocked networks\n192.0.2.1/24    REJECT\n198.51.100.0/24 OK\n",
          },
        },
      },
      {
        note: "A line without a result.",
        main: "postscreen_access_list = permit_mynetworks, cidr:/etc/postfix/postscreen.cidr\n",
        host: {
          "/etc/postfix/postscreen.cidr": { about: "The table.", text: "[2001:db8::]/32\n" },
        },
      },
    ],
    silent: [
      {
        main: "smtpd_client_restrictions = check_client_access cidr:/etc/postfix/clients.cidr\n",
        host: {
          "/etc/postfix/clients.cidr": {
            about: "The table, with a continued line and IF/ENDIF.",
            text: "192.0.2.0/24  REJECT\nIF 10.0.0.0/8\n!10.1.0.0/16 DUNNO\nENDIF\n[2001:db8::]/32 550\n  go away\n203.0.113.7 OK\n",
          },
        },
      },
    ],
  },
  hostFiles: tableFileRequests,
  *check(context) {
    for (const table of hostTables(context)) {
      if (table.reference.type !== "cidr") continue;
      const text = sourceText(context, table.source);
      if (text === undefined) continue;
      const finding = lineProblemsFinding(table, cidrProblems(text));
      if (finding) yield finding;
    }
  },
});
