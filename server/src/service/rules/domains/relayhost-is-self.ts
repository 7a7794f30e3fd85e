import { isOwnHost, ownSmtpListeners, portNumber } from "../../analysis/listeners";
import { bracedWords } from "../../parser/bracedWords";
import { excerpt } from "../../text/excerpt";
import type { RuleContext, SettingSource } from "../context";
import { type RuleFinding, defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { isSmtpTransport, knownValue, parseDestination, transportParts } from "./shared";

/** A next-hop setting in use: which setting, its destinations and the SMTP transport that uses it. */
interface NextHop {
  name: "relayhost" | "default_transport" | "relay_transport";
  source: SettingSource;
  destinations: string;
  transport: string;
}

/**
 * The next hops trivial-rewrite hands to an SMTP client (resolve.c): a
 * transport's own `:nexthop` wins over relayhost; relayhost serves the default
 * class, and the relay class when relay_domains is not empty.
 */
function nextHops(context: RuleContext): NextHop[] {
  const classes: ("default_transport" | "relay_transport")[] = ["default_transport"];
  // The default relay_domains ($mydestination below compatibility level 2) adds no
  // domain to the relay class: mydestination's domains are delivered here first.
  const relayDomains = context.sourceOf("relay_domains")?.setting.value.text.trim();
  if (relayDomains && !/^\$(\{mydestination\}|\(mydestination\)|mydestination)$/.test(relayDomains))
    classes.push("relay_transport");
  const hops: NextHop[] = [];
  const relayhost = context.sourceOf("relayhost");
  const relayhostValue = knownValue(context, "relayhost");
  for (const name of classes) {
    const value = knownValue(context, name);
    if (value === undefined) continue;
    const { transport, nexthop } = transportParts(value);
    if (!isSmtpTransport(context, transport)) continue;
    const source = context.sourceOf(name);
    if (nexthop !== "" && source) hops.push({ name, source, destinations: nexthop, transport });
    else if (nexthop === "" && relayhost && relayhostValue)
      hops.push({ name: "relayhost", source: relayhost, destinations: relayhostValue, transport });
  }
  // relayhost is reported once, even when both classes use it.
  return hops.filter(
    (hop, index) =>
      hop.name !== "relayhost" || hops.findIndex((h) => h.name === hop.name) === index,
  );
}

export default defineRule({
  meta: {
    id: "relayhost-is-self",
    severity: "error",
    description:
      "relayhost (or a transport's next hop) is this host itself, so mail for other domains loops back instead of leaving.",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: "The smtp client refuses to deliver to itself: when a next hop on the SMTP port resolves to an address Postfix listens on (inet_interfaces, where `all` and `loopback-only` include 127.0.0.1 and ::1) or to a proxy_interfaces address, it reports that the mail loops back to itself. For relayhost it logs a relayhost configuration problem and keeps the mail deferred; for a transport's own next hop it bounces the mail. A next hop on another port that is this server's own smtpd (a master.cf listener) is not detected: the mail comes back in, is routed to the same next hop, and goes round until Postfix bounces it for too many hops. A content filter on another port, such as `[127.0.0.1]:10024`, is fine: nothing of Postfix's own listens there. LMTP is not checked.",
    fires: [
      { note: "The loopback address on the SMTP port.", main: "relayhost = [127.0.0.1]\n" },
      {
        note: "This host's own name.",
        main: "myhostname = mail.example.com\nrelayhost = [mail.example.com]:25\n",
      },
      {
        note: "The port of this server's own reinjection smtpd.",
        main: "relayhost = [127.0.0.1]:10025\n",
        master:
          "smtp inet n - y - - smtpd\nsmtp unix - - y - - smtp\nrelay unix - - y - - smtp\n127.0.0.1:10025 inet n - n - - smtpd -o content_filter=\n",
      },
    ],
    silent: [
      { main: "relayhost = [smtp.example.net]:587\n" },
      {
        note: "A local program on a port where Postfix does not listen.",
        main: "relayhost = [127.0.0.1]:1025\n",
        master: "smtp inet n - y - - smtpd\nsmtp unix - - y - - smtp\nrelay unix - - y - - smtp\n",
      },
      {
        note: "Postfix listens on one public address only, so another program may own 127.0.0.1:25.",
        main: "inet_interfaces = 192.0.2.10\nrelayhost = [127.0.0.1]\n",
      },
      {
        note: "default_transport's own next hop wins over relayhost.",
        main: "relayhost = [127.0.0.1]\ndefault_transport = smtp:[smtp.example.net]\n",
      },
    ],
  },
  *check(context) {
    if (!context.main) return;
    for (const hop of nextHops(context)) {
      const service = context.services.find((s) => s.name === hop.transport && s.type === "unix");
      const defaultPort = context.valueOf("smtp_tcp_port", service).trim() || "smtp";
      for (const destination of bracedWords(hop.destinations)) {
        const parsed = parseDestination(destination, defaultPort);
        const port = parsed && portNumber(parsed.port);
        if (!parsed || port === undefined) continue;
        const finding = selfFinding(context, hop, destination, parsed.host, port);
        if (finding) yield finding;
      }
    }
  },
});

function selfFinding(
  context: RuleContext,
  hop: NextHop,
  destination: string,
  host: string,
  port: number,
): RuleFinding | undefined {
  const at = { file: hop.source.file, ...wordSpan(hop.source.setting, destination) };
  const what = `${hop.name === "relayhost" ? "relayhost" : `${hop.name}'s next hop`} "${excerpt(destination)}"`;
  if (port === 25 && isOwnHost(context, host)) {
    const outcome =
      hop.name === "relayhost"
        ? "logs a relayhost configuration problem and keeps the mail deferred"
        : "bounces the mail";
    return {
      ...at,
      message: `${what} is this host itself, so mail for other domains loops back instead of leaving. ${excerpt(host)} is one of the addresses Postfix counts as its own (inet_interfaces, proxy_interfaces or myhostname), and on the SMTP port the smtp client treats that as a loop: it ${outcome}, and nothing reaches the Internet. Set it to the relay host of your provider, or leave it empty to deliver directly.`,
    };
  }
  if (port === 25 || !context.master) return undefined;
  const listener = ownSmtpListeners(context, host, port)[0];
  if (!listener) return undefined;
  return {
    ...at,
    message: `${what} is this server's own ${excerpt(listener.command)} (the ${excerpt(listener.name)} service), so mail for other domains loops back instead of leaving. It comes in again there, is routed to the same next hop and goes round until Postfix bounces it for too many hops. The smtp client does not detect this on a port other than 25. Point it at the relay host or content filter you mean.`,
  };
}
