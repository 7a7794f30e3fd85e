import { defineRule } from "../rule";
import {
  clientServices,
  clientTlsOn,
  masterComplete,
  onService,
  serverView,
  serviceLineFix,
} from "./shared";

export default defineRule({
  meta: {
    id: "tlsmgr-service-missing",
    severity: "warning",
    description: "TLS is turned on but master.cf has no tlsmgr service.",
    pitfalls: ["P61"],
    fixable: true,
    files: ["master"],
  },
  docs: {
    why: "tlsmgr(8) keeps the TLS session caches and the pseudo-random seed for all TLS programs. When master.cf has no tlsmgr service, smtpd and smtp cannot reach it: they log warnings on every start, session resumption does not work, and each handshake costs a full key exchange. The rule reports it on the first service with TLS turned on.",
    fires: [
      {
        note: "The fix adds the service.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "smtp      inet  n       -       y       -       -       smtpd\n",
        fixed: {
          master:
            "smtp      inet  n       -       y       -       -       smtpd\ntlsmgr    unix  -       -       y       1000?   1       tlsmgr\n",
        },
      },
      {
        note: "A commented-out line is uncommented.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "smtp inet n - y - - smtpd\n#tlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: { master: "smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n" },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master: "smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
      { note: "TLS is off.", master: "smtp inet n - y - - smtpd\n" },
    ],
    fix: "Uncomments the commented-out tlsmgr line when master.cf has one; otherwise adds a tlsmgr line after the service it is reported on, with that service's chroot setting. Adding tlsmgr is safe: it only keeps caches for the TLS programs.",
  },
  *check(context) {
    if (!masterComplete(context)) return;
    const name = context.valueOf("tlsmgr_service_name").trim() || "tlsmgr";
    if (context.services.some((s) => s.command === "tlsmgr" && s.name === name)) return;
    const { scopes, tls } = serverView(context);
    const server = scopes.find((scope) => scope.service && tls(scope).use && !tls(scope).invalid);
    const anchor =
      server?.service ?? clientServices(context).find((service) => clientTlsOn(context, service));
    if (!anchor) return;
    yield onService(
      anchor,
      `TLS is on for ${anchor.name}/${anchor.type}, but master.cf has no ${name} service. tlsmgr(8) keeps the TLS session caches and the random seed; without it the TLS programs cannot reach it and log warnings. Add "tlsmgr unix - - y 1000? 1 tlsmgr" (it is usually present as a comment).`,
      serviceLineFix(
        context,
        "tlsmgr",
        (chroot) => `${chroot.padEnd(8)}1000?   1       tlsmgr`,
        anchor.entry,
      ),
    );
  },
});
