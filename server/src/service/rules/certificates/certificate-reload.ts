import { defineRule } from "../rule";
import {
  DAY_MS,
  FILE_CHECKS_NOTE,
  certificateRequests,
  findingAt,
  namedFiles,
  quoted,
} from "./shared";

const CERT = "/etc/postfix/cert.pem";

export default defineRule({
  meta: {
    id: "certificate-reload",
    severity: "info",
    description:
      "A certificate or key file changed in the last day; running daemons keep the old one until 'postfix reload'.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: `Postfix daemons read their certificates and keys when they start, and long-running ones (smtpd processes in use, tlsproxy, tlsmgr) keep them. A renewed file is used only after "postfix reload" has restarted them. Whether that happened cannot be seen from the files, so a file changed in the last day gets this reminder. ${FILE_CHECKS_NOTE}`,
    fires: [
      {
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: {
            about: "renewed 2 hours ago",
            changedHoursAgo: 2,
            objects: [{ key: "leaf" }, { cert: "leaf" }],
          },
        },
      },
    ],
    silent: [
      {
        main: `smtpd_tls_chain_files = ${CERT}\n`,
        host: {
          [CERT]: { about: "unchanged for 30 days", objects: [{ key: "leaf" }, { cert: "leaf" }] },
        },
      },
    ],
  },
  hostFiles: certificateRequests,
  *check(context) {
    if (!context.host) return;
    const { now } = context.host;
    for (const named of namedFiles(context)) {
      if (named.slot === "capath") continue;
      const file = context.host.get(named.path);
      if (file?.status !== "ok" || file.mtimeMs === undefined) continue;
      const age = now - file.mtimeMs;
      if (age < 0 || age > DAY_MS) continue;
      const hours = Math.max(1, Math.round(age / 3_600_000));
      yield findingAt(
        named,
        `${quoted(named.path)} changed ${hours === 1 ? "within the last hour" : `${hours} hours ago`}. A new certificate or key is used by ${named.program} only after "postfix reload"; whether that already happened cannot be seen from the file. Run "postfix reload" if you have not.`,
      );
    }
  },
});
