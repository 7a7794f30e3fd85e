/**
 * Can a client from the Internet relay? smtpd's restriction lists evaluated for
 * the worst case we can decide from the files: a client outside mynetworks that
 * did not log in and has no client certificate, sending to a domain this server
 * does not handle. Each list ends at its first permit or reject; a reject in any
 * list refuses the recipient (generic_checks() and smtpd_check_rcpt() in
 * smtpd_check.c). What a lookup table or policy server answers is not known, so
 * a verdict that hinges on one says so.
 */

import { type Stage, dataAvailable } from "../../analysis/restrictions";
import type { RuleContext } from "../context";
import { perContext } from "../rule";
import { coversInternet, parseNetworks } from "./networks";
import {
  type PlacedItem,
  type SmtpdScope,
  delayReject,
  listItems,
  restrictionClasses,
  smtpdScopes,
} from "./shared";

export type Verdict =
  | { kind: "closed" }
  /** Relaying works: `by` is the permit that accepts it (undefined: nothing refuses). */
  | { kind: "open"; by?: PlacedItem; list: string }
  /** A table or policy server decides: it runs before the item that refuses. */
  | { kind: "depends"; on: PlacedItem; refusedBy: PlacedItem };

/** The lists evaluated for a recipient, each with its stage. */
const LISTS: [string, Stage][] = [
  ["smtpd_client_restrictions", "client"],
  ["smtpd_helo_restrictions", "helo"],
  ["smtpd_sender_restrictions", "sender"],
  ["smtpd_relay_restrictions", "recipient"],
  ["smtpd_recipient_restrictions", "recipient"],
];

/** Restrictions that refuse the outside client's foreign recipient. */
const REFUSING = new Set([
  "reject",
  "defer",
  "defer_if_permit",
  "reject_unauth_destination",
  "defer_unauth_destination",
  "check_relay_domains",
]);

interface ListOutcome {
  result: "permit" | "reject" | "dunno";
  item?: PlacedItem;
  /** The first table or policy lookup before the outcome. */
  dependsOn?: PlacedItem;
}

/** Whether mynetworks, as the scope's smtpd reads it, trusts most of the Internet. */
export function mynetworksCoversInternet(context: RuleContext, scope: SmtpdScope): boolean {
  // Unset, mynetworks follows mynetworks_style: this host's own networks.
  if (!context.isSet("mynetworks", scope.service)) return false;
  return coversInternet(parseNetworks(context.valueOf("mynetworks", scope.service))) !== undefined;
}

/** The verdict of every smtpd scope, computed once per configuration. */
const verdicts = perContext(
  (context) =>
    new Map(smtpdScopes(context).map((scope) => [scope, computeVerdict(context, scope)] as const)),
);

export function relayVerdict(context: RuleContext, scope: SmtpdScope): Verdict {
  return verdicts(context).get(scope) ?? computeVerdict(context, scope);
}

function computeVerdict(context: RuleContext, scope: SmtpdScope): Verdict {
  const delay = delayReject(context, scope);
  const trusted = mynetworksCoversInternet(context, scope);
  const classes = restrictionClasses(context, scope);
  const outcomes = LISTS.map(([list, stage]) => {
    const available = dataAvailable(stage, delay);
    // `soft`: after warn_if_reject before a class, the class's rejects are only logged.
    const evaluate = (items: PlacedItem[], depth: number, soft: boolean): ListOutcome => {
      let dependsOn: PlacedItem | undefined;
      let softened = false;
      for (const placed of items) {
        const outcome = itemOutcome(placed, depth, softened || soft);
        softened = outcome === "soften";
        if (outcome === "soften" || outcome === "dunno") continue;
        if (outcome === "depends") {
          dependsOn ??= placed;
          continue;
        }
        if (typeof outcome !== "string") {
          // A restriction class: its outcome ends this list too, unless it had none.
          dependsOn ??= outcome.dependsOn;
          if (outcome.result === "dunno") continue;
          return { ...outcome, dependsOn };
        }
        return { result: outcome, item: placed, dependsOn };
      }
      return { result: "dunno", dependsOn };
    };
    const itemOutcome = (
      placed: PlacedItem,
      depth: number,
      soft: boolean,
    ): "permit" | "reject" | "dunno" | "depends" | "soften" | ListOutcome => {
      const { item } = placed;
      switch (item.kind) {
        case "unknown":
        case "missing-argument":
          // smtpd answers with a server configuration error (451), even after warn_if_reject.
          return "reject";
        case "table":
          return "depends";
        case "class":
          // smtpd recurses without a limit; a loop would never end there either.
          if (depth > 20 || !classes.has(item.word.text)) return "dunno";
          return evaluate(listItems(context, item.word.text, scope), depth + 1, soft);
      }
      const { facts } = item;
      if (!available.has(facts.needs)) return "dunno";
      const name = facts.name;
      if (name === "warn_if_reject") return "soften";
      if (name === "permit") return "permit";
      if (REFUSING.has(name)) return soft ? "dunno" : "reject";
      if (name === "permit_mynetworks") return trusted ? "permit" : "dunno";
      if (facts.argument === "table" || name === "check_policy_service") return "depends";
      return "dunno";
    };
    return { list, outcome: evaluate(listItems(context, list, scope), 0, false) };
  });

  const refusals = outcomes.filter(({ outcome }) => outcome.result === "reject");
  if (refusals.some(({ outcome }) => !outcome.dependsOn)) return { kind: "closed" };
  if (refusals.length > 0) {
    const { outcome } = refusals[0];
    return { kind: "depends", on: outcome.dependsOn!, refusedBy: outcome.item! };
  }
  const permits = outcomes.filter(({ outcome }) => outcome.result === "permit");
  const deciding =
    permits.find(({ list }) => list === "smtpd_relay_restrictions") ??
    permits.find(({ list }) => list === "smtpd_recipient_restrictions") ??
    permits[0];
  if (deciding) return { kind: "open", by: deciding.outcome.item, list: deciding.list };
  return { kind: "open", list: "smtpd_relay_restrictions" };
}
