import { defineRule } from "../rule";
import { FILE_CHECKS_NOTE } from "../certificates/shared";
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
    id: "table-index-missing",
    severity: "error",
    description:
      "An indexed table (hash, btree, lmdb, cdb, dbm, sdbm) has no indexed file: postmap (or postalias) was never run on its source.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `The daemons read an indexed table only from the file postmap (postalias for aliases) builds from the source: \`/etc/postfix/virtual.db\` for \`hash:/etc/postfix/virtual\`, \`.lmdb\` for lmdb, \`.cdb\` for cdb, \`.pag\` and \`.dir\` for dbm and sdbm. Without that file the table cannot be opened, every lookup in it fails, and the mail that needs it is deferred. Caches that Postfix writes itself (address_verify_map, postscreen_cache_map, the SASL authentication caches) are created on first use and not reported. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: "virtual_alias_maps = hash:/etc/postfix/virtual\n",
        host: {
          "/etc/postfix/virtual": { about: "The source.", text: "info@example.com  admin\n" },
          "/etc/postfix/virtual.db": { about: "Not built.", missing: true },
        },
      },
      {
        note: "Aliases are indexed by postalias.",
        main: "alias_maps = lmdb:/etc/aliases\n",
        host: {
          "/etc/aliases": { about: "The source.", text: "postmaster: root\n" },
          "/etc/aliases.lmdb": { about: "Not built.", missing: true },
        },
      },
    ],
    silent: [
      {
        main: "virtual_alias_maps = hash:/etc/postfix/virtual\n",
        host: {
          "/etc/postfix/virtual": { about: "The source.", text: "info@example.com  admin\n" },
          "/etc/postfix/virtual.db": { about: "Built after the source.", changedHoursAgo: 1 },
        },
      },
      {
        note: "A cache Postfix creates itself.",
        main: "address_verify_map = lmdb:/var/lib/postfix/verify_cache\n",
        host: {
          "/var/lib/postfix/verify_cache": { about: "No source.", missing: true },
          "/var/lib/postfix/verify_cache.lmdb": { about: "Not yet created.", missing: true },
        },
      },
    ],
  },
  hostFiles: tableFileRequests,
  *check(context) {
    if (!context.host) return;
    const caches = cacheParameters(context.version);
    for (const { reference, source, indexes } of hostTables(context)) {
      if (caches.has(reference.parameter)) continue;
      const missing = indexes.find((path) => context.host!.get(path)?.status === "missing");
      if (!missing) continue;
      const sourceMissing = context.host.get(source)?.status === "missing";
      const what = sourceMissing
        ? `Neither the source ${shownPath(source)} nor its indexed file ${shownPath(missing)} exists`
        : `The indexed file ${shownPath(missing)} does not exist`;
      yield atReference(
        reference,
        `${what} for ${quotedTable(reference)} ${usedIn(reference)}. Postfix cannot open the table: every lookup in it fails and the mail that needs it is deferred. ${sourceMissing ? `Create the source, then run: ${indexCommand(reference)}` : `Run: ${indexCommand(reference)}`}${rebuildNote(reference)}.`,
      );
    }
  },
});
