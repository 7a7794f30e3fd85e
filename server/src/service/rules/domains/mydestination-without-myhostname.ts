import { knownHostname } from "../../analysis/listeners";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { valueSpan } from "../startup/shared";
import { domainListHolds, isSmtpTransport, knownValue, transportParts } from "./shared";

/** Settings that may route mail for myhostname elsewhere; their tables are not read here. */
const ROUTING_TABLES = [
  "transport_maps",
  "sender_dependent_relayhost_maps",
  "sender_dependent_default_transport_maps",
];

export default defineRule({
  meta: {
    id: "mydestination-without-myhostname",
    severity: "warning",
    description:
      "myorigin is this host's name, but no address class receives mail for it, so mail to root@$myhostname loops back to this host.",
    fixable: false,
    files: ["main"],
  },
  docs: {
    why: 'Postfix completes addresses without a domain (root, postmaster, a local sender) with myorigin, which is `$myhostname` by default; bounces and Postfix\'s own notices go to such addresses. trivial-rewrite delivers a domain here only when it is in mydestination, virtual_alias_domains or virtual_mailbox_domains. Without that, `root@$myhostname` counts as a remote domain: with no relayhost, the smtp client looks the name up, finds this host, and bounces the mail with "mail for ... loops back to myself", so bounces and notices are lost. A null client (relayhost set) sends such mail to its relay and is not reported, nor is a relay that turns the postmaster notices off (`notify_classes =` empty: no notice or double bounce goes to postmaster); neither is a configuration whose transport_maps, sender-dependent routing or domain lists use tables, as those may handle the name.',
    fires: [
      {
        note: "A mail server for virtual domains that dropped $myhostname from mydestination.",
        main: "myhostname = mail.example.com\nmydestination = localhost\nvirtual_mailbox_domains = example.org\n",
      },
    ],
    silent: [
      { main: "myhostname = mail.example.com\nmydestination = $myhostname, localhost\n" },
      {
        note: "The null client: everything goes to the relay host.",
        main: "myhostname = host.example.com\nmyorigin = $mydomain\nrelayhost = $mydomain\nmydestination =\n",
      },
      {
        note: "A relay that sends postmaster no notices; only local submissions would still loop.",
        main: "myhostname = relay.example.com\nmydestination =\nnotify_classes =\n",
      },
      {
        note: "myorigin is a domain whose mail is handled elsewhere.",
        main: "myhostname = mail.example.com\nmyorigin = example.com\nmydestination = localhost\n",
      },
      {
        note: "myhostname is a virtual alias domain.",
        main: "myhostname = mail.example.com\nmydestination =\nvirtual_alias_domains = $myhostname\nvirtual_alias_maps = hash:/etc/postfix/virtual\n",
      },
      {
        note: "A table may hold the name.",
        main: "myhostname = mail.example.com\nmydestination = localhost\nvirtual_mailbox_domains = mysql:/etc/postfix/domains.cf\n",
      },
    ],
  },
  *check(context) {
    const mydestination = context.sourceOf("mydestination");
    // The default mydestination holds $myhostname.
    if (!mydestination) return;
    const hostname = knownHostname(context);
    if (!hostname) return;
    // The domain Postfix adds to addresses without one.
    const appends = /^\s*yes\s*$/i.test(context.valueOf("append_at_myorigin"));
    const origin = appends ? knownValue(context, "myorigin") : hostname;
    if (origin?.toLowerCase().replace(/\.$/, "") !== hostname) return;
    for (const list of ["mydestination", "virtual_alias_domains", "virtual_mailbox_domains"]) {
      const value = knownValue(context, list);
      if (value === undefined || domainListHolds(value, hostname, false) !== false) return;
    }
    // With notify_classes empty Postfix sends postmaster no notices, not even double
    // bounces; what remains is local submission, which the files do not show.
    if (knownValue(context, "notify_classes") === "") return;
    for (const name of ["relayhost", ...ROUTING_TABLES])
      if (knownValue(context, name) !== "") return;
    // The mail goes out through the default transport, or the relay transport when
    // relay_domains (may) hold the name; each must be a plain SMTP client.
    const relayDomains = knownValue(context, "relay_domains");
    if (relayDomains === undefined) return;
    const transports = ["default_transport"];
    if (domainListHolds(relayDomains, hostname, true) !== false) transports.push("relay_transport");
    for (const name of transports) {
      const value = knownValue(context, name);
      if (value === undefined) return;
      const { transport, nexthop } = transportParts(value);
      if (nexthop !== "" || !isSmtpTransport(context, transport)) return;
    }
    yield {
      file: "main",
      ...valueSpan(mydestination.setting),
      message: `Mail for ${excerpt(hostname)}, this host's own name and the domain myorigin adds to root, postmaster and other local addresses, is not delivered here: it is in none of mydestination, virtual_alias_domains and virtual_mailbox_domains. trivial-rewrite treats it as a remote domain, and with no relayhost the smtp client finds this host and bounces the mail as looping back to itself, so bounces and notices to local users are lost. Add $myhostname to mydestination, or set myorigin to a domain this server receives mail for.`,
    };
  },
});
