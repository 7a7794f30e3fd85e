import { removeAnull } from "../edits";
import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  familyName,
  labels,
  listWords,
  onValue,
  originOf,
  serverView,
  yes,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-server-anull-excluded",
    severity: "info",
    description:
      "aNULL excluded by hand on a server that asks for client certificates, which leaves out anonymous ciphers already.",
    pitfalls: ["P21"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Anonymous cipher suites (aNULL) cannot carry a client certificate. smtpd and tlsproxy therefore exclude them on their own whenever they ask for client certificates (ask_ccert, or req_ccert where TLS is required). An aNULL in the exclusion list of such a server is redundant and suggests it matters when it does not. Where some service that reads the list does not ask for certificates, it is left alone.",
    fires: [
      {
        note: "The fix removes aNULL and keeps the rest of the list.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_ask_ccert = yes\nsmtpd_tls_exclude_ciphers = aNULL, RC4\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_ask_ccert = yes\nsmtpd_tls_exclude_ciphers = RC4\n",
        },
      },
    ],
    silent: [
      {
        note: "The server does not ask for certificates.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_exclude_ciphers = aNULL\n",
      },
      {
        note: "req_ccert without required TLS asks for nothing.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_exclude_ciphers = aNULL\nsmtpd_tls_req_ccert = yes\n",
      },
    ],
    fix: "Removes the aNULL item and one separator next to it; the other items stay. A value continued over several lines is rewritten on one line. Safe while every service that reads the list asks for client certificates; if one stops asking later, anonymous ciphers become possible there again.",
  },
  *check(context) {
    const { scopes, tls } = serverView(context);
    for (const base of ["smtpd_tls_exclude_ciphers", "smtpd_tls_mandatory_exclude_ciphers"]) {
      const mandatory = base.includes("mandatory");
      const readers = new ByOrigin<{ scope: Scope; asks: boolean }>();
      for (const scope of scopes) {
        const state = tls(scope);
        const name = familyName(context, scope.family, base);
        if (!name || !state.use || state.invalid || (mandatory && !state.enforce)) continue;
        const setting = (suffix: string) => {
          const own = familyName(context, scope.family, `smtpd_tls_${suffix}`);
          return own !== undefined && yes(context.valueOf(own, scope.service));
        };
        const asks = setting("ask_ccert") || (state.enforce && setting("req_ccert"));
        readers.add(originOf(context, name, scope.service), { scope, asks });
      }
      for (const [source, items] of readers) {
        const words = listWords(source.setting.value.text.replace(/:/g, " "));
        if (!words.includes("anull") || !items.every((item) => item.asks)) continue;
        const edit = removeAnull(context, source);
        yield onValue(
          source,
          `aNULL in ${source.setting.name.text} adds nothing on ${labels(items.map((i) => i.scope))}, which ${items.length > 1 ? "ask" : "asks"} for client certificates. The server then leaves out anonymous ciphers itself. Remove it.`,
          edit ? { title: "Remove aNULL", edits: [edit] } : undefined,
        );
      }
    }
  },
});
