import { tableReferences } from "../../analysis/tableReferences";
import { ALL_TABLE_TYPES, typeSupport, unknownTypeIsFatal } from "../../data/tables";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { closest } from "../tls-values/shared";
import { atReference, quotedTable, usedIn } from "./shared";

/** A word like 2001:db8::/32: an IPv6 address that Postfix reads as a table because it lacks brackets. */
const BARE_IPV6 = /^[0-9a-f]{0,4}:[0-9a-f:.]*(?:\/\d+)?$/i;

export default defineRule({
  meta: {
    id: "table-type-unknown",
    severity: "error",
    description:
      "A lookup table's type does not exist in the configured release (a typo, or a type of a newer or older release).",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix opens a `type:name` table by looking its type up in the list of types it was built with. A type it does not know cannot be opened: older releases stop the program at once, and from 2.9 on every lookup in the table fails, which defers the mail that needs it. Types that depend on how Postfix was built (`pcre`, `mysql`, `lmdb`, ...) are not reported; `postconf -m` lists what the installed Postfix supports.",
    fires: [
      { note: "A typo.", main: "virtual_alias_maps = hsah:/etc/postfix/virtual\n" },
      {
        note: "A type of a newer release.",
        version: "3.7",
        main: "smtpd_client_restrictions = check_client_access debug:hash:/etc/postfix/access\n",
      },
      {
        note: "In a master.cf override.",
        master:
          "submission inet n - y - - smtpd\n  -o smtpd_sender_login_maps=mysqll:/etc/postfix/senders.cf\n",
      },
    ],
    silent: [
      {
        main: "virtual_alias_maps = hash:/etc/postfix/virtual, regexp:/etc/postfix/virtual.re\ntransport_maps = proxy:lmdb:/etc/postfix/transport\n",
      },
      {
        note: "A policy service address is not a table.",
        main: "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/policy\n",
      },
      {
        note: "An IPv6 network without brackets in mynetworks is mynetworks-invalid's finding.",
        main: "mynetworks = 127.0.0.0/8, 2001:db8::/32\n",
      },
    ],
  },
  *check(context) {
    for (const reference of tableReferences(context)) {
      if (reference.parameter === "mynetworks" && BARE_IPV6.test(reference.text)) continue;
      for (const type of [...reference.wrappers, reference.type]) {
        const support = typeSupport(type, context.version);
        if (support.kind === "built-in" || support.kind === "optional") continue;
        const release = `Postfix ${context.version}`;
        let what: string;
        let fix: string;
        if (support.kind === "too-new") {
          what = `"${type}:" tables arrived in Postfix ${support.since}; ${release} has no such type`;
          fix = `Use another type, or set the release this configuration is for (postfix.version).`;
        } else if (support.kind === "removed") {
          what = `"${type}:" tables were last supported in Postfix ${support.until}`;
          fix = "Move the table to a supported type.";
        } else if (BARE_IPV6.test(reference.text)) {
          what = `${quotedTable(reference)} looks like an IPv6 address, and without brackets Postfix reads it as a table of type "${excerpt(type)}"`;
          fix = "Write the address in brackets, e.g. [2001:db8::]/32.";
        } else {
          const suggestion = closest(type, ALL_TABLE_TYPES);
          what = `${release} has no lookup table type "${excerpt(type)}"`;
          fix = suggestion
            ? `Did you mean "${suggestion}:"?`
            : "Correct the type (postconf -m lists them).";
        }
        const consequence = unknownTypeIsFatal(context.version)
          ? "The program that opens it stops with a fatal error (unsupported dictionary type)."
          : "Every lookup in it fails (unsupported dictionary type), so the mail that needs it is deferred.";
        yield atReference(
          reference,
          `${what} (${quotedTable(reference)} ${usedIn(reference)}). ${consequence} ${fix}`,
        );
        break;
      }
    }
  },
});
