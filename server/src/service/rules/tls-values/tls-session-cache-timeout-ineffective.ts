import { defineRule } from "../rule";
import { cacheTimeouts, defaultTimeoutFix, finding, programOf, replaceValue } from "./shared";

const MIN_CACHE_TIMEOUT = 120;

export default defineRule({
  meta: {
    id: "tls-session-cache-timeout-ineffective",
    severity: "info",
    description:
      "A TLS session cache timeout of 0 (caching off) or below 2 minutes (raised to 2 minutes).",
    pitfalls: ["P39"],
    fixable: true,
    files: ["main"],
  },
  docs: {
    why: "A timeout of 0 turns session caching off for that side, and for smtpd it also stops session tickets: every connection needs a full handshake, which costs CPU on both ends. Values between 1 and 119 seconds are raised by tlsmgr to 2 minutes, so the setting does not mean what it says.",
    fires: [
      {
        main: "lmtp_tls_session_cache_timeout = 60s\n",
        fixed: { main: "lmtp_tls_session_cache_timeout = 120s\n" },
      },
      {
        main: "smtpd_tls_session_cache_timeout = 0s\n",
        fixed: { main: "smtpd_tls_session_cache_timeout = 3600s\n" },
      },
    ],
    silent: [
      { main: "smtpd_tls_session_cache_timeout = 1h\n" },
      {
        note: "tlsmgr does not read -o overrides, so they are left to another rule.",
        master: "submission inet n - y - - smtpd -o smtpd_tls_session_cache_timeout=0\n",
      },
    ],
    fix: "Changes a timeout below 2 minutes to 120s, the value tlsmgr uses anyway, and a timeout of 0 to 3600s, the built-in value. The second turns resumption back on; keep 0 if you turned it off on purpose (for example while debugging handshakes).",
  },
  *check(context) {
    for (const { p, seconds } of cacheTimeouts(context)) {
      if (seconds === 0) {
        const tickets = p.name.startsWith("smtpd_")
          ? ", and smtpd also stops issuing session tickets"
          : "";
        yield finding(
          p,
          p.setting.value,
          `A timeout of 0 turns TLS session resumption off for ${programOf(p.name)}${tickets}. Every connection pays for a full handshake. If that is not intended, use a value such as 3600s.`,
          defaultTimeoutFix(p),
        );
      } else if (seconds < MIN_CACHE_TIMEOUT) {
        yield finding(
          p,
          p.setting.value,
          `tlsmgr raises session cache timeouts below 2 minutes to 2 minutes, so ${p.value} does not take effect. Write 120s or more.`,
          replaceValue(p, "120s"),
        );
      }
    }
  },
});
