import { removeAnull } from "../edits";
import { defineRule } from "../rule";
import {
  MANDATORY_LEVELS,
  PREFIXES,
  Report,
  VERIFYING_LEVELS,
  capitalize,
  clientsOf,
  joinWords,
  verb,
} from "./shared";

const BASE =
  "relayhost = [relay.example.com]\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt\n";

export default defineRule({
  meta: {
    id: "tls-client-anull-excluded",
    severity: "info",
    description:
      "aNULL excluded by hand where the client verifies certificates, which already rules out anonymous ciphers.",
    pitfalls: ["P21"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Anonymous (aNULL) cipher suites carry no server certificate. At the levels that authenticate the server (verify, secure, fingerprint, dane-only, and dane for destinations with TLSA records) Postfix leaves them out itself, because a server without a certificate cannot be authenticated. Listing aNULL in an exclusion list there changes nothing and makes the list look like a necessary hardening step, which invites copying it to places where it does harm.",
    fires: [
      {
        note: "Mandatory exclusions at level verify.",
        main: `${BASE}smtp_tls_mandatory_exclude_ciphers = aNULL, MD5\n`,
        fixed: { main: `${BASE}smtp_tls_mandatory_exclude_ciphers = MD5\n` },
      },
    ],
    silent: [
      {
        note: "At level encrypt anonymous ciphers are allowed unless excluded.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_security_level = encrypt\nsmtp_tls_mandatory_exclude_ciphers = aNULL\n",
      },
      {
        note: "A policy table may choose a level that allows them.",
        main: `${BASE}smtp_tls_policy_maps = hash:/etc/postfix/tls_policy\nsmtp_tls_mandatory_exclude_ciphers = aNULL\n`,
      },
    ],
    fix: "Removes the aNULL item, with one separator next to it, from the exclusion list; a list continued over several lines is rewritten on one line. It is safe while every client that reads the list verifies certificates. If you later lower one of them to encrypt, anonymous ciphers become possible there again.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const prefix of PREFIXES) {
      for (const suffix of ["tls_exclude_ciphers", "tls_mandatory_exclude_ciphers"]) {
        const mandatory = suffix.includes("mandatory");
        for (const { source, scopes } of clients.placements(prefix, suffix)) {
          const value = source.setting.value.text;
          if (!value.split(/[\s,:]+/).some((token) => token.toLowerCase() === "anull")) continue;
          if (scopes.some((scope) => clients.hasPolicyTable(scope))) continue;
          const levels = scopes.map((scope) => clients.level(scope).value);
          const using = levels.filter((level) =>
            mandatory ? MANDATORY_LEVELS.has(level) : level !== "none",
          );
          const verifying = (level: string) =>
            VERIFYING_LEVELS.has(level) || (mandatory && level === "dane");
          if (using.length === 0 || !using.every(verifying)) continue;
          const name = source.setting.name.text;
          const edit = removeAnull(context, source);
          report.onValue(
            source,
            scopes,
            (where) =>
              `aNULL in ${name} adds nothing: the level already leaves out anonymous ciphers. ` +
              `${capitalize(where)} ${verb(where, "authenticates")} the server ` +
              `(level ${joinWords([...new Set(using)])}), and anonymous ciphers cannot do that. Remove it.`,
            edit ? { title: "Remove aNULL", edits: [edit] } : undefined,
          );
        }
      }
    }
    yield* report.findings();
  },
});
