import { loopbackOnly } from "../../analysis/listeners";
import type { RuleContext, SettingSource } from "../context";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  type ServerTls,
  addNextTo,
  labels,
  listWords,
  onName,
  originOf,
  place,
  replaceValue,
  saslScopes,
  serverTls,
  serverView,
  written,
  yes,
} from "./shared";

export default defineRule({
  meta: {
    id: "sasl-auth-before-tls",
    severity: "warning",
    description:
      "SMTP AUTH with plaintext mechanisms is offered before STARTTLS; passwords can travel unencrypted.",
    pitfalls: ["P33"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "PLAIN and LOGIN send the password merely encoded. When smtpd offers AUTH before the client has started TLS, a client (or an attacker who strips STARTTLS from the EHLO response) can log in over a plaintext connection, and the password crosses the network readable. `smtpd_tls_auth_only = yes` hides AUTH until TLS is up. Services bound to a loopback address are not reported, since their traffic never leaves the host.",
    fires: [
      {
        note: "TLS is optional and AUTH is on in main.cf; the fix adds smtpd_tls_auth_only.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n",
        },
      },
      {
        note: "An -o that undoes a safe main.cf.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_auth_only=no\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_auth_only=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\n",
      },
      {
        note: "No plaintext mechanisms are offered.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_security_options = noanonymous, noplaintext\n",
      },
    ],
    fix: "Sets `smtpd_tls_auth_only = yes` where TLS is offered: it changes an existing setting in the same file, or adds one next to the setting that enables AUTH (an `-o` on that service, or a main.cf line). Clients that log in without STARTTLS can no longer do so, which is the point; check that old clients that cannot use TLS are not needed. Not offered where TLS is off: turning TLS on needs a certificate first.",
  },
  *check(context) {
    const mainState = serverTls(context, { family: "smtpd" });
    const plaintext = new ByOrigin<Scope>();
    for (const { scope, state, options, value } of saslScopes(context)) {
      // Unknown while the level is broken (tls-level-invalid).
      if (state.invalid) continue;
      const enableOrigin = originOf(context, "smtpd_sasl_auth_enable", scope.service);
      const authOnly = yes(value("smtpd_tls_auth_only"));
      // Passwords to a service on a loopback address do not cross the network.
      if (
        !state.enforce &&
        !authOnly &&
        !options.includes("noplaintext") &&
        !loopbackOnly(scope.service)
      )
        plaintext.add(plaintextCause(context, scope, enableOrigin, mainState), scope);
    }
    const { tls } = serverView(context);
    for (const [source, items] of plaintext) {
      const tlsOn = items.every((scope) => tls(scope).use);
      const cause = `${written(source)} ${place(context, source)}`;
      const message = tlsOn
        ? `SMTP AUTH on ${labels(items)} is offered before STARTTLS, so PLAIN and LOGIN passwords can cross the network unencrypted. ${cause} leaves it so: TLS is optional there and smtpd_tls_auth_only is no. Set smtpd_tls_auth_only = yes, or require TLS on that service.`
        : `SMTP AUTH on ${labels(items)} is offered without any TLS, so PLAIN and LOGIN passwords cross the network unencrypted. ${cause} enables it. Turn on TLS there and set smtpd_tls_auth_only = yes.`;
      let fix: Fix | undefined;
      if (tlsOn) {
        const own = context.sourceOf("smtpd_tls_auth_only", items[0].service);
        // An -o next to the -o that enables SASL also overrides a main.cf "no".
        const edit =
          own?.file === source.file
            ? replaceValue(own, "yes")
            : !own || source.file === "master"
              ? addNextTo(context, source, "smtpd_tls_auth_only", "yes")
              : undefined;
        if (edit) fix = { title: "Set smtpd_tls_auth_only = yes", edits: [edit] };
      }
      yield onName(source, message, fix);
    }
  },
});

/**
 * The setting to blame for AUTH before TLS on a service: when main.cf alone keeps
 * passwords safe (TLS required, smtpd_tls_auth_only or noplaintext), the service's
 * -o that undoes it; otherwise the setting that enables AUTH.
 */
function plaintextCause(
  context: RuleContext,
  scope: Scope,
  enableOrigin: SettingSource | undefined,
  mainState: ServerTls,
): SettingSource | undefined {
  const service = scope.service;
  if (!service || enableOrigin?.file === "master") return enableOrigin;
  const own = (name: string): SettingSource | undefined => {
    const setting = service.settings.get(name);
    return setting && { setting, file: "master" };
  };
  const level = serverTls(context, scope).origin;
  const undone =
    (yes(context.valueOf("smtpd_tls_auth_only")) && own("smtpd_tls_auth_only")) ||
    (mainState.enforce && level?.file === "master" && level) ||
    (listWords(context.valueOf("smtpd_sasl_security_options")).includes("noplaintext") &&
      own("smtpd_sasl_security_options"));
  return undone || enableOrigin;
}
