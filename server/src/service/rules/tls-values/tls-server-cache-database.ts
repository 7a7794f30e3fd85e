import { defineRule } from "../rule";
import { finding, serverCacheSettings } from "./shared";

export default defineRule({
  meta: {
    id: "tls-server-cache-database",
    severity: "info",
    description:
      "A server-side TLS session cache (any non-empty value), which session tickets make unnecessary.",
    pitfalls: ["P37"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "With a session cache database, smtpd stores every TLS session in a table that tlsmgr maintains, so a returning client can skip the full handshake. Since Postfix 2.11 session tickets give clients the same shortcut without any server-side storage, so the table mostly adds disk writes and one more file to get right. If you keep it, it belongs under `$data_directory`; Postfix moves other locations there and warns.",
    fires: [
      {
        note: "A cache under $data_directory is still reported: tickets make it unnecessary.",
        main: "smtpd_tls_session_cache_database = btree:${data_directory}/smtpd_scache\n",
      },
    ],
    silent: [
      { note: "An empty value turns the cache off.", main: "smtpd_tls_session_cache_database =\n" },
    ],
  },
  *check(context) {
    for (const p of serverCacheSettings(context)) {
      if (/^dbm:/i.test(p.value)) continue; // tls-server-cache-dbm
      yield finding(
        p,
        p.setting.value,
        "smtpd_tls_session_cache_database is usually best left empty: session tickets make a server-side cache unnecessary. Since Postfix 2.11, tickets let clients resume sessions without it. If you keep it, put it under $data_directory (Postfix moves other locations there with a warning).",
      );
    }
  },
});
