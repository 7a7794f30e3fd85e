import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  certificateScopes,
  labels,
  onName,
  originOf,
  removeSetting,
} from "./shared";

export default defineRule({
  meta: {
    id: "chain-files-with-legacy-certificates",
    severity: "warning",
    description:
      "smtpd_tls_chain_files and a legacy certificate parameter are both set; the legacy one is ignored.",
    pitfalls: ["P31"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "Since 3.4 `smtpd_tls_chain_files` lists keys and certificates together. When it is set, the server loads only those files and ignores the older certificate parameters (cert_file, eccert_file, dcert_file) with a warning. A certificate left in an old parameter is then silently unused, and renewing it changes nothing.",
    fires: [
      {
        note: "The fix removes the ignored line.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_cert_file = /etc/ssl/mx.pem\nsmtpd_tls_key_file = /etc/ssl/mx.key\n",
        fixed: {
          main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_key_file = /etc/ssl/mx.key\n",
        },
      },
    ],
    silent: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
      },
      {
        note: "The certificate file set to none is not a certificate.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_cert_file = none\n",
      },
    ],
    fix: "Removes the ignored setting: its main.cf line, or its `-o` in master.cf. The server already runs without it, so nothing changes in what it does. If that certificate is the one you meant to use, put it into the chain files instead of removing it. Not offered for a main.cf line with comments inside.",
  },
  *check(context) {
    const legacy = new ByOrigin<{ scope: Scope; chain: string }>();
    for (const { scope, name, cert, certNone, others, chain } of certificateScopes(context)) {
      if (!chain) continue;
      for (const base of [...(cert && !certNone ? ["smtpd_tls_cert_file"] : []), ...others]) {
        legacy.add(originOf(context, name(base)!, scope.service), {
          scope,
          chain: name("smtpd_tls_chain_files")!,
        });
      }
    }
    for (const [source, items] of legacy) {
      const chain = items[0].chain;
      const removal = removeSetting(context, source);
      yield onName(
        source,
        `${source.setting.name.text} is ignored because ${chain} is also set (${labels(items.map((i) => i.scope))}). The server uses only the chain files and logs a warning that the legacy parameters are ignored. Remove this setting (and its key file setting), or put its certificate into ${chain}.`,
        removal ? { title: `Remove ${source.setting.name.text}`, edits: [removal] } : undefined,
      );
    }
  },
});
