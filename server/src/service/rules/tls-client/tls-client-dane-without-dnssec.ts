import { excerpt } from "../../text/excerpt";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  Report,
  clientsAtLevel,
  clientsOf,
  isYes,
  joinWords,
  norm,
  setValueFix,
  verb,
  words,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-dane-without-dnssec",
    severity: "error",
    description:
      "The dane or dane-only level without DNSSEC lookups (or over a UNIX-domain LMTP socket).",
    pitfalls: ["P47"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "DANE trusts TLSA records only when DNSSEC has validated them, so the client must make DNSSEC lookups: `smtp_dns_support_level = dnssec`, DNS in `smtp_host_lookup`, and MX lookup errors not ignored. Without them, level dane quietly falls back to opportunistic TLS (with a warning in the log) and TLSA records are never checked, while dane-only defers every delivery. An LMTP transport that delivers over UNIX-domain sockets cannot use DANE at all.",
    fires: [
      {
        note: "dane without DNSSEC lookups; the fix adds them.",
        main: "smtp_tls_security_level = dane\n",
        fixed: { main: "smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec\n" },
      },
      {
        note: "dane-only with DNS lookups that are not validated; the fix changes the support level.",
        main: "smtp_dns_support_level = enabled\nsmtp_tls_security_level = dane-only\n",
        fixed: { main: "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane-only\n" },
      },
      {
        note: "MX lookup errors are ignored.",
        main: "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\nignore_mx_lookup_error = yes\n",
      },
      {
        note: "An LMTP client that only delivers to a UNIX-domain socket.",
        main: "lmtp_tls_security_level = dane\nmailbox_transport = lmtp:unix:private/dovecot-lmtp\n",
      },
    ],
    silent: [
      {
        note: "DNSSEC lookups are on.",
        main: "smtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\n",
      },
    ],
    fix: "Offered when the DNS support level is the only cause: sets `<prefix>_dns_support_level = dnssec` where it is set, or adds it after the level. This needs a local resolver that validates DNSSEC; Postfix trusts the resolver's answers, so a resolver elsewhere on the network can be spoofed. No fix when host lookups or ignore_mx_lookup_error are involved, or when the setting to change is in the other file.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const { scope, level, source } of clientsAtLevel(clients, ["dane", "dane-only"])) {
      const p = scope.prefix;
      const unix = clients.unixOnlyDestinations(scope);
      if (unix) {
        report.onSetting(
          source,
          [scope],
          (where) =>
            `Level ${level} cannot work for ${where}, which ${verb(where, "delivers")} only over UNIX-domain sockets. ` +
            `Its destinations are ` +
            `${joinWords(unix)}: DANE is invalid for UNIX-domain sockets, and every delivery is deferred. Use none or encrypt for this transport.`,
        );
        continue;
      }
      const reasons: string[] = [];
      const dnsName = `${p}_dns_support_level`;
      const dns = norm(clients.value(scope, dnsName));
      const dnsWrong = dns !== "dnssec";
      if (dnsWrong)
        reasons.push(`${dnsName} is ${dns ? `"${excerpt(dns)}"` : "empty"} instead of dnssec`);
      const hostLookup = `${p}_host_lookup`;
      const lookupWrong =
        clients.known(hostLookup) && !words(norm(clients.value(scope, hostLookup))).includes("dns");
      if (lookupWrong) reasons.push(`${hostLookup} does not include dns`);
      const ignoreMx =
        p === "smtp" && isYes(context.valueOf("ignore_mx_lookup_error", scope.service));
      if (ignoreMx) reasons.push("ignore_mx_lookup_error = yes");
      if (reasons.length === 0) continue;
      const outcome =
        level === "dane"
          ? "Postfix logs a warning and falls back to opportunistic TLS (may), so TLSA records are never checked"
          : "every delivery is deferred";
      let fix: Fix | undefined;
      if (dnsWrong && !lookupWrong && !ignoreMx && clients.known(dnsName)) {
        fix = setValueFix(clients, source, scope, dnsName, "dnssec");
      }
      report.onSetting(
        source,
        [scope],
        (where) =>
          `Level ${level} needs DNSSEC-validated lookups, which ${where} ${verb(where, "does")} not make. ` +
          `For ${where} ${joinWords(reasons)}: ${outcome}. Set ${dnsName} = dnssec (and use a local DNSSEC-validating resolver).`,
        fix,
      );
    }
    yield* report.findings();
  },
});
