import { defineRule } from "../rule";
import { configFiles, finding, replaceValue } from "./shared";

export default defineRule({
  meta: {
    id: "tls-config-file-custom",
    severity: "warning",
    description:
      "tls_config_file names an OpenSSL configuration file; a problem in it turns TLS off.",
    pitfalls: ["P60"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "With a path in tls_config_file, Postfix has OpenSSL load that file when TLS starts and treats any error in it, or a missing section for tls_config_name, as a reason to turn TLS off for every service. Its settings also apply to opportunistic TLS, where a stricter setting does not make mail safer: peers that fail the stricter handshake send their mail in plaintext instead. Postfix's own TLS parameters cover most needs without the file.",
    fires: [
      {
        main: "tls_config_file = /etc/postfix/openssl.cnf\n",
        fixed: { main: "tls_config_file = none\n" },
      },
    ],
    silent: [{ main: "tls_config_file = default\n" }, { main: "tls_config_file = none\n" }],
    fix: "Changes the value to none, so OpenSSL loads no configuration file. Whatever the file set (protocol versions, groups, cipher rules) is then gone; set the equivalent Postfix parameters first if you relied on it.",
  },
  *check(context) {
    for (const { p, value } of configFiles(context)) {
      if (!value.startsWith("/")) continue;
      yield finding(
        p,
        p.setting.value,
        `Any error in ${value}, or a missing section for tls_config_name, turns TLS off for every service. Postfix loads the file strictly, and its settings also apply to opportunistic TLS, where stricter means more mail in plaintext. Prefer none and tune TLS with Postfix's own parameters.`,
        replaceValue(p, "none"),
      );
    }
  },
});
