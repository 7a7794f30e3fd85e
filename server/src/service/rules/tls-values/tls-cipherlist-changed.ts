import { defaultValue } from "../../data/parameters";
import { excerpt } from "../../text/excerpt";
import { defineRule } from "../rule";
import { finding, literalSettings, removeSetting } from "./shared";

const CIPHERLIST_PARAMETER = /^tls_(high|medium|null)_cipherlist$/;

/** The list's items joined one way, so that separators do not count as a change. */
const normal = (value: string) =>
  value
    .split(/[\s,:]+/)
    .filter(Boolean)
    .join(":");

export default defineRule({
  meta: {
    id: "tls-cipherlist-changed",
    severity: "warning",
    description:
      "tls_high_cipherlist, tls_medium_cipherlist or tls_null_cipherlist changed from the built-in value.",
    pitfalls: ["P20"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "These three parameters define what the high, medium and null grades mean for every service at once. Postfix adjusts the built-in lists between releases as OpenSSL changes; a list written by hand stays as it is and slowly falls behind, and a mistake in it affects all TLS of the system. Excluding ciphers with the *_exclude_ciphers parameters reaches the same goal without replacing the base list.",
    fires: [
      {
        main: "myhostname = mx.example\ntls_high_cipherlist = HIGH:!aNULL\nmydomain = example\n",
        fixed: { main: "myhostname = mx.example\nmydomain = example\n" },
      },
    ],
    silent: [
      {
        note: "The built-in value of the configured release, written out.",
        version: "3.7",
        main: "tls_null_cipherlist = eNULL:!aNULL\n",
      },
    ],
    fix: "Deletes the setting (the main.cf line, or the -o in master.cf), so the built-in list of the release applies. If the hand-made list removed ciphers on purpose, move those exclusions to the *_exclude_ciphers parameters first, or they are allowed again.",
  },
  *check(context) {
    for (const p of literalSettings(context, CIPHERLIST_PARAMETER)) {
      const builtIn = defaultValue(p.name, context.version);
      if (builtIn === undefined || normal(p.value) === normal(builtIn)) continue;
      const grade = CIPHERLIST_PARAMETER.exec(p.name)![1];
      const message =
        `${p.name} differs from its built-in value. It defines the "${excerpt(grade)}" grade for every service that uses that grade, ` +
        `and a hand-made list does not follow the improvements of later Postfix releases. ` +
        `Remove it, and leave out unwanted ciphers with the *_exclude_ciphers parameters instead.`;
      yield finding(
        p,
        p.setting.name,
        message,
        removeSetting(p, `Remove ${p.name} (use the built-in list)`),
      );
    }
  },
});
