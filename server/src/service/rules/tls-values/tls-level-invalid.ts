import { TLS_CLIENT_LEVELS, TLS_SERVER_LEVELS } from "../../data/valueSets";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import {
  atLeast,
  choiceList,
  closest,
  enumerate,
  finding,
  literalSettings,
  programOf,
  replaceValue,
} from "./shared";

const LEVEL_PARAMETER =
  /^(?:(?:smtp|lmtp|smtpd|postscreen|tlsproxy)_tls_security_level|tlsproxy_client_(?:security_)?level)$/;
const CLIENT_LEVELS = TLS_CLIENT_LEVELS.map((level) => level.value);
const SERVER_LEVELS = TLS_SERVER_LEVELS.map((level) => level.value);
/** Levels added after the security_level parameters themselves. */
const LEVEL_SINCE: Record<string, string> = Object.fromEntries(
  [...TLS_CLIENT_LEVELS, ...TLS_SERVER_LEVELS].flatMap((level) =>
    level.since ? [[level.value, level.since]] : [],
  ),
);

export default defineRule({
  meta: {
    id: "tls-level-invalid",
    severity: "error",
    description: "A TLS security level that is no level at all; the service stops at start-up.",
    pitfalls: ["P06"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: `A TLS security level is one word from a fixed list, in any case. Any other word, or a level the configured release does not know yet, is fatal: the SMTP client, smtpd, postscreen or tlsproxy stops at start-up with "Invalid TLS level", so no mail goes through that service at all. The word "halfdane" appears in Postfix logs but is not a level you can set. Client-side levels on a server parameter are left to client-level-on-server.\n\nClient levels:\n\n${choiceList(TLS_CLIENT_LEVELS)}\n\nServer levels:\n\n${choiceList(TLS_SERVER_LEVELS)}`,
    fires: [
      {
        note: "A misspelt level.",
        main: "smtp_tls_security_level = verfy\n",
        fixed: { main: "smtp_tls_security_level = verify\n" },
      },
      { note: "A word that is no level.", main: "smtp_tls_security_level = mandatory\n" },
      {
        note: "dane came with Postfix 2.11.",
        version: "2.10",
        main: "smtp_tls_security_level = dane\n",
      },
    ],
    silent: [
      { main: "smtp_tls_security_level = DANE-only\nsmtpd_tls_security_level = may\n" },
      { main: "smtp_tls_security_level = dane\n", version: "2.11" },
    ],
    fix: "Replaces the value with the one level within two typing errors of it, when exactly one is that close. A corrected level may still not be the policy you want (may and encrypt differ in whether plaintext is allowed), so check it before you reload Postfix.",
  },
  *check(context) {
    for (const p of literalSettings(context, LEVEL_PARAMETER)) {
      const word = p.value.trim().toLowerCase();
      if (word === "") continue;
      const server = /^(smtpd|postscreen|tlsproxy_tls)_/.test(p.name);
      const program = programOf(p.name);
      const since = LEVEL_SINCE[word];
      if (CLIENT_LEVELS.includes(word)) {
        // Client levels on the server side are pitfall P32, checked elsewhere.
        if (server || !since || atLeast(context.version, since)) continue;
        yield finding(
          p,
          p.setting.value,
          `The "${excerpt(word)}" level needs Postfix ${since} or later; Postfix ${context.version} does not know it, and ${program} stops with "Invalid TLS level".`,
        );
        continue;
      }
      const valid = (server ? SERVER_LEVELS : CLIENT_LEVELS).filter(
        (level) => !LEVEL_SINCE[level] || atLeast(context.version, LEVEL_SINCE[level]),
      );
      const why =
        word === "halfdane"
          ? `"halfdane" appears in Postfix logs, but it cannot be configured`
          : `"${excerpt(p.value)}" is not a TLS security level`;
      const suggestion = closest(word, valid);
      yield finding(
        p,
        p.setting.value,
        `${why}: ${program} stops with "Invalid TLS level" instead of handling mail. Use ${enumerate(valid, "or")}.`,
        suggestion ? replaceValue(p, suggestion) : undefined,
      );
    }
  },
});
