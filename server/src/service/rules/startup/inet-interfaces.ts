import type { RuleContext } from "../context";
import { defineRule } from "../rule";
import { PROTOCOLS, evaluate, listWords, rawValue, wordSpan } from "./shared";

const IPV4_LITERAL = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export default defineRule({
  meta: {
    id: "inet-interfaces",
    severity: "error",
    description:
      "inet_interfaces lists an address of a protocol that inet_protocols turns off; Postfix stops.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "An address literal of a protocol family that inet_protocols turns off cannot be resolved. Postfix then stops with a 'host not found' error. Host names depend on DNS and are not checked.",
    fires: [
      {
        note: "IPv6 is off, but an IPv6 address is listed.",
        main: "inet_protocols = ipv4\ninet_interfaces = 127.0.0.1, [::1]\n",
      },
    ],
    silent: [
      { main: "inet_protocols = all\ninet_interfaces = 127.0.0.1, [::1]\n" },
      { main: "inet_protocols = ipv4\ninet_interfaces = loopback-only\n" },
    ],
  },
  *check(context) {
    const source = context.sourceOf("inet_interfaces");
    if (!source) return;
    const evaluated = evaluate(context, source.setting.value.text);
    if (evaluated.error || evaluated.hostDependent) return;
    if (evaluated.value === "all" || evaluated.value === "loopback-only") return;
    const families = enabledFamilies(context);
    // With every protocol turned off, Postfix does not look at inet_interfaces.
    if (!families || families.size === 0) return;
    const protocols = context.valueOf("inet_protocols");
    for (const host of evaluated.value.split(/[ \t,]+/).filter(Boolean)) {
      const literal = /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
      const family = IPV4_LITERAL.test(literal)
        ? "ipv4"
        : literal.includes(":")
          ? "ipv6"
          : undefined;
      if (!family || families.has(family)) continue;
      const label = family === "ipv4" ? "IPv4" : "IPv6";
      yield {
        file: source.file,
        ...wordSpan(source.setting, host),
        message: `${host} is an ${label} address, but inet_protocols = ${protocols} turns ${label} off, so Postfix cannot use it and stops ("host not found"). Add ${family} to inet_protocols or remove the address.`,
      };
    }
  },
});

/** The address families inet_protocols turns on, or undefined when it is invalid. */
function enabledFamilies(context: RuleContext): Set<string> | undefined {
  const evaluated = evaluate(context, rawValue(context, "inet_protocols") ?? "all");
  if (evaluated.error || evaluated.hostDependent) return undefined;
  const families = new Set<string>();
  for (const word of listWords(evaluated.value)) {
    const enabled = PROTOCOLS.get(word);
    if (!enabled) return undefined;
    enabled.forEach((family) => families.add(family));
  }
  return families;
}
