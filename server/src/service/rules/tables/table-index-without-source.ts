import { FILE_CHECKS_NOTE } from "../certificates/shared";
import { defineRule } from "../rule";
import {
  ALIAS_PARAMETERS,
  atReference,
  cacheParameters,
  hostTables,
  quotedTable,
  shownPath,
  tableFileRequests,
  usedIn,
} from "./shared";

export default defineRule({
  meta: {
    id: "table-index-without-source",
    severity: "info",
    description:
      "An indexed table's source file does not exist, only the indexed file postmap made from it: lookups work, but the table cannot be edited and rebuilt.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `The daemons read an indexed table (hash, btree, lmdb, cdb, dbm, sdbm) only from its indexed file, so a missing source changes nothing today. But the source is where the table is maintained: without it the next change cannot be made with postmap (postalias for aliases), and a rebuilt table would lose the entries that only the indexed file holds. \`postmap -s\` (\`postalias -s\`) prints those entries, from which the source can be written again. Caches that Postfix writes itself have no source and are not reported. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: "virtual_alias_maps = hash:/etc/postfix/virtual\n",
        host: {
          "/etc/postfix/virtual": { about: "Deleted.", missing: true },
          "/etc/postfix/virtual.db": { about: "Still there." },
        },
      },
    ],
    silent: [
      {
        main: "virtual_alias_maps = hash:/etc/postfix/virtual\n",
        host: {
          "/etc/postfix/virtual": { about: "The source.", text: "info@example.com  admin\n" },
          "/etc/postfix/virtual.db": { about: "Built from it.", changedHoursAgo: 1 },
        },
      },
      {
        note: "A cache Postfix writes itself.",
        main: "postscreen_cache_map = lmdb:/var/lib/postfix/postscreen_cache\n",
        host: {
          "/var/lib/postfix/postscreen_cache": { about: "No source.", missing: true },
          "/var/lib/postfix/postscreen_cache.lmdb": { about: "The cache." },
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
      if (indexes.length === 0 || caches.has(reference.parameter)) continue;
      if (host.get(source)?.status !== "missing") continue;
      if (!indexes.every((path) => host.get(path)?.status === "ok")) continue;
      const tool = ALIAS_PARAMETERS.has(reference.parameter) ? "postalias" : "postmap";
      yield atReference(
        reference,
        `The source ${shownPath(source)} of ${quotedTable(reference)} ${usedIn(reference)} does not exist; only its indexed file ${shownPath(indexes[0])} does. Postfix still answers from the indexed file, but the table cannot be changed with ${tool} without the source. Write the source again (${tool} -s ${reference.type}:${shownPath(reference.name)} prints the entries).`,
      );
    }
  },
});
