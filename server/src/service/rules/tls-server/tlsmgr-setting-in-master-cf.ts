import type { SettingSource } from "../context";
import { defineRule } from "../rule";
import { onName, removeSetting } from "./shared";

/** Parameters that only tlsmgr(8) reads. */
const TLSMGR_ONLY = /^((smtpd?|lmtp)_tls_session_cache_(database|timeout)|tls_random_\w+)$/;

export default defineRule({
  meta: {
    id: "tlsmgr-setting-in-master-cf",
    severity: "info",
    description:
      "A session cache or random-source setting given with -o on smtp/smtpd/lmtp; only tlsmgr reads it.",
    pitfalls: ["P38"],
    fixable: true,
    files: ["master"],
  },
  docs: {
    why: "The TLS session caches and the random seed are kept by tlsmgr(8), one process for the whole system. It reads their settings from main.cf (or its own master.cf entry). An `-o` with such a setting on an smtp, smtpd or lmtp service is read by nobody, so it looks like a per-service cache that does not exist.",
    fires: [
      {
        note: "The fix removes the -o.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd -o smtpd_tls_session_cache_database=btree:/x\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: { master: "smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n" },
      },
    ],
    silent: [
      {
        note: "On tlsmgr's own entry it does apply.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr -o tls_random_source=dev:/dev/urandom\n",
      },
    ],
    fix: "Removes the `-o` (with the blank before it). Nothing reads it, so nothing changes; if you wanted that cache setting, put it in main.cf.",
  },
  *check(context) {
    for (const service of context.services) {
      if (!["smtp", "smtpd", "lmtp"].includes(service.command)) continue;
      for (const setting of service.settings.values()) {
        const name = setting.name.text;
        if (!TLSMGR_ONLY.test(name)) continue;
        const source: SettingSource = { setting, file: "master" };
        const removal = removeSetting(context, source);
        yield onName(
          source,
          `${name} is read by tlsmgr(8), not by ${service.command}, so this -o on ${service.name}/${service.type} changes nothing. Set it in main.cf if you need it.`,
          removal ? { title: `Remove -o ${name}`, edits: [removal] } : undefined,
        );
      }
    }
  },
});
