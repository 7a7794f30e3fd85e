import { relayControlFacts } from "../../data/restrictions";
import { bracedWords } from "../../parser/bracedWords";
import { parseCompatibilityLevel } from "../../parser/expansion";
import type { RuleContext } from "../context";
import { fileText, newlineOf } from "../edits";
import type { Fix } from "../findings";
import { defineRule } from "../rule";
import {
  type SmtpdScope,
  hasRelayControl,
  listLocation,
  perLocation,
  servicesLabel,
  smtpdScopes,
} from "./shared";

export default defineRule({
  meta: {
    id: "no-relay-control",
    severity: "error",
    description:
      "No restriction list holds reject_unauth_destination or another relay control; smtpd refuses to start.",
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: "smtpd checks at start-up that relaying is controlled: smtpd_relay_restrictions or smtpd_recipient_restrictions (before Postfix 2.10, smtpd_recipient_restrictions alone) must hold `reject_unauth_destination`, `defer_unauth_destination`, `reject`, `defer`, `defer_if_permit` or `check_relay_domains`, directly or in a restriction class. Since 2.10 an item after an unconditional `permit`, or right after `warn_if_reject`, does not count. Without one, every smtpd process stops with a fatal error and no mail is received. `postconf` does not check this. When neither list nor compatibility_level is set, the file is taken as a fragment and not judged: installers write compatibility_level into every main.cf since 3.0.",
    fires: [
      {
        note: "Below compatibility level 1 the default smtpd_relay_restrictions is empty.",
        main: "compatibility_level = 0\n",
        fixed: {
          main: "compatibility_level = 0\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination\n",
        },
      },
      {
        note: "Both lists lack a relay control.",
        main: "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated\nsmtpd_recipient_restrictions = reject_unlisted_recipient\n",
        fixed: {
          main: "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_recipient_restrictions = reject_unlisted_recipient\n",
        },
      },
      {
        note: "The relay control stands after an unconditional permit.",
        main: "smtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination\n",
      },
      {
        note: "Before 2.10 only smtpd_recipient_restrictions counts.",
        version: "2.9",
        main: "smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated\n",
      },
      {
        note: "A submission service empties both lists with -o.",
        master:
          "submission inet n - n - - smtpd\n  -o smtpd_relay_restrictions=permit_sasl_authenticated\n  -o smtpd_recipient_restrictions=\n",
        fixed: {
          master:
            "submission inet n - n - - smtpd\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination\n  -o smtpd_recipient_restrictions=\n",
        },
      },
    ],
    silent: [
      {
        note: "A fragment: neither the lists nor compatibility_level are set for the smtp service.",
        main: "myhostname = mail.example.com\n",
        master:
          "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject\n",
      },
      {
        note: "The defaults at compatibility level 1 or later.",
        main: "compatibility_level = 3.6\n",
      },
      {
        main: "smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n",
      },
      {
        note: "In a restriction class.",
        main: "smtpd_restriction_classes = relay_control\nrelay_control = reject_unauth_destination\nsmtpd_relay_restrictions = permit_mynetworks, relay_control\n",
      },
    ],
    fix: "Adds `reject_unauth_destination` at the end of the list the finding is on, so mail to other domains is refused unless an earlier item permits it (mynetworks, logged-in clients, an access table). When smtpd_relay_restrictions is unset and its default is empty (compatibility_level below 1), it sets smtpd_relay_restrictions to the default of later levels instead: `permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination`. Not offered when the list holds an unconditional `permit` or ends with `warn_if_reject` (the added item would not count), or is a master.cf value with braces. Either way smtpd starts again and refuses more than before, never less.",
  },
  *check(context) {
    const facts = relayControlFacts(context.version);
    // A malformed level stops Postfix first (compatibility-level); the defaults are unknown then.
    const level = context.valueOf("compatibility_level").trim();
    if (level !== "" && parseCompatibilityLevel(level) === undefined) return;
    // With neither a list nor compatibility_level set for a service, this is most likely
    // a fragment (installers write compatibility_level into every 3.x main.cf): not judged.
    const judged = (scope: SmtpdScope) =>
      context.isSet("compatibility_level") ||
      facts.lists.some((list) => context.isSet(list, scope.service));
    const missing = smtpdScopes(context).filter(
      (scope) => judged(scope) && !hasRelayControl(context, scope),
    );
    const groups = perLocation(
      missing.map((scope) => ({
        // The list that is set (the one to correct), else the first.
        location: listLocation(
          context,
          facts.lists.find((list) => context.isSet(list, scope.service)) ?? facts.lists[0],
          scope,
        ),
        scope,
        data: undefined,
      })),
    );
    const names = facts.names.join(", ");
    const lists = facts.lists.join(" or ");
    for (const { location, scopes } of groups) {
      // Below compatibility level 1 the release's default relay list is empty.
      const emptyDefault =
        facts.lists.includes("smtpd_relay_restrictions") &&
        !context.isSet("smtpd_relay_restrictions", scopes[0].service) &&
        context.valueOf("smtpd_relay_restrictions", scopes[0].service).trim() === "";
      const fix = emptyDefault
        ? "Set compatibility_level (e.g. 3.6), whose default smtpd_relay_restrictions ends with defer_unauth_destination, or add reject_unauth_destination yourself."
        : "Add reject_unauth_destination after the permit_* items of smtpd_relay_restrictions.";
      const why = emptyDefault
        ? " smtpd_relay_restrictions is not set, and with compatibility_level below 1 its default is empty."
        : "";
      const repair = emptyDefault
        ? addDefaultRelayList(context, location)
        : appendRelayControl(context, location);
      yield {
        ...location,
        message: `smtpd stops at start-up for ${servicesLabel(scopes)}: ${lists} must hold one of ${names}, and none does.${why} smtpd requires a list that refuses relaying by default and logs a fatal error without one, so no mail is received. ${fix}`,
        ...(repair && { fix: repair }),
      };
    }
  },
});

type Location = { file: "main" | "master"; start: number; end: number };

/** The 2.10+ default relay list as a main.cf line at the end, when the finding is on main.cf. */
function addDefaultRelayList(context: RuleContext, location: Location): Fix | undefined {
  if (location.file !== "main" || context.isSet("smtpd_relay_restrictions")) return undefined;
  const text = fileText(context, "main");
  const newline = newlineOf(text);
  const line =
    "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination";
  const before = text === "" || text.endsWith("\n") ? "" : newline;
  return {
    title: "Set smtpd_relay_restrictions to the default of compatibility level 1 and later",
    edits: [{ start: text.length, end: text.length, newText: `${before}${line}${newline}` }],
  };
}

/** reject_unauth_destination at the end of the list the finding is on, where it counts. */
function appendRelayControl(context: RuleContext, location: Location): Fix | undefined {
  const value = fileText(context, location.file).slice(location.start, location.end);
  const placed = context.settings.find(
    ({ file, setting }) => file === location.file && setting.value.start === location.start,
  );
  if (!placed || placed.setting.value.end !== location.end) return undefined;
  const words = bracedWords(value).map((word) => word.toLowerCase());
  // After an unconditional permit, or right after warn_if_reject, the item would not count.
  if (words.includes("permit") || words.at(-1) === "warn_if_reject") return undefined;
  if (location.file === "master" && /[\s{}]/.test(value)) return undefined;
  const separator = value === "" ? "" : location.file === "main" ? ", " : ",";
  return {
    title: `Add reject_unauth_destination to ${placed.setting.name.text}`,
    edits: [
      {
        start: location.end,
        end: location.end,
        newText: `${separator}reject_unauth_destination`,
      },
    ],
  };
}
