import type { SettingSource } from "../context";
import { defineRule } from "../rule";
import { Report, clientsOf } from "./shared";

const NAME = "smtp_tls_servername";
const HOSTNAME =
  /^(?=.{1,255}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export default defineRule({
  meta: {
    id: "tls-client-servername-literal",
    severity: "warning",
    description:
      "A fixed SNI name in smtp_tls_servername on a host that delivers directly to the Internet.",
    pitfalls: ["P57"],
    fixable: false,
    files: ["main"],
    since: "3.4",
  },
  docs: {
    why: "`smtp_tls_servername` chooses the name the client sends in the TLS SNI extension; servers that host several names pick their certificate by it. The values `hostname` and `nexthop` adapt to each destination, but a fixed name is sent to every server. On a host that delivers directly to the Internet that is every MX host of every recipient domain, and those that select certificates by SNI may answer with the wrong one. A value that is not a valid host name at all makes Postfix defer every delivery.",
    fires: [
      {
        note: "One fixed name for every server.",
        main: "smtp_tls_servername = mail.example.com\n",
      },
      { note: "Not a host name at all.", main: "smtp_tls_servername = bad_name\n" },
    ],
    silent: [
      { note: "The name follows each destination.", main: "smtp_tls_servername = hostname\n" },
      {
        note: "All mail goes to one relay host, which the name may be meant for.",
        main: "relayhost = [relay.example.com]\nsmtp_tls_servername = mail.example.com\n",
      },
    ],
  },
  *check(context) {
    const clients = clientsOf(context);
    const setting = context.mainSettings.get(NAME);
    if (!setting || !clients.known(NAME)) return;
    const scope = clients.internetScope();
    if (!scope || clients.source(scope, NAME)?.setting !== setting) return;
    const value = clients.value(scope, NAME).trim();
    if (!value || ["hostname", "nexthop"].includes(value.toLowerCase())) return;
    const source: SettingSource = { setting, file: "main" };
    const valid = HOSTNAME.test(value) && !/^[0-9.]+$/.test(value);
    const report = new Report();
    report.onValue(
      source,
      [scope],
      (where) =>
        (valid
          ? `${NAME} = ${value} makes ${where} send one SNI name to every server it delivers to. ` +
            `There is no relayhost, so that is every server on the Internet. Servers choose their certificate by that name, so they may present ` +
            `one that does not match them, which fails delivery at verifying levels.`
          : `${NAME} = ${value} is not a valid hostname: Postfix logs a warning and defers every delivery ` +
            `of ${where}.`) +
        ` Use hostname or nexthop, or give a fixed name only for one destination with servername= in smtp_tls_policy_maps.`,
    );
    yield* report.findings();
  },
});
