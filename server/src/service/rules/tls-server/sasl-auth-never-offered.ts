import type { ParameterSetting } from "../../parser/mainCf";
import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  labels,
  onName,
  originOf,
  place,
  saslScopes,
  written,
  yes,
} from "./shared";

export default defineRule({
  meta: {
    id: "sasl-auth-never-offered",
    severity: "warning",
    description:
      "SMTP AUTH is enabled with smtpd_tls_auth_only = yes on a service without TLS, so AUTH is never offered.",
    pitfalls: ["P34"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "`smtpd_tls_auth_only = yes` keeps AUTH out of the EHLO response until the client has started TLS. On a service where TLS is off, that never happens, so AUTH is never offered and users cannot log in, even though SASL is enabled. A main.cf setting that works on other services and is merely inherited by a service without TLS is not reported.",
    fires: [
      {
        note: "TLS is off everywhere.",
        main: "smtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n",
      },
      {
        note: "A submission service that turns TLS off and AUTH on.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_auth_only = yes\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n",
      },
      {
        note: "A content-filter return path without TLS inherits AUTH that works on port 25.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n",
        master:
          "smtp inet n - y - - smtpd\n127.0.0.1:10025 inet n - n - - smtpd -o smtpd_tls_security_level=none\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
  },
  *check(context) {
    const never = new ByOrigin<Scope>();
    /** Settings that enable AUTH where it is offered. */
    const offered = new Set<ParameterSetting>();
    for (const { scope, state, value } of saslScopes(context)) {
      if (state.invalid) continue;
      const enableOrigin = originOf(context, "smtpd_sasl_auth_enable", scope.service);
      if (yes(value("smtpd_tls_auth_only")) && !state.use) never.add(enableOrigin, scope);
      else if (enableOrigin) offered.add(enableOrigin.setting);
    }
    for (const [source, items] of never) {
      // A main.cf setting that works on other services is merely inherited here.
      if (offered.has(source.setting)) continue;
      yield onName(
        source,
        `${written(source)} ${place(context, source)} enables SMTP AUTH on ${labels(items)}, where it is never offered. smtpd_tls_auth_only = yes hides AUTH until the client starts TLS, and TLS is off there, so no one can log in. Turn on TLS for that service, or set smtpd_tls_auth_only = no there.`,
      );
    }
  },
});
