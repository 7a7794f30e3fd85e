import { defineRule } from "../rule";
import { sizeInWords } from "./networks";
import { wideNetworks } from "./mynetworks-wide";

export default defineRule({
  meta: {
    id: "mynetworks-public-wide",
    severity: "warning",
    description:
      "mynetworks trusts a public range wider than a /16 (IPv4) or /32 (IPv6); hosts on the Internet that you do not run may relay.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Clients in mynetworks pass `permit_mynetworks` and may send mail to any domain without logging in. A public range wider than a /16 is larger than most organisations' own networks, so it trusts hosts of other people on the Internet. A range that covers most of the Internet is reported as an open relay by `mynetworks-internet`.",
    fires: [{ main: "mynetworks = 127.0.0.0/8, 198.0.0.0/8\n" }],
    silent: [
      { main: "mynetworks = 127.0.0.0/8, 198.51.100.0/24\n" },
      { note: "A private range: mynetworks-wide.", main: "mynetworks = 10.0.0.0/8\n" },
    ],
  },
  *check(context) {
    for (const { placed, entry, span } of wideNetworks(context, true)) {
      yield {
        file: placed.file,
        ...span,
        message: `mynetworks trusts the public range ${entry.text} (${sizeInWords(entry)} addresses), which is wider than a /${entry.family === 4 ? 16 : 32}. Every client there may relay mail to any domain without logging in, including hosts you do not run. List only your own networks.`,
      };
    }
  },
});
