import { tableReferences } from "../../analysis/tableReferences";
import { berkeleyMigration } from "../../data/tables";
import { defineRule } from "../rule";
import {
  atReference,
  cacheParameters,
  indexCommand,
  isProxyAllowList,
  quotedTable,
  usedIn,
} from "./shared";

export default defineRule({
  meta: {
    id: "table-type-deprecated",
    severity: "info",
    description:
      "A hash: or btree: (Berkeley DB) table in a release that supports moving away from Berkeley DB (3.11 and later); lmdb: or cdb: is the way forward.",
    fixable: false,
    files: ["main", "master"],
    since: "3.11",
  },
  docs: {
    why: "Some operating systems no longer ship Berkeley DB, and a Postfix built without it cannot open `hash:` or `btree:` tables. From 3.11 on Postfix helps with the move: the alias defaults follow default_database_type, default_cache_db_type sets the type of its caches, and non_bdb_migration_level can redirect `hash:` and `btree:` tables to the types those parameters name. A Postfix with Berkeley DB still opens these tables without complaint, so this is advice, not an error. Convert a table by changing its type and building the new file: `postmap lmdb:/etc/postfix/virtual` (`postalias` for aliases); `cdb:` suits tables that only postmap writes, `lmdb:` also caches that Postfix updates.",
    fires: [
      { version: "3.11", main: "virtual_alias_maps = hash:/etc/postfix/virtual\n" },
      {
        version: "3.11",
        main: "address_verify_map = btree:$data_directory/verify_cache\n",
      },
    ],
    silent: [
      { version: "3.10", main: "virtual_alias_maps = hash:/etc/postfix/virtual\n" },
      { version: "3.11", main: "virtual_alias_maps = lmdb:/etc/postfix/virtual\n" },
    ],
  },
  *check(context) {
    const migration = berkeleyMigration(context.version);
    if (!migration) return;
    const caches = cacheParameters(context.version);
    for (const reference of tableReferences(context)) {
      if (!migration.legacyTypes.includes(reference.type) || isProxyAllowList(reference)) continue;
      const how = caches.has(reference.parameter)
        ? "Change the type to lmdb:; Postfix creates the new cache itself."
        : `Change the type to lmdb: (or cdb:) and build the new file, e.g. ${indexCommand(reference, "lmdb")}.`;
      yield atReference(
        reference,
        `${quotedTable(reference)} ${usedIn(reference)} is a Berkeley DB (${reference.type}:) table, and Postfix ${migration.since} and later support moving away from Berkeley DB. A Postfix built without Berkeley DB cannot open it. ${how}`,
      );
    }
  },
});
