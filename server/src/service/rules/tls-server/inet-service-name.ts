import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { hostPort } from "../../analysis/listeners";
import { onService } from "./shared";

/** master(8)'s error for a malformed name, explained. */
const NAME_PROBLEMS: Record<string, string> = {
  'missing "]"': "the '[' is never closed",
  'garbage after "]"': "only ':port' may follow ']'",
  "malformed IPv6 address": "the text after 'ipv6:' is not an IPv6 address",
  "missing service information": "there is no port after the host",
  "valid hostname or network address required":
    "the host part is neither a host name nor an address",
  "garbage after numerical service": "a port that starts with a digit must be all digits",
};

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export default defineRule({
  meta: {
    id: "inet-service-name",
    severity: "error",
    description: "An inet service name that is not [host:]port; master(8) refuses to start.",
    fixable: false,
    files: ["master"],
  },
  docs: {
    why: "For an inet service the first master.cf field is the address to listen on: a port (name or number), optionally preceded by a host or an address in brackets. master(8) parses it when it starts and stops with a fatal error when it cannot, so Postfix does not run. Common slips are an unclosed `[`, a trailing `:` without port, and ports such as `25x`.",
    fires: [
      { master: "[192.0.2.1:25 inet n - y - - smtpd\n" },
      { note: "A port that starts with a digit.", master: "25x inet n - y - - smtpd\n" },
      { note: "A host without a port.", master: "[192.0.2.1] inet n - y - - smtpd\n" },
    ],
    silent: [
      { master: "127.0.0.1:10025 inet n - n - - smtpd\n" },
      { master: "[::1]:smtp inet n - y - - smtpd\n" },
    ],
  },
  *check(context) {
    for (const service of context.services) {
      if (service.type !== "inet") continue;
      const parsed = hostPort(service.name);
      if (!("error" in parsed)) continue;
      yield onService(
        service,
        `"${excerpt(service.name)}" is not a valid inet service name, so master(8) stops and Postfix does not start. ${capitalize(NAME_PROBLEMS[parsed.error] ?? parsed.error)}; master(8) logs the error '${parsed.error}'. Write port, host:port or [address]:port, e.g. 127.0.0.1:10025 or [::1]:smtp.`,
      );
    }
  },
});
