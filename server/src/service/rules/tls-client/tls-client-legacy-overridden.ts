import type { SettingSource } from "../context";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  KNOWN_LEVELS,
  Report,
  type Scope,
  clientsOf,
  isYes,
  levelEffect,
  levelMeaning,
  norm,
  origin,
  settingSpan,
  strength,
  written,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-client-legacy-overridden",
    severity: "error",
    description:
      "A legacy smtp/lmtp use_tls or enforce_tls switch asking for more than the *_tls_security_level that overrides it.",
    pitfalls: ["P11"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: `Before security levels existed, \`smtp_use_tls\` and \`smtp_enforce_tls\` (and their lmtp and tlsproxy copies) chose how the client used TLS. Postfix still reads them, but only while the security level is empty: as soon as \`smtp_tls_security_level\` has a value, that value decides and the old switch is ignored. Since 3.9 postconf calls the switches deprecated, but nothing says that one of them has no effect. A configuration that says \`smtp_enforce_tls = yes\` next to level ${levelMeaning("may")} therefore delivers in plaintext to servers without STARTTLS, although it looks as if TLS were required. \`smtp_enforce_tls = yes\` with the default \`smtp_tls_enforce_peername = yes\` even asked for a verified server name. Only switches that ask for more than the level gives are reported; one asking for less loses nothing.`,
    fires: [
      {
        note: "The switch asks for verified TLS; the level set beside it only gives opportunistic TLS.",
        main: "smtp_enforce_tls = yes\nsmtp_tls_security_level = may\n",
      },
      {
        note: "A service's -o switch loses against the level in main.cf; the fix states the level it asked for.",
        main: "smtp_tls_security_level = may\n",
        master:
          "smtp      unix  -       -       y       -       -       smtp\n" +
          "secure    unix  -       -       y       -       -       smtp\n" +
          "  -o smtp_enforce_tls=yes\n",
        fixed: {
          master:
            "smtp      unix  -       -       y       -       -       smtp\n" +
            "secure    unix  -       -       y       -       -       smtp\n" +
            "  -o smtp_tls_security_level=verify\n",
        },
      },
      {
        note: "tlsproxy's client side has its own copies of the switches.",
        main: "tlsproxy_client_enforce_tls = yes\nsmtp_tls_security_level = may\n",
      },
    ],
    silent: [
      {
        note: "The switch and the level agree.",
        main: "smtp_use_tls = yes\nsmtp_tls_security_level = may\n",
      },
      {
        note: "The switch asks for less than the level gives.",
        main: "smtp_use_tls = no\nsmtp_tls_security_level = may\n",
      },
      {
        note: "A service sets its own level on purpose.",
        main: "smtp_use_tls = yes\n",
        master:
          "smtp      unix  -       -       y       -       -       smtp\n" +
          "plain     unix  -       -       y       -       -       smtp -o smtp_tls_security_level=none\n",
      },
    ],
    fix: "Offered only for a `-o` switch in master.cf when the level comes from main.cf or a default: the switch is replaced by `-o <prefix>_tls_security_level=<level it asked for>` on the same service. That raises the service's requirement to what the switch meant; at verify the service then needs trusted CAs (`smtp_tls_CAfile`), or every delivery is deferred. A switch in main.cf gets no fix: whether the level or the switch is right is your decision.",
  },
  *check(context) {
    const clients = clientsOf(context);
    const report = new Report();
    const checks: { scope: Scope; prefix: string }[] = clients.scopes.map((scope) => ({
      scope,
      prefix: scope.prefix,
    }));
    // tlsproxy's client role has its own copies (3.7 and later under these names).
    if (clients.known("tlsproxy_client_security_level")) {
      const tlsproxies: Scope[] = context.master
        ? context.services
            .filter((service) => service.command === "tlsproxy")
            .map((service) => ({ prefix: "smtp", service }))
        : [{ prefix: "smtp" }];
      for (const scope of tlsproxies) checks.push({ scope, prefix: "tlsproxy_client" });
    }
    for (const { scope, prefix } of checks) {
      const tlsproxy = prefix === "tlsproxy_client";
      const levelName = tlsproxy
        ? "tlsproxy_client_security_level"
        : `${prefix}_tls_security_level`;
      const level = norm(clients.value(scope, levelName));
      if (!KNOWN_LEVELS.has(level)) continue;
      const levelSource = clients.source(scope, levelName);
      // smtp's level from the compatibility_level default is P12's case.
      if (!levelSource && !tlsproxy) continue;
      const enforce = clients.source(scope, `${prefix}_enforce_tls`);
      const useTls = clients.source(scope, `${prefix}_use_tls`);
      let cause: SettingSource;
      let intended: string;
      if (enforce && isYes(enforce.setting.value.text)) {
        cause = enforce;
        intended =
          !tlsproxy && isYes(clients.value(scope, `${prefix}_tls_enforce_peername`))
            ? "verify"
            : "encrypt";
      } else if (useTls) {
        cause = useTls;
        intended = isYes(useTls.setting.value.text) ? "may" : "none";
      } else continue;
      if (intended === level) continue;
      // A level set for one service on purpose overrides a global legacy switch.
      if (cause.file === "main" && levelSource?.file === "master") continue;
      // Only a requirement that the level drops is lost; a switch asking for less loses nothing.
      if (strength(intended) <= strength(level)) continue;
      let fix: Fix | undefined;
      if (cause.file === "master" && levelSource?.file !== "master") {
        const newText = `${levelName}=${intended}`;
        fix = {
          title: `Replace with -o ${newText}`,
          edits: [{ ...settingSpan(cause.setting), newText }],
        };
      }
      const levelOrigin = levelSource
        ? `set ${origin(levelSource)}`
        : tlsproxy
          ? "taken from smtp_tls_security_level"
          : "the default";
      const instead =
        cause.file === "master"
          ? `-o ${levelName}=${intended} on this service`
          : `${levelName} = ${intended}`;
      // global_tls_level(): enforce_tls with enforce_peername (default yes) means verify.
      const peername =
        intended === "verify"
          ? ` With ${cause.setting.name.text} = yes, ${prefix}_tls_enforce_peername = yes (its default) also asked for a verified server name, which level ${level} does not check.`
          : "";
      report.onSetting(
        cause,
        [scope],
        (where) =>
          `${written(cause)} asks for level ${intended}, which ${levelName} = ${level} overrides. ` +
          `That level is ${levelOrigin}. ` +
          `A non-empty level always wins over ${cause.setting.name.text}, so ` +
          (tlsproxy
            ? `tlsproxy prepares its client side for level ${level}`
            : levelEffect(where, level)) +
          `.${peername} If you need ${intended}, set ${instead}${intended === "verify" ? ` (it needs trusted CAs, e.g. ${prefix}_tls_CAfile)` : ""}; otherwise remove ${cause.setting.name.text}.`,
        fix,
      );
    }
    yield* report.findings();
  },
});
