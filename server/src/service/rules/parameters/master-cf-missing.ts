import { type RuleFinding, defineRule } from "../rule";

/**
 * Reported by validation, when the caller asks for it (noteMissingMaster: the CLI
 * and the server) and main.cf is checked without master.cf. It is a note about the
 * check itself rather than about the configuration, so it has no check of its own:
 * validation adds masterMissingFinding() before the rules' findings.
 */
export default defineRule({
  meta: {
    id: "master-cf-missing",
    severity: "info",
    description:
      "main.cf was checked without master.cf (CLI and editor only); checks of master.cf services were skipped.",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: "Much of what a service does depends on master.cf: its `-o` settings override main.cf, a name such as relay_destination_concurrency_limit is only valid when a service called relay exists, and some checks look at particular services (port 465, postscreen). When postfix-lint or the editor checks a main.cf with no master.cf beside it, those checks are skipped and main.cf's settings are checked as the SMTP server and the smtp and lmtp clients see them without overrides. This note, once at the top of main.cf, says so. Keep master.cf next to main.cf, or pass both files, to get the full check.",
    fires: [],
    silent: [],
  },
});

/**
 * main.cf checked alone. The rules then take main.cf's settings as one SMTP
 * server and the smtp and lmtp clients see them, with no -o overrides, and
 * skip what depends on master.cf services (per-service names, ports).
 */
export function masterMissingFinding(): RuleFinding {
  return {
    file: "main",
    start: 0,
    end: 0,
    message:
      "No master.cf was read with this main.cf, so checks that depend on master.cf services were skipped. " +
      "Settings were checked as the SMTP server and the smtp and lmtp clients see them without -o overrides; " +
      "per-service names such as relay_destination_concurrency_limit and checks of particular services (port 465, postscreen) were not. " +
      "Keep master.cf beside main.cf to check them.",
  };
}
