import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  labels,
  listWords,
  onValue,
  originOf,
  place,
  replaceValue,
  serverView,
  written,
  yes,
} from "./shared";

/** The restriction lists where permit_tls_all_clientcerts may appear (besides restriction classes). */
const RESTRICTION_LISTS = [
  "smtpd_client_restrictions",
  "smtpd_helo_restrictions",
  "smtpd_sender_restrictions",
  "smtpd_relay_restrictions",
  "smtpd_recipient_restrictions",
  "smtpd_data_restrictions",
  "smtpd_end_of_data_restrictions",
  "smtpd_etrn_restrictions",
];

export default defineRule({
  meta: {
    id: "client-certs-from-public-cas",
    severity: "error",
    description:
      "permit_tls_all_clientcerts with tls_append_default_CA = yes trusts a certificate from any public CA.",
    pitfalls: ["P42"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "`permit_tls_all_clientcerts` accepts every client whose certificate the server can verify. With `tls_append_default_CA = yes` the system's public CAs are added to smtpd_tls_CAfile or CApath, so a certificate that anyone can obtain from a public CA passes, for example to relay through your server. Only a private CA (or a list of fingerprints) makes this restriction meaningful.",
    fires: [
      {
        note: "The fix stops trusting the public CAs.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_CAfile = /etc/ssl/ca.pem\nsmtpd_tls_ask_ccert = yes\nsmtpd_relay_restrictions = permit_tls_all_clientcerts, reject_unauth_destination\ntls_append_default_CA = yes\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_CAfile = /etc/ssl/ca.pem\nsmtpd_tls_ask_ccert = yes\nsmtpd_relay_restrictions = permit_tls_all_clientcerts, reject_unauth_destination\ntls_append_default_CA = no\n",
        },
      },
    ],
    silent: [
      {
        note: "Only the private CA in smtpd_tls_CAfile is trusted.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_CAfile = /etc/ssl/ca.pem\nsmtpd_tls_ask_ccert = yes\nsmtpd_relay_restrictions = permit_tls_all_clientcerts, reject_unauth_destination\n",
      },
    ],
    fix: "Changes tls_append_default_CA to `no`, so only the CAs you configured are trusted. Clients whose certificates come from a public CA then no longer pass permit_tls_all_clientcerts; list them with relay_clientcerts or check_ccert_access if they should.",
  },
  *check(context) {
    const { scopes, tls } = serverView(context);
    const risky = new ByOrigin<{ scope: Scope; list: string }>();
    for (const scope of scopes) {
      if (scope.family !== "smtpd" || !tls(scope).use) continue;
      const value = (name: string) => context.valueOf(name, scope.service);
      if (!yes(value("tls_append_default_CA"))) continue;
      // The system CAs are only added to a CAfile or CApath.
      if (!value("smtpd_tls_CAfile").trim() && !value("smtpd_tls_CApath").trim()) continue;
      const asks =
        yes(value("smtpd_tls_ask_ccert")) ||
        (yes(value("smtpd_tls_req_ccert")) && tls(scope).enforce);
      if (!asks) continue;
      const lists = [...RESTRICTION_LISTS, ...listWords(value("smtpd_restriction_classes"))];
      const list = lists.find((name) =>
        listWords(value(name)).includes("permit_tls_all_clientcerts"),
      );
      if (list)
        risky.add(originOf(context, "tls_append_default_CA", scope.service), { scope, list });
    }
    for (const [source, items] of risky) {
      yield onValue(
        source,
        `${written(source)} ${place(context, source)} lets a certificate from any public CA pass permit_tls_all_clientcerts. smtpd then trusts client certificates from every public CA, and ${items[0].list} uses permit_tls_all_clientcerts on ${labels(items.map((i) => i.scope))}: anyone who gets a certificate from any of those CAs passes that restriction, for example to relay. Set tls_append_default_CA = no, or use permit_tls_clientcerts with relay_clientcerts (or check_ccert_access).`,
        { title: "Change to no", edits: [replaceValue(source, "no")] },
      );
    }
  },
});
