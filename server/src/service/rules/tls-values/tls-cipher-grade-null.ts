import type { RuleContext } from "../context";
import { defineRule } from "../rule";
import {
  GRADE_PARAMETER,
  finding,
  gradeOf,
  literalSettings,
  programOf,
  replaceValue,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-cipher-grade-null",
    severity: "warning",
    description: "The null cipher grade: TLS without encryption.",
    pitfalls: ["P18"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "The null grade admits only cipher suites that authenticate the peer but do not encrypt. Mail in such a session travels readable while the log says TLS, and ordinary peers do not offer these suites, so their handshakes fail too. The one sensible use is LMTP over a UNIX-domain socket on the same host; the rule stays silent when LMTP may deliver that way.",
    fires: [
      {
        main: "smtp_tls_mandatory_ciphers = NULL\n",
        fixed: { main: "smtp_tls_mandatory_ciphers = medium\n" },
      },
    ],
    silent: [
      {
        note: "LMTP over a local socket, where encryption adds nothing.",
        main: "lmtp_tls_mandatory_ciphers = null\nmailbox_transport = lmtp:unix:private/dovecot-lmtp\n",
      },
      { main: "smtpd_tls_ciphers = medium\n" },
    ],
    fix: "Changes the grade to medium, which encrypts with every peer that has a current TLS stack. Not what you want only when a local peer really depends on unencrypted TLS, such as LMTP over a socket reached through a transport table this check cannot read.",
  },
  *check(context) {
    let lmtpUnix: boolean | undefined;
    for (const p of literalSettings(context, GRADE_PARAMETER)) {
      if (gradeOf(p) !== "null") continue;
      if (p.name.startsWith("lmtp_") && (lmtpUnix ??= lmtpMayUseUnixSockets(context))) continue;
      yield finding(
        p,
        p.setting.value,
        `The null grade allows only cipher suites without encryption. Mail in these TLS sessions of ${programOf(p.name)} is readable by anyone on the path, and most peers do not offer such suites, so their handshakes fail. Use medium.`,
        replaceValue(p, "medium"),
      );
    }
  },
});

/**
 * Whether LMTP may deliver over UNIX-domain sockets, where the null grade makes
 * sense: a visible `lmtp:unix:` destination, or a transport table we cannot read.
 */
function lmtpMayUseUnixSockets(context: RuleContext): boolean {
  if (context.valueOf("transport_maps").trim() !== "") return true;
  const transports = new Set(["lmtp"]);
  for (const service of context.services)
    if (service.command === "lmtp") transports.add(service.name);
  return context.settings.some(({ setting }) => {
    const value = setting.value.text;
    return (
      value.includes(":unix:") &&
      [...value.matchAll(/(?:^|[\s,{=])([\w.-]+):unix:/g)].some((m) => transports.has(m[1]))
    );
  });
}
