import type { FixEdit } from "../findings";
import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  labels,
  listWords,
  onValue,
  originOf,
  replaceValue,
  saslScopes,
} from "./shared";

export default defineRule({
  meta: {
    id: "sasl-options-without-noanonymous",
    severity: "error",
    description: "SASL security options without noanonymous allow anonymous logins.",
    pitfalls: ["P35"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd_sasl_security_options (and smtpd_sasl_tls_security_options, used inside TLS) choose which SASL mechanisms are offered. Without `noanonymous`, mechanisms that need no account, such as ANONYMOUS, may be offered. Postfix treats such a login as unauthenticated, but a client may pick it and then fail, and any policy that trusts 'authenticated' clients becomes harder to reason about. The defaults include noanonymous; an explicit value has to repeat it.",
    fires: [
      {
        note: "noplaintext replaced the default; the fix puts noanonymous back.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options = noplaintext\nsmtpd_sasl_tls_security_options = noanonymous\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\nsmtpd_sasl_tls_security_options = noanonymous\n",
        },
      },
      {
        note: "An empty value.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options =\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options = noanonymous\n",
        },
      },
    ],
    silent: [
      {
        note: "AUTH is off, so the options are not used.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_security_options = noplaintext\n",
      },
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\nsmtpd_sasl_tls_security_options = noanonymous\n",
      },
    ],
    fix: "Puts `noanonymous` in front of the existing options (or writes it into an empty value). The other options stay as they are. This only removes anonymous mechanisms, so it cannot lock out users with accounts.",
  },
  *check(context) {
    const anonymous = new ByOrigin<Scope>();
    for (const { scope, state, options, value } of saslScopes(context)) {
      const service = scope.service;
      if (!options.includes("noanonymous"))
        anonymous.add(originOf(context, "smtpd_sasl_security_options", service), scope);
      // The options inside TLS matter only where TLS is known to be on.
      if (state.invalid || !state.use) continue;
      if (!listWords(value("smtpd_sasl_tls_security_options")).includes("noanonymous"))
        anonymous.add(originOf(context, "smtpd_sasl_tls_security_options", service), scope);
    }
    for (const [source, items] of anonymous) {
      const name = source.setting.name.text;
      const empty = source.setting.value.text.trim() === "";
      const edit: FixEdit = empty
        ? replaceValue(source, "noanonymous")
        : {
            start: source.setting.value.start,
            end: source.setting.value.start,
            newText: "noanonymous, ",
          };
      yield onValue(
        source,
        `${name} = ${source.setting.value.text} lacks noanonymous, which allows anonymous SASL logins on ${labels(items)}. Mechanisms that need no account (such as ANONYMOUS) are allowed; Postfix treats such a login as unauthenticated, but clients may pick it. Always include noanonymous.`,
        { title: "Add noanonymous", edits: [edit] },
      );
    }
  },
});
