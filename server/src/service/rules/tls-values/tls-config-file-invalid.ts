import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { configFiles, finding, replaceValue } from "./shared";

export default defineRule({
  meta: {
    id: "tls-config-file-invalid",
    severity: "error",
    description:
      "tls_config_file is neither default, none nor an absolute path; Postfix turns TLS off.",
    pitfalls: ["P60"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "tls_config_file takes exactly default (OpenSSL's own configuration file), none (no file) or an absolute path. The two words are case-sensitive. Anything else, a relative path included, makes Postfix turn TLS off for every service.",
    fires: [
      {
        note: "The keywords are lower case.",
        main: "tls_config_file = NONE\n",
        fixed: { main: "tls_config_file = none\n" },
      },
      { main: "tls_config_file = openssl.cnf\n", fixed: { main: "tls_config_file = default\n" } },
    ],
    silent: [{ main: "tls_config_file = default\n" }, { main: "tls_config_file = none\n" }],
    fix: "Lower-cases a keyword written with capitals (NONE becomes none) and changes anything else to default, which is what Postfix uses when the parameter is not set. A relative path is then no longer loaded: if you meant that file, write its absolute path instead.",
  },
  *check(context) {
    for (const { p, value } of configFiles(context)) {
      if (value.startsWith("/")) continue;
      const lower = value.toLowerCase();
      const replacement = lower === "default" || lower === "none" ? lower : "default";
      yield finding(
        p,
        p.setting.value,
        `tls_config_file takes default, none (both lower case) or an absolute path; with "${excerpt(value)}" Postfix turns TLS off for every service.`,
        replaceValue(p, replacement),
      );
    }
  },
});
