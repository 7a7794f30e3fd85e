import { defineRule } from "../rule";
import { ByOrigin, type Scope, addNextTo, labels, onValue, originOf, saslScopes } from "./shared";

export default defineRule({
  meta: {
    id: "noplaintext-blocks-tls-auth",
    severity: "info",
    description:
      "noplaintext also applies inside TLS while smtpd_sasl_tls_security_options is left at its default.",
    pitfalls: ["P36"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd_sasl_tls_security_options, which applies once TLS is up, defaults to the value of smtpd_sasl_security_options. Adding `noplaintext` to the latter to keep passwords off unencrypted connections therefore also refuses PLAIN and LOGIN inside TLS, where they are safe. Most mail clients only offer those mechanisms, so they cannot log in at all.",
    fires: [
      {
        note: "The fix allows plaintext mechanisms inside TLS.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\nsmtpd_sasl_tls_security_options = noanonymous\n",
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\nsmtpd_sasl_tls_security_options = noanonymous\n",
      },
    ],
    fix: "Adds `smtpd_sasl_tls_security_options = noanonymous` next to the options setting, which allows PLAIN and LOGIN once TLS is up. Do not apply it if only challenge-response mechanisms are wanted even inside TLS.",
  },
  *check(context) {
    const noplaintext = new ByOrigin<Scope>();
    for (const { scope, state, options } of saslScopes(context)) {
      if (state.invalid || !state.use || !options.includes("noplaintext")) continue;
      const baseOrigin = originOf(context, "smtpd_sasl_security_options", scope.service);
      const tlsOrigin = originOf(context, "smtpd_sasl_tls_security_options", scope.service);
      if (baseOrigin && tlsOrigin?.setting === baseOrigin.setting)
        noplaintext.add(baseOrigin, scope);
    }
    for (const [source, items] of noplaintext) {
      const edit = addNextTo(context, source, "smtpd_sasl_tls_security_options", "noanonymous");
      yield onValue(
        source,
        `noplaintext also applies after STARTTLS on ${labels(items)}, because smtpd_sasl_tls_security_options defaults to this value. PLAIN and LOGIN are refused even inside TLS, which leaves most clients no way to log in. If plaintext mechanisms are fine once TLS is up, set smtpd_sasl_tls_security_options = noanonymous.`,
        edit
          ? { title: "Set smtpd_sasl_tls_security_options = noanonymous", edits: [edit] }
          : undefined,
      );
    }
  },
});
