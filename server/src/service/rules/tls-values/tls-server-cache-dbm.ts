import { defineRule } from "../rule";
import { finding, serverCacheSettings } from "./shared";

export default defineRule({
  meta: {
    id: "tls-server-cache-dbm",
    severity: "warning",
    description: "A dbm: table as the server's TLS session cache; it cannot hold session objects.",
    pitfalls: ["P37"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "A saved TLS session is larger than a dbm: table lets a single entry be, so the cache cannot store sessions and does not work: every returning client pays for a full handshake. btree: or lmdb: tables have no such limit; with session tickets the cache is not needed at all.",
    fires: [{ main: "smtpd_tls_session_cache_database = dbm:${data_directory}/smtpd_scache\n" }],
    silent: [
      {
        note: "Another table type (tls-server-cache-database notes that one).",
        main: "smtpd_tls_session_cache_database = btree:${data_directory}/smtpd_scache\n",
      },
      { main: "smtpd_tls_session_cache_database =\n" },
    ],
  },
  *check(context) {
    for (const p of serverCacheSettings(context)) {
      if (!/^dbm:/i.test(p.value)) continue;
      yield finding(
        p,
        p.setting.value,
        "A dbm: table cannot hold TLS session objects (they are too large). Use btree: or lmdb: under $data_directory, or leave smtpd_tls_session_cache_database empty: session tickets make the cache unnecessary.",
      );
    }
  },
});
