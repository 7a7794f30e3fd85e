import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { evaluate, valueSpan, wordSpan } from "../startup/shared";

/** Parameters whose value is `transport[:nexthop]`, the transport being a master.cf service. */
const TRANSPORT_PARAMETERS = [
  "content_filter",
  "default_transport",
  "relay_transport",
  "local_transport",
  "virtual_transport",
  "mailbox_transport",
  "fallback_transport",
];

export default defineRule({
  meta: {
    id: "transport-undefined",
    severity: "error",
    description:
      "content_filter or a *_transport names a transport that master.cf does not define; mail for it stays in the queue.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "The part before the first `:` of content_filter, default_transport, relay_transport, local_transport, virtual_transport, mailbox_transport and fallback_transport is the name of a master.cf service that delivers the mail. When master.cf has no service of that name, the queue manager cannot hand the mail over: it logs that the mail transport is unavailable and keeps the mail deferred. Checked only when master.cf is read with main.cf.",
    fires: [
      {
        note: "A content filter whose service was never added to master.cf.",
        main: "content_filter = amavis:[127.0.0.1]:10024\n",
        master: "smtp inet n - y - - smtpd\nsmtp unix - - y - - smtp\n",
      },
    ],
    silent: [
      {
        main: "content_filter = amavis:[127.0.0.1]:10024\n",
        master: "smtp inet n - y - - smtpd\namavis unix - - n - 2 smtp\n",
      },
      {
        note: "An -o that turns the filter off.",
        main: "content_filter = amavis:[127.0.0.1]:10024\n",
        master:
          "amavis unix - - n - 2 smtp\n127.0.0.1:10025 inet n - n - - smtpd -o content_filter=\n",
      },
    ],
  },
  *check(context) {
    if (!context.master || !context.main) return;
    const services = new Set(context.services.map((service) => service.name));
    for (const placed of context.settingsNamed(TRANSPORT_PARAMETERS)) {
      const evaluated = evaluate(context, placed.setting.value.text, placed.service);
      if (evaluated.error || evaluated.hostDependent) continue;
      const value = evaluated.value.trim();
      if (value === "") continue;
      const transport = value.split(":")[0];
      if (transport === "" || services.has(transport)) continue;
      const literal = !placed.setting.value.text.includes("$");
      yield {
        file: placed.file,
        ...(literal ? wordSpan(placed.setting, value) : valueSpan(placed.setting)),
        message: `${placed.setting.name.text} names the transport "${excerpt(transport)}", but master.cf defines no service of that name. The queue manager reports the mail transport as unavailable and keeps such mail deferred. Add the service to master.cf or correct the name.`,
      };
    }
  },
});
