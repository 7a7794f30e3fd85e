import { timeOf } from "../../analysis/tableFiles";
import { STALE_GRACE_SECONDS } from "../../data/tables";
import { FILE_CHECKS_NOTE } from "../certificates/shared";
import { defineRule } from "../rule";
import {
  atReference,
  cacheParameters,
  hostTables,
  indexCommand,
  quotedTable,
  rebuildNote,
  shownPath,
  tableFileRequests,
  usedIn,
} from "./shared";

export default defineRule({
  meta: {
    id: "table-index-stale",
    severity: "warning",
    description:
      "An indexed table's file is older than its source: the source was edited and postmap (or postalias) was not run again.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `The daemons look up an indexed table in the file postmap built, never in the source, so edits to the source do nothing until the table is rebuilt. When they open it, the daemons log "database ... is older than source file ..." once the source is more than ${STALE_GRACE_SECONDS} seconds old, and so does this rule (it compares the files' modification times, as they do). ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: "transport_maps = hash:/etc/postfix/transport\n",
        host: {
          "/etc/postfix/transport": {
            about: "Edited an hour ago.",
            text: "example.com  smtp:[relay.example.com]\n",
            changedHoursAgo: 1,
          },
          "/etc/postfix/transport.db": { about: "Built two days ago.", changedHoursAgo: 48 },
        },
      },
    ],
    silent: [
      {
        main: "transport_maps = hash:/etc/postfix/transport\n",
        host: {
          "/etc/postfix/transport": {
            about: "Edited two days ago.",
            text: "example.com  smtp:[relay.example.com]\n",
            changedHoursAgo: 48,
          },
          "/etc/postfix/transport.db": { about: "Built an hour ago.", changedHoursAgo: 1 },
        },
      },
      {
        note: "An edit of the last 100 seconds: the daemons do not warn yet either.",
        main: "transport_maps = hash:/etc/postfix/transport\n",
        host: {
          "/etc/postfix/transport": {
            about: "Edited just now.",
            text: "example.com  smtp:[relay.example.com]\n",
            changedHoursAgo: 0,
          },
          "/etc/postfix/transport.db": { about: "Built two days ago.", changedHoursAgo: 48 },
        },
      },
    ],
  },
  hostFiles: tableFileRequests,
  *check(context) {
    const host = context.host;
    if (!host) return;
    const caches = cacheParameters(context.version);
    for (const { reference, source, indexes } of hostTables(context)) {
      if (caches.has(reference.parameter) || indexes.length === 0) continue;
      const sourceFile = host.get(source);
      const indexFile = host.get(indexes[0]);
      if (sourceFile?.status !== "ok" || indexFile?.status !== "ok") continue;
      // The daemons compare whole seconds (st_mtime) and wait out a grace period after an edit.
      const sourceTime = Math.floor(sourceFile.mtimeMs! / 1000);
      const indexTime = Math.floor(indexFile.mtimeMs! / 1000);
      if (sourceTime <= indexTime || sourceTime >= host.now / 1000 - STALE_GRACE_SECONDS) continue;
      yield atReference(
        reference,
        `The indexed file ${shownPath(indexes[0])} (built ${timeOf(indexFile.mtimeMs!)}) is older than its source ${shownPath(source)} (changed ${timeOf(sourceFile.mtimeMs!)}) for ${quotedTable(reference)} ${usedIn(reference)}. Postfix still answers from the old index and logs that the database is older than its source file. Run: ${indexCommand(reference)}${rebuildNote(reference)}.`,
      );
    }
  },
});
