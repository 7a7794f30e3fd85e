import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findingsOf } from "../support/ruleTester";

/**
 * The relay rules against a small reference evaluator written here from
 * Postfix's documented semantics (postconf(5), SMTPD_ACCESS_README), not from the
 * rules' code: for random restriction lists, smtpd's start-up check and the
 * verdict for an unauthenticated client from the Internet sending to a foreign
 * domain must agree with what the rules report.
 *
 * Documented semantics used:
 * - Each list is read left to right and ends at the first restriction that
 *   permits or rejects; a reject in any list refuses the recipient, a permit ends
 *   only its own list. With smtpd_delay_reject = yes (default) the client, HELO
 *   and sender lists run when the recipient is known; with "no", the client list
 *   runs at connect (no sender, no recipient) and the sender list at MAIL FROM
 *   (no recipient); a restriction without the data it needs does nothing.
 * - warn_if_reject makes the next restriction only log a reject.
 * - defer_if_permit, reject, defer, reject_unauth_destination and
 *   defer_unauth_destination refuse this client's foreign recipient.
 * - permit_mynetworks permits every client when mynetworks is 0.0.0.0/0;
 *   with 127.0.0.0/8, it, permit_sasl_authenticated, permit_tls_clientcerts and
 *   permit_auth_destination do not apply to it; reject_rbl_client and the other
 *   reject_* checks may let it pass, so they refuse nothing for sure.
 * - An access table answers what its contents say: unknown here.
 * - A restriction class is evaluated like its list written in place.
 * - Start-up (2.10 and later): smtpd_relay_restrictions or
 *   smtpd_recipient_restrictions must name reject_unauth_destination,
 *   defer_unauth_destination, reject, defer, defer_if_permit or
 *   check_relay_domains, looking into classes, not counting the item right
 *   after warn_if_reject nor anything after a plain permit.
 */

const NEEDS: Record<string, "client" | "sender" | "recipient"> = {
  reject_unauth_destination: "recipient",
  defer_unauth_destination: "recipient",
  permit_auth_destination: "recipient",
  reject_non_fqdn_sender: "sender",
  "check_sender_access hash:/etc/postfix/senders": "sender",
  "check_recipient_access hash:/etc/postfix/recipients": "recipient",
};
const REFUSE = [
  "reject",
  "defer",
  "defer_if_permit",
  "reject_unauth_destination",
  "defer_unauth_destination",
];
const NOT_THIS_CLIENT = [
  "permit_mynetworks",
  "permit_sasl_authenticated",
  "permit_tls_clientcerts",
  "permit_auth_destination",
  "reject_rbl_client zen.example.org",
  "reject_non_fqdn_sender",
  "reject_unknown_client_hostname",
];
const TABLES = [
  "check_client_access cidr:/etc/postfix/clients",
  "check_sender_access hash:/etc/postfix/senders",
  "check_recipient_access hash:/etc/postfix/recipients",
];

type Result = "permit" | "refuse" | "none";

/** One list: its result with every table answering "no opinion", and whether a table came first. */
function walk(
  items: string[],
  has: (needs: string) => boolean,
  classes: Record<string, string[]>,
  wide: boolean,
  onlyLog = false,
): { result: Result; tableFirst: boolean } {
  const permits = (item: string | undefined) =>
    item === "permit" || (wide && item === "permit_mynetworks");
  let tableSeen = false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === "warn_if_reject") {
      // The next restriction cannot refuse (for a class: nothing in it); a permit still permits.
      const next = items[i + 1];
      i++;
      if (permits(next)) return { result: "permit", tableFirst: tableSeen };
      if (next && TABLES.includes(next) && has(NEEDS[next] ?? "client")) tableSeen = true;
      if (next && classes[next]) {
        const inner = walk(classes[next], has, classes, wide, true);
        tableSeen ||= inner.tableFirst;
        if (inner.result !== "none") return { result: inner.result, tableFirst: tableSeen };
      }
      continue;
    }
    if (classes[item]) {
      const inner = walk(classes[item], has, classes, wide, onlyLog);
      tableSeen ||= inner.tableFirst;
      if (inner.result !== "none") return { result: inner.result, tableFirst: tableSeen };
      continue;
    }
    if (!has(NEEDS[item] ?? "client")) continue;
    if (permits(item)) return { result: "permit", tableFirst: tableSeen };
    if (REFUSE.includes(item) && !onlyLog) return { result: "refuse", tableFirst: tableSeen };
    if (TABLES.includes(item)) tableSeen = true;
  }
  return { result: "none", tableFirst: tableSeen };
}

interface Lists {
  client: string[];
  sender: string[];
  relay: string[];
  recipient: string[];
  cls: string[];
  delayReject: boolean;
  wideMynetworks: boolean;
}

function referenceVerdict(lists: Lists): "open" | "closed" | "depends" {
  const classes = { cls: lists.cls };
  const stages: [string[], string[]][] = [
    [lists.client, lists.delayReject ? ["client", "sender", "recipient"] : ["client"]],
    [lists.sender, lists.delayReject ? ["client", "sender", "recipient"] : ["client", "sender"]],
    [lists.relay, ["client", "sender", "recipient"]],
    [lists.recipient, ["client", "sender", "recipient"]],
  ];
  const results = stages.map(([items, data]) =>
    walk(items, (needs) => data.includes(needs), classes, lists.wideMynetworks),
  );
  const refusals = results.filter(({ result }) => result === "refuse");
  if (refusals.some(({ tableFirst }) => !tableFirst)) return "closed";
  return refusals.length > 0 ? "depends" : "open";
}

function referenceStartsUp(lists: Lists): boolean {
  const required = [
    "reject_unauth_destination",
    "defer_unauth_destination",
    "reject",
    "defer",
    "defer_if_permit",
    "check_relay_domains",
  ];
  const holds = (items: string[]): boolean => {
    // Arguments are separate words for smtpd's check, as in the list itself.
    const words = items.flatMap((item) => item.split(" "));
    for (let i = 0; i < words.length; i++) {
      if (words[i] === "warn_if_reject" && i + 1 < words.length) {
        i++;
        continue;
      }
      if (words[i] === "permit") return false;
      if (required.includes(words[i])) return true;
      if (words[i] === "cls" && holds(lists.cls)) return true;
    }
    return false;
  };
  return holds(lists.relay) || holds(lists.recipient);
}

/** Items weighted so that every verdict (and the start-up failure) comes up often. */
const item = (withClass: boolean) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...REFUSE), weight: 2 },
    { arbitrary: fc.constantFrom(...NOT_THIS_CLIENT), weight: 3 },
    { arbitrary: fc.constantFrom(...TABLES), weight: 2 },
    { arbitrary: fc.constantFrom("permit", "warn_if_reject"), weight: 2 },
    { arbitrary: fc.constant(withClass ? "cls" : "permit"), weight: 2 },
  );
const list = (withClass: boolean) => fc.array(item(withClass), { maxLength: 5 });

const configs = fc.record({
  client: list(true),
  sender: list(true),
  relay: list(true),
  recipient: list(true),
  cls: list(false),
  delayReject: fc.boolean(),
  wideMynetworks: fc.boolean(),
});

function mainCf(lists: Lists): string {
  return [
    "compatibility_level = 3.6",
    `mynetworks = ${lists.wideMynetworks ? "0.0.0.0/0" : "127.0.0.0/8"}`,
    `smtpd_delay_reject = ${lists.delayReject ? "yes" : "no"}`,
    "smtpd_restriction_classes = cls",
    `cls = ${lists.cls.join(", ") || "permit_mynetworks"}`,
    `smtpd_client_restrictions = ${lists.client.join(", ")}`,
    `smtpd_sender_restrictions = ${lists.sender.join(", ")}`,
    `smtpd_relay_restrictions = ${lists.relay.join(", ")}`,
    `smtpd_recipient_restrictions = ${lists.recipient.join(", ")}`,
    "",
  ].join("\n");
}

const fires = (rule: string, main: string) => findingsOf(rule, { main, version: "3.7" }).length > 0;

describe("open relay verdicts agree with a reference evaluator", () => {
  it("on random restriction lists", () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(configs, (generated) => {
        // An empty class definition is replaced in main.cf; the reference sees the same.
        const lists = {
          ...generated,
          cls: generated.cls.length ? generated.cls : ["permit_mynetworks"],
        };
        const main = mainCf(lists);
        const startsUp = referenceStartsUp(lists);
        expect(fires("no-relay-control", main), main).toBe(!startsUp);
        const verdict = startsUp ? referenceVerdict(lists) : "not started";
        seen.set(verdict, (seen.get(verdict) ?? 0) + 1);
        // An open relay through mynetworks is reported at mynetworks instead.
        const open = fires("open-relay", main) || fires("mynetworks-internet", main);
        expect(open, main).toBe(verdict === "open");
        expect(fires("relay-depends-on-table", main), main).toBe(verdict === "depends");
      }),
      { numRuns: 600, seed: 1414 },
    );
    // The generator must reach every outcome, or the agreement proves little.
    for (const verdict of ["closed", "open", "depends", "not started"])
      expect(seen.get(verdict) ?? 0, verdict).toBeGreaterThan(5);
  });
});
