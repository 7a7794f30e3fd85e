import type { ServiceView } from "../context";
import { defineRule } from "../rule";
import {
  ByOrigin,
  clientServices,
  clientTlsOn,
  labels,
  masterComplete,
  onName,
  onService,
  originOf,
  place,
  serverView,
  serviceLineFix,
  written,
  yes,
} from "./shared";

const tlsproxyLine = (chroot: string) => `${chroot.padEnd(8)}-       0       tlsproxy`;

export default defineRule({
  meta: {
    id: "tlsproxy-service-missing",
    severity: "error",
    description:
      "postscreen STARTTLS or TLS connection reuse is on, but master.cf has no tlsproxy service.",
    pitfalls: ["P40"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "postscreen does not do TLS itself: when a client sends STARTTLS while postscreen is talking to it, postscreen hands the connection to tlsproxy(8). The SMTP client does the same for TLS connection reuse (smtp_tls_connection_reuse). Without a tlsproxy service in master.cf those TLS connections fail. Debian's and upstream's master.cf carry the line as a comment.",
    fires: [
      {
        note: "postscreen offers STARTTLS; the fix uncomments tlsproxy.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n#tlsproxy unix - - y - 0 tlsproxy\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\ntlsproxy unix - - y - 0 tlsproxy\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
      {
        note: "TLS connection reuse in the SMTP client.",
        main: "smtp_tls_security_level = may\nsmtp_tls_connection_reuse = yes\n",
        master: "smtp unix - - y - - smtp\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\ntlsproxy unix - - y - 0 tlsproxy\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
      {
        note: "postscreen without TLS needs no tlsproxy.",
        master:
          "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Uncomments the commented-out tlsproxy line when master.cf has one; otherwise adds a tlsproxy line after the service that needs it, with that service's chroot setting. Offered for connection reuse only when it is turned on with -o. Adding the service only starts a helper process on demand and is safe.",
  },
  *check(context) {
    if (!masterComplete(context)) return;
    const { scopes, tls } = serverView(context);
    const hasTlsproxy = (service: ServiceView) => {
      const name = context.valueOf("tlsproxy_service_name", service).trim() || "tlsproxy";
      return context.services.some((s) => s.command === "tlsproxy" && s.name === name);
    };
    for (const scope of scopes) {
      const service = scope.service;
      const state = tls(scope);
      if (scope.family !== "postscreen" || !service || !state.use || state.invalid) continue;
      if (hasTlsproxy(service)) continue;
      const why = state.origin
        ? ` STARTTLS is on through ${written(state.origin)} ${place(context, state.origin)}.`
        : "";
      yield onService(
        service,
        `postscreen offers STARTTLS here, but master.cf has no tlsproxy service to do the handshake.${why} postscreen leaves the TLS handshake to tlsproxy(8), so clients that start TLS while postscreen talks to them fail. Add the tlsproxy unix service (it is usually present as a comment).`,
        serviceLineFix(context, "tlsproxy", tlsproxyLine, service.entry),
      );
    }
    const reuse = new ByOrigin<ServiceView>();
    for (const service of clientServices(context)) {
      const name = `${service.command}_tls_connection_reuse`;
      if (!yes(context.valueOf(name, service)) || !clientTlsOn(context, service)) continue;
      if (hasTlsproxy(service)) continue;
      reuse.add(originOf(context, name, service), service);
    }
    for (const [source, services] of reuse) {
      const fix =
        source.file === "master"
          ? serviceLineFix(context, "tlsproxy", tlsproxyLine, services[0].entry)
          : undefined;
      yield onName(
        source,
        `${written(source)} ${place(context, source)} needs a tlsproxy service, which master.cf does not have. It hands TLS for ${labels(services.map((service) => ({ service, family: "smtpd" })))} to tlsproxy(8) so that connections can be reused, and those TLS connections fail. Add "tlsproxy unix - - y - 0 tlsproxy" to master.cf (it is usually present as a comment).`,
        fix,
      );
    }
  },
});
