import { excerpt } from "../../text/excerpt";
import type { SettingSource } from "../context";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  Report,
  clientsOf,
  insertAfter,
  isYes,
  levelEffect,
  levelMeaning,
  norm,
  written,
} from "./shared";

const LEVEL_NAME = "smtp_tls_security_level";

export default defineRule({
  meta: {
    id: "tls-client-compat-level-override",
    severity: "error",
    description:
      "compatibility_level 3.11 or later makes smtp_tls_security_level default to may, which overrides smtp_enforce_tls = yes or smtp_use_tls = no.",
    pitfalls: ["P12"],
    fixable: true,
    files: ["main", "master"],
    since: "3.11",
  },
  docs: {
    why: `The legacy switches \`smtp_enforce_tls\` and \`smtp_use_tls\` only count while \`smtp_tls_security_level\` is empty. Up to 3.10 its default is empty, so the switches decide. From 3.11 on, with \`compatibility_level\` 3.11 or later, the default becomes ${levelMeaning("may")}, and the switches are ignored; nothing warns that they no longer decide. Raising compatibility_level then silently turns mandatory TLS into opportunistic TLS (or turns TLS on where \`smtp_use_tls = no\` turned it off).`,
    fires: [
      {
        note: "Raising compatibility_level changes the default level under the legacy switch.",
        main: "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_CAfile = /etc/ca.pem\n",
        fixed: {
          main: "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\n",
        },
      },
      {
        note: "TLS was turned off with the legacy switch.",
        main: "compatibility_level = 3.12\nsmtp_use_tls = no\n",
        fixed: {
          main: "compatibility_level = 3.12\nsmtp_use_tls = no\nsmtp_tls_security_level = none\n",
        },
      },
    ],
    silent: [
      {
        note: "Below 3.11 the default level is empty and the switch still decides.",
        main: "compatibility_level = 3.10\nsmtp_enforce_tls = yes\nsmtp_tls_CAfile = /etc/ca.pem\nrelayhost = [relay.example.com]\n",
      },
      {
        note: "The level is set explicitly.",
        main: "compatibility_level = 3.11\nsmtp_enforce_tls = yes\nsmtp_tls_security_level = verify\nsmtp_tls_CAfile = /etc/ca.pem\nrelayhost = [relay.example.com]\n",
      },
    ],
    fix: "Adds `smtp_tls_security_level` with the level the switch asked for (verify, encrypt or none) right after the switch, in main.cf or as an `-o` on the same service. That keeps the behaviour the configuration had before compatibility_level was raised. At verify the client needs trusted CAs; without them every delivery is deferred.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    for (const scope of clients.scopes) {
      if (scope.prefix !== "smtp" || clients.source(scope, LEVEL_NAME)) continue;
      const level = norm(clients.value(scope, LEVEL_NAME));
      if (!level) continue;
      const enforce = clients.source(scope, "smtp_enforce_tls");
      const useTls = clients.source(scope, "smtp_use_tls");
      let cause: SettingSource;
      let intended: string;
      if (enforce && isYes(enforce.setting.value.text)) {
        cause = enforce;
        intended = isYes(clients.value(scope, "smtp_tls_enforce_peername")) ? "verify" : "encrypt";
      } else if (useTls && norm(useTls.setting.value.text) === "no") {
        cause = useTls;
        intended = "none";
      } else continue;
      if (intended === level) continue;
      const compat = clients.value(scope, "compatibility_level").trim();
      const edit = insertAfter(context, cause, LEVEL_NAME, intended);
      const fix: Fix | undefined = edit
        ? {
            title:
              cause.file === "main"
                ? `Add ${LEVEL_NAME} = ${intended}`
                : `Add -o ${LEVEL_NAME}=${intended}`,
            edits: [edit],
          }
        : undefined;
      report.onSetting(
        cause,
        [scope],
        (where) =>
          `${written(cause)} is overridden by the ${LEVEL_NAME} default of compatibility_level ${compat}. ` +
          `That default is "${excerpt(level)}" instead of empty, and a non-empty level wins over ${cause.setting.name.text}. ` +
          `So ${levelEffect(where, level)}. Set ${LEVEL_NAME} = ${intended} explicitly.`,
        fix,
      );
    }
    yield* report.findings();
  },
});
