import { defineRule } from "../rule";
import { atLeast, cacheTimeouts, defaultTimeoutFix, finding } from "./shared";

const MAX_CACHE_TIMEOUT = 100 * 86400;

export default defineRule({
  meta: {
    id: "tls-session-cache-timeout-too-long",
    severity: "error",
    description: "A TLS session cache timeout above 100 days; tlsmgr refuses to start.",
    pitfalls: ["P39"],
    fixable: true,
    files: ["main"],
    since: "2.11",
  },
  docs: {
    why: "tlsmgr reads the session cache timeouts of smtpd, the SMTP client and the LMTP client when it starts, and from Postfix 2.11 on it treats a value above 100 days as fatal. Without tlsmgr there is no session cache and no shared random-number seeding for any TLS service. Timeouts set with -o in master.cf are not read by tlsmgr and are not checked here.",
    fires: [
      {
        main: "smtpd_tls_session_cache_timeout = 200d\n",
        fixed: { main: "smtpd_tls_session_cache_timeout = 3600s\n" },
      },
    ],
    silent: [
      { note: "100 days is the maximum.", main: "smtp_tls_session_cache_timeout = 100d\n" },
      { version: "2.10", main: "smtpd_tls_session_cache_timeout = 200d\n" },
    ],
    fix: "Sets the timeout to 3600s, the built-in value. Sessions then expire after an hour, which costs at most one full handshake per peer and hour; choose any value up to 100d if you want them kept longer.",
  },
  *check(context) {
    if (!atLeast(context.version, "2.11")) return;
    for (const { p, seconds } of cacheTimeouts(context)) {
      if (seconds <= MAX_CACHE_TIMEOUT) continue;
      yield finding(
        p,
        p.setting.value,
        `${p.value} is more than the 100-day maximum, so tlsmgr stops at start-up. It logs "invalid ${p.name}", and with it stop the TLS session caches and the random-number seeding of all TLS services. Use at most 100d; 3600s is the default.`,
        defaultTimeoutFix(p),
      );
    }
  },
});
