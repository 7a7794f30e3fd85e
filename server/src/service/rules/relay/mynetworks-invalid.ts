import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { wordSpan } from "../startup/shared";
import { mynetworksSettings } from "./shared";

export default defineRule({
  meta: {
    id: "mynetworks-invalid",
    severity: "error",
    description:
      "A mynetworks entry is not a valid address or network; smtpd stops matching there and answers clients with a temporary error.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd parses a mynetworks entry with `/` or `:` as an address or net/mask. When that fails (a mask over 32 or 128 bits, an octet over 255, host bits set after the mask) it logs a warning, stops matching the list at that entry and reports a lookup error, so `permit_mynetworks` answers every client of that address family that no earlier entry matched with a temporary failure (451). An IPv6 address without brackets is read as a lookup table whose type is its first group, which does not exist.",
    fires: [
      { note: "Host bits set after the mask.", main: "mynetworks = 127.0.0.0/8, 192.168.1.1/24\n" },
      { note: "A mask longer than 32 bits.", main: "mynetworks = 10.0.0.0/33\n" },
      { note: "IPv6 without brackets.", main: "mynetworks = 127.0.0.0/8, 2001:db8::/32\n" },
    ],
    silent: [
      {
        note: "The Debian default.",
        main: "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\n",
      },
      { main: "mynetworks = 192.168.1.0/24, [2001:db8::]/32, hash:/etc/postfix/network_table\n" },
    ],
  },
  *check(context) {
    for (const { placed, entries } of mynetworksSettings(context)) {
      for (const entry of entries) {
        if (entry.kind !== "invalid") continue;
        yield {
          file: placed.file,
          ...wordSpan(placed.setting, entry.text),
          message: `The mynetworks entry "${excerpt(entry.text)}" is not a valid network: ${entry.reason}. smtpd stops matching mynetworks at this entry and answers clients it did not match before with a temporary error (451). Correct the entry.`,
        };
      }
    }
  },
});
