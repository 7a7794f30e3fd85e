import { defineRule } from "../rule";
import {
  ByOrigin,
  type Scope,
  SERVER_LEVELS,
  type ServerTls,
  familyName,
  labels,
  onName,
  originOf,
  place,
  serverView,
  serviceOf,
  written,
  yes,
} from "./shared";

/** How much TLS a server state gives: 0 none, 1 offered, 2 required (an index into SERVER_LEVELS). */
const serverStrength = (state: Pick<ServerTls, "use" | "enforce">) =>
  state.enforce ? 2 : state.use ? 1 : 0;

export default defineRule({
  meta: {
    id: "tls-server-legacy-overridden",
    severity: "error",
    description:
      "smtpd_use_tls/smtpd_enforce_tls (or a postscreen/tlsproxy copy) asking for more TLS than the security level that overrides it.",
    pitfalls: ["P11"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd_use_tls and smtpd_enforce_tls are the old switches that smtpd_tls_security_level replaced. When the level is not empty it always wins, and the switches are ignored. A switch that asks for more than the level gives (`smtpd_enforce_tls = yes` next to level `may`) looks like TLS is required while it is not. A switch that asks for less loses nothing and is left to deprecated-parameter.",
    fires: [
      {
        note: "An -o on submission; the fix writes the level it asks for.",
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_enforce_tls=yes\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: {
          master:
            "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        },
      },
      {
        note: "TLS is asked for, but the level turns it off.",
        main: "smtpd_tls_security_level = none\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_use_tls = yes\n",
      },
    ],
    silent: [
      {
        note: "The level gives more than the switch asks for.",
        main: "smtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_use_tls = yes\n",
      },
      {
        main: "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/postfix/key-and-chain.pem\nsmtpd_use_tls = yes\n",
      },
    ],
    fix: "Offered for an `-o` switch on a service that does not set its own level: it replaces the switch with `-o …_tls_security_level=<the level it asked for>`, so the service gets what the switch seemed to promise. Requiring TLS (`encrypt`) refuses clients without TLS; on a public port 25 service remove the switch instead.",
  },
  *check(context) {
    const { scopes, tls } = serverView(context);
    const overridden = new ByOrigin<{
      scope: Scope;
      levelName: string;
      level: string;
      wanted: string;
    }>();
    for (const scope of scopes) {
      const state = tls(scope);
      const levelName = familyName(context, scope.family, "smtpd_tls_security_level");
      if (state.wrapper || state.invalid || !levelName) continue;
      const level = context.valueOf(levelName, scope.service).trim().toLowerCase();
      if (!level) continue;
      const enforceName = familyName(context, scope.family, "smtpd_enforce_tls");
      const useName = familyName(context, scope.family, "smtpd_use_tls");
      const enforce = enforceName ? yes(context.valueOf(enforceName, scope.service)) : false;
      const use = useName ? yes(context.valueOf(useName, scope.service)) : false;
      const wanted = serverStrength({ use: use || enforce, enforce });
      if (wanted <= serverStrength(state)) continue;
      const decisive = originOf(context, enforce ? enforceName! : useName!, scope.service);
      if (!decisive) continue;
      // A level set for one service on purpose is not overridden by an old main.cf switch.
      const levelOrigin = originOf(context, levelName, scope.service);
      if (decisive.file === "main" && levelOrigin?.file === "master") continue;
      overridden.add(decisive, { scope, levelName, level, wanted: SERVER_LEVELS[wanted] });
    }
    for (const [source, items] of overridden) {
      const wanted = items[0].wanted;
      // The level parameter of the service the switch is on, or of the family its name belongs to.
      const service = serviceOf(context, source.setting);
      const own =
        items.find((item) => item.scope.service === service && service) ??
        items.find((item) => source.setting.name.text.startsWith(`${item.scope.family}_`)) ??
        items[0];
      const levels = [
        ...new Set(
          items.map((item) => {
            const levelSource = originOf(context, item.levelName, item.scope.service);
            return levelSource ? written(levelSource) : `${item.levelName} = ${item.level}`;
          }),
        ),
      ];
      const fix =
        source.file === "master" && service && !service.settings.has(own.levelName)
          ? {
              title: `Replace with -o ${own.levelName}=${wanted}`,
              edits: [
                {
                  start: source.setting.name.start,
                  end: source.setting.value.end,
                  newText: `${own.levelName}=${wanted}`,
                },
              ],
            }
          : undefined;
      yield onName(
        source,
        `${written(source)} ${place(context, source)} asks for TLS level ${wanted}, which ${levels.join(" and ")} overrides. ${labels(items.map((i) => i.scope))} ${items.length > 1 ? "run" : "runs"} with that level: a non-empty security level always wins over the old switch, so TLS is ${wanted === "encrypt" ? "not required there" : "off there"}. If ${wanted} is what you need, set ${own.levelName} = ${wanted} for ${items.length > 1 ? "those services" : "that service"}; otherwise remove this setting.`,
        fix,
      );
    }
  },
});
