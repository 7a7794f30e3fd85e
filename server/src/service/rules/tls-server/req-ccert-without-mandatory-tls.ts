import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  familyName,
  labels,
  onName,
  originOf,
  place,
  serverView,
  written,
  yes,
} from "./shared";

export default defineRule({
  meta: {
    id: "req-ccert-without-mandatory-tls",
    severity: "warning",
    description:
      "smtpd_tls_req_ccert = yes where TLS is optional; the server ignores it and logs a warning.",
    pitfalls: ["P27"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Requiring a client certificate only makes sense when TLS itself is required: with optional TLS a client could skip STARTTLS and send without any certificate. smtpd therefore ignores `smtpd_tls_req_ccert = yes` where the level is `may`, logs a warning, and accepts clients without certificates, which is not what the setting seems to promise.",
    fires: [
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_tls_req_ccert = yes\n",
      },
    ],
    silent: [
      {
        note: "Required on a service where TLS is mandatory.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_req_ccert=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
      },
    ],
  },
  *check(context) {
    const { scopes, tls } = serverView(context);
    const ignored = new ByOrigin<Scope>();
    for (const scope of scopes) {
      const state = tls(scope);
      const name = familyName(context, scope.family, "smtpd_tls_req_ccert");
      if (!name || state.invalid || !state.use || state.enforce) continue;
      if (yes(context.valueOf(name, scope.service)))
        ignored.add(originOf(context, name, scope.service), scope);
    }
    for (const [source, items] of ignored) {
      yield onName(
        source,
        `${written(source)} ${place(context, source)} has no effect on ${labels(items)}, where TLS is optional. A client could simply skip STARTTLS, so the server does not require certificates there and logs "Can't require client certs unless TLS is required". Set that service's security level to encrypt, or use smtpd_tls_ask_ccert = yes with check_ccert_access instead.`,
      );
    }
  },
});
