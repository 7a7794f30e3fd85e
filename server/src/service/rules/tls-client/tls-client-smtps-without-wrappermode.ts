import type { SettingSource } from "../context";
import { defineRule } from "../rule";
import { Report, clientsOf, isYes, splitTransport, verb, words } from "./shared";

const SMTPS_PORTS = new Set(["465", "smtps", "submissions"]);

export default defineRule({
  meta: {
    id: "tls-client-smtps-without-wrappermode",
    severity: "warning",
    description: "A next hop on port 465 (smtps/submissions) without client wrapper mode.",
    pitfalls: ["P52"],
    fixable: false,
    files: ["main"],
    since: "3.0",
  },
  docs: {
    why: "Port 465 speaks TLS from the first byte: the server waits for a TLS handshake and never sends an SMTP greeting in plaintext. The Postfix client, unless it runs in wrapper mode, waits for that greeting, so both sides wait until the connection times out and the mail is deferred. Sending to port 465 needs `smtp_tls_wrappermode = yes` and level encrypt on the transport that uses it; port 587 with STARTTLS needs neither.",
    fires: [
      {
        note: "A relay host on port 465.",
        main: "relayhost = [smtp.example.com]:465\nsmtp_tls_security_level = encrypt\n",
      },
      {
        note: "The service name stands for the port too.",
        main: "relayhost = smtp.example.com:smtps\n",
      },
    ],
    silent: [
      { note: "Port 587 uses STARTTLS.", main: "relayhost = [smtp.example.com]:587\n" },
      {
        note: "Wrapper mode is on.",
        main: "relayhost = [smtp.example.com]:465\nsmtp_tls_wrappermode = yes\nsmtp_tls_security_level = encrypt\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    const candidates: { source: SettingSource; nexthop: string; transport: string }[] = [];
    const relayhost = context.mainSettings.get("relayhost");
    const defaultRoute = splitTransport(context.valueOf("default_transport"));
    // A next hop in default_transport takes precedence over relayhost.
    if (relayhost && !defaultRoute.nexthop) {
      const { transport } = defaultRoute;
      for (const hop of words(context.valueOf("relayhost"))) {
        candidates.push({ source: { setting: relayhost, file: "main" }, nexthop: hop, transport });
      }
    }
    for (const name of ["default_transport", "relay_transport"]) {
      const setting = context.mainSettings.get(name);
      if (!setting) continue;
      const { transport, nexthop } = splitTransport(context.valueOf(name));
      if (nexthop) candidates.push({ source: { setting, file: "main" }, nexthop, transport });
    }
    for (const { source, nexthop, transport } of candidates) {
      if (!SMTPS_PORTS.has(portOf(nexthop))) continue;
      const scope = clients.scopeForTransport(transport);
      if (!scope) continue;
      const wrapper = `${scope.prefix}_tls_wrappermode`;
      if (!clients.known(wrapper) || isYes(clients.value(scope, wrapper))) continue;
      report.onValue(
        source,
        [scope],
        (where) =>
          `${nexthop} is an SMTPS port, but ${where} ${verb(where, "does")} not set ${wrapper} = yes. ` +
          `The server expects TLS from the first byte, while the client waits for a greeting the server never sends, and delivery times ` +
          `out. Set ${wrapper} = yes and ${scope.prefix}_tls_security_level = encrypt for that transport ` +
          `(usually a dedicated master.cf entry), or use port 587 with STARTTLS.`,
      );
    }
    yield* report.findings();
  },
});

/** The port of a next hop such as `[host]:465` or `host:smtps`, lowercased; "" when none. */
function portOf(nexthop: string): string {
  const hop = nexthop.trim().replace(/^inet:/i, "");
  if (hop.startsWith("[")) {
    const close = hop.indexOf("]");
    return close >= 0 && hop[close + 1] === ":" ? hop.slice(close + 2).toLowerCase() : "";
  }
  const colon = hop.lastIndexOf(":");
  return colon >= 0 ? hop.slice(colon + 1).toLowerCase() : "";
}
