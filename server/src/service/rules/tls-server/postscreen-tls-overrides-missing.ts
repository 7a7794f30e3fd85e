import type { RuleContext } from "../context";
import type { FixEdit } from "../findings";
import type { ParameterSetting } from "../../parser/mainCf";
import { defaultValue } from "../../data/parameters";
import { defineRule } from "../rule";
import { type Family, addOption, familyName, onName, serverView, soleReference } from "./shared";

export default defineRule({
  meta: {
    id: "postscreen-tls-overrides-missing",
    severity: "warning",
    description:
      "TLS overrides on the smtpd behind postscreen that the postscreen and tlsproxy services do not share.",
    pitfalls: ["P41"],
    fixable: true,
    files: ["master"],
  },
  docs: {
    why: "Behind postscreen, the smtpd `pass` service gets connections that postscreen has already accepted. A client that sends STARTTLS while postscreen is still talking to it does its handshake with tlsproxy (and, from 3.12, with postscreen's own TLS settings), not with that smtpd. An `-o smtpd_tls_…` on the smtpd entry alone therefore does not reach those handshakes: clients see a different certificate or policy depending on when they start TLS.",
    fires: [
      {
        note: "A certificate only on the smtpd behind postscreen; the fix repeats it on postscreen and tlsproxy.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd -o smtpd_tls_chain_files=/other.pem\ntlsproxy unix - - y - 0 tlsproxy\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "smtp inet n - y - 1 postscreen -o postscreen_tls_chain_files=/other.pem\nsmtpd pass - - y - - smtpd -o smtpd_tls_chain_files=/other.pem\ntlsproxy unix - - y - 0 tlsproxy -o tlsproxy_tls_chain_files=/other.pem\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
    ],
    silent: [
      {
        note: "The override is repeated on postscreen and tlsproxy.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - 1 postscreen -o postscreen_tls_chain_files=/other.pem\nsmtpd pass - - y - - smtpd -o smtpd_tls_chain_files=/other.pem\ntlsproxy unix - - y - 0 tlsproxy -o tlsproxy_tls_chain_files=/other.pem\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
    fix: "Adds the same value as `-o postscreen_tls_…` and `-o tlsproxy_tls_…` to the postscreen and tlsproxy entries that do not have it yet. tlsproxy may serve other postscreen or client services too, which then get the value as well; if that is not wanted, set the value in main.cf or give this postscreen a tlsproxy service of its own.",
  },
  *check(context) {
    if (!context.master) return;
    const tlsproxies = context.services.filter((s) => s.command === "tlsproxy");
    // Two postscreen services may pass to the same smtpd: each setting is reported once.
    const reported = new Set<ParameterSetting>();
    for (const postscreen of serverView(context).scopes.filter((s) => s.family === "postscreen")) {
      const passName = context.valueOf("smtpd_service_name", postscreen.service).trim() || "smtpd";
      const tlsproxyName =
        context.valueOf("tlsproxy_service_name", postscreen.service).trim() || "tlsproxy";
      const tlsproxy = tlsproxies.find((s) => s.name === tlsproxyName);
      for (const pass of context.services) {
        if (pass.command !== "smtpd" || pass.type !== "pass" || pass.name !== passName) continue;
        for (const setting of pass.settings.values()) {
          const name = setting.name.text;
          if (!/^smtpd_(tls_|use_tls$|enforce_tls$)/.test(name)) continue;
          const wanted = context.valueOf(name, pass);
          const edits: FixEdit[] = [];
          const differ: string[] = [];
          for (const [family, service] of [
            ["postscreen", postscreen.service],
            ["tlsproxy", tlsproxy],
          ] as const) {
            if (!service) continue;
            const mirror = mirrorName(context, family, name);
            if (!mirror || context.valueOf(mirror, service) === wanted) continue;
            differ.push(`${service.name}/${service.type}`);
            edits.push(addOption(service.entry, mirror, setting.value.text));
          }
          if (!differ.length || reported.has(setting)) continue;
          reported.add(setting);
          yield onName(
            { setting, file: "master" },
            `-o ${name}=${setting.value.text} changes TLS only for ${pass.name}/${pass.type}, the smtpd behind postscreen. ${differ.join(" and ")} ${differ.length > 1 ? "do" : "does"} the STARTTLS handshake with postscreen's clients using ${differ.length > 1 ? "their" : "its"} own settings, which do not have this value. Set this in main.cf, or repeat the override on ${differ.join(" and ")}.`,
            { title: `Repeat the override on ${differ.join(" and ")}`, edits },
          );
        }
      }
    }
  },
});

/** postscreen_tls_X / tlsproxy_tls_X when it exists and defaults to smtpd_tls_X. */
function mirrorName(context: RuleContext, family: Family, smtpdName: string): string | undefined {
  const name = familyName(context, family, smtpdName);
  if (!name || name === smtpdName) return undefined;
  const fallback = defaultValue(name, context.version);
  return fallback !== undefined && soleReference(fallback) === smtpdName ? name : undefined;
}
