import { FILE_CHECKS_NOTE } from "../certificates/shared";
import { defineRule } from "../rule";
import {
  atReference,
  hostTables,
  quotedTable,
  shownPath,
  tableFileRequests,
  usedIn,
} from "./shared";

export default defineRule({
  meta: {
    id: "table-source-missing",
    severity: "error",
    description: "The file of a cidr, regexp, pcre or texthash table does not exist.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `cidr, regexp, pcre and texthash tables are read from their file each time a daemon opens them. When the file does not exist, the table cannot be opened: every lookup in it fails and the mail that needs it is deferred. (For indexed types such as hash the daemons read the indexed file: table-index-missing and table-index-without-source cover those.) ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: "smtpd_client_restrictions = check_client_access cidr:/etc/postfix/client_access.cidr\n",
        host: { "/etc/postfix/client_access.cidr": { about: "Not there.", missing: true } },
      },
    ],
    silent: [
      {
        main: "smtpd_client_restrictions = check_client_access cidr:/etc/postfix/client_access.cidr\n",
        host: {
          "/etc/postfix/client_access.cidr": {
            about: "The table.",
            text: "192.0.2.0/24  REJECT\n",
          },
        },
      },
    ],
  },
  hostFiles: tableFileRequests,
  *check(context) {
    if (!context.host) return;
    for (const { reference, source, indexes } of hostTables(context)) {
      if (indexes.length > 0 || context.host.get(source)?.status !== "missing") continue;
      yield atReference(
        reference,
        `The file ${shownPath(source)} of ${quotedTable(reference)} ${usedIn(reference)} does not exist. Postfix cannot open the table: every lookup in it fails and the mail that needs it is deferred. Create the file, or correct the path.`,
      );
    }
  },
});
