// Restriction lists: the parser (names with their arguments, tables, classes),
// the generated facts, and hover and completion of restriction items.

import { describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver-types";
import { parseRestrictionList } from "../../server/src/service/analysis/restrictions";
import { doComplete } from "../../server/src/service/completion";
import { SUPPORTED_VERSIONS } from "../../server/src/service/data/parameters";
import {
  relayControlFacts,
  restrictionFacts,
  restrictionNames,
  restrictionReplacement,
} from "../../server/src/service/data/restrictions";
import { restrictionKeyword, valuesOfKind } from "../../server/src/service/data/valueSets";
import { doHover } from "../../server/src/service/hover";
import type { ConfigKind } from "../../server/src/service/parser/document";
import { atCursor } from "../support/cursor";

const items = (text: string, version = "3.7", classes: string[] = []) =>
  parseRestrictionList(text, version, (name) => classes.includes(name)).map((item) => ({
    kind: item.kind,
    word: item.word.text,
    argument: "argument" in item ? item.argument?.text : undefined,
  }));

describe("restriction list parser", () => {
  it("pairs check_*_access, DNS lists, policy services and sleep with their arguments", () => {
    expect(
      items(
        "permit_mynetworks, check_client_access hash:/etc/postfix/access reject_rbl_client zen.spamhaus.org=127.0.0.2, check_policy_service unix:private/policy sleep 5",
      ),
    ).toEqual([
      { kind: "restriction", word: "permit_mynetworks", argument: undefined },
      { kind: "restriction", word: "check_client_access", argument: "hash:/etc/postfix/access" },
      { kind: "restriction", word: "reject_rbl_client", argument: "zen.spamhaus.org=127.0.0.2" },
      { kind: "restriction", word: "check_policy_service", argument: "unix:private/policy" },
      { kind: "restriction", word: "sleep", argument: "5" },
    ]);
  });

  it("keeps {} groups whole, and reads bare tables, classes and unknown names", () => {
    expect(
      items("inline:{ a=OK, b=REJECT }, my_class, permit_mynetwork", "3.7", ["my_class"]),
    ).toEqual([
      { kind: "table", word: "inline:{ a=OK, b=REJECT }", argument: undefined },
      { kind: "class", word: "my_class", argument: undefined },
      { kind: "unknown", word: "permit_mynetwork", argument: undefined },
    ]);
  });

  it("reports a check_*_access without a table, consuming the next word as smtpd does", () => {
    expect(items("check_sender_access reject_unauth_destination, permit")).toEqual([
      { kind: "missing-argument", word: "check_sender_access", argument: undefined },
      { kind: "restriction", word: "permit", argument: undefined },
    ]);
    expect(items("reject_rbl_client")).toEqual([
      { kind: "missing-argument", word: "reject_rbl_client", argument: undefined },
    ]);
  });

  it("compares names ignoring case, and knows which release has them", () => {
    expect(items("PERMIT_MYNETWORKS")[0].kind).toBe("restriction");
    expect(items("defer_unauth_destination", "2.9")[0].kind).toBe("unknown");
    expect(items("defer_unauth_destination", "2.10")[0].kind).toBe("restriction");
  });

  it("gives offsets into the list text, across continuation lines and tabs", () => {
    const text = "permit_mynetworks,\n\treject_unauth_destination";
    const [first, second] = parseRestrictionList(text, "3.7", () => false);
    expect(text.slice(first.word.start, first.word.end)).toBe("permit_mynetworks");
    expect(text.slice(second.word.start, second.word.end)).toBe("reject_unauth_destination");
  });
});

describe("restriction facts from the Postfix source", () => {
  it("list the relay controls smtpd requires at start-up, per release", () => {
    expect(relayControlFacts("2.9")).toMatchObject({
      lists: ["smtpd_recipient_restrictions"],
      permitEnds: false,
      ignoresCase: false,
    });
    const current = relayControlFacts("3.7");
    expect(current.lists).toEqual(["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]);
    expect(current.names).toContain("defer_unauth_destination");
    expect(current.permitEnds).toBe(true);
  });

  it("agree with the completion data on release and argument of every documented name", () => {
    for (const version of SUPPORTED_VERSIONS) {
      const known = new Set(restrictionNames(version));
      for (const choice of valuesOfKind("restrictions", version)) {
        expect(known.has(choice.value), `${choice.value} in ${version}`).toBe(true);
        const facts = restrictionFacts(choice.value, version)!;
        expect(Boolean(choice.argument), `${choice.value} argument`).toBe(Boolean(facts.argument));
      }
    }
  });

  it("name the replacement of old spellings and deprecated names", () => {
    expect(restrictionReplacement("reject_unknown_client", "3.7")).toEqual([
      "reject_unknown_client_hostname",
    ]);
    expect(restrictionReplacement("reject_unknown_client", "2.2")).toBeUndefined();
    expect(restrictionReplacement("permit_mx_backup", "3.8")).toBeUndefined();
    expect(restrictionReplacement("permit_mx_backup", "3.9")).toBeDefined();
    expect(restrictionReplacement("reject_unknown_client_hostname", "3.7")).toBeUndefined();
  });
});

function hover(kind: ConfigKind, marked: string, version = "3.7") {
  const { config, index, position } = atCursor(kind, marked);
  const result = doHover(config, index, position, { version });
  return result ? (result.contents as MarkupContent).value : undefined;
}

describe("hover on restriction items", () => {
  it("explains the restriction, its argument and the data it looks at", () => {
    const text = hover("main", "smtpd_sender_restrictions = check_sender_ac█cess hash:/x\n")!;
    expect(text).toContain("**check_sender_access** (smtpd restriction)");
    expect(text).toContain(restrictionKeyword("check_sender_access")!.detail);
    expect(text).toContain("lookup table");
    expect(text).toContain("MAIL FROM address");
  });

  it("says when a restriction cannot work in the list it stands in", () => {
    expect(hover("main", "smtpd_etrn_restrictions = reject_unauth_dest█ination\n")).toContain(
      "does nothing here",
    );
    expect(hover("main", "smtpd_client_restrictions = reject_unauth_dest█ination\n")).toContain(
      "smtpd_delay_reject = yes",
    );
  });

  it("works in -o overrides and in restriction classes, and names replacements", () => {
    expect(
      hover(
        "master",
        "smtp inet n - n - - smtpd -o smtpd_client_restrictions=reject_unknown_cli█ent\n",
      ),
    ).toContain("use `reject_unknown_client_hostname`");
    expect(
      hover("main", "smtpd_restriction_classes = strict\nstrict = reject_non_fqdn_se█nder\n"),
    ).toContain("**reject_non_fqdn_sender**");
  });

  it("says which releases know a name the configured release lacks", () => {
    expect(
      hover("main", "smtpd_recipient_restrictions = defer_unauth_destina█tion\n", "2.9"),
    ).toContain("Postfix 2.10 and later");
  });
});

function labels(marked: string) {
  const { config, index, position } = atCursor("main", marked);
  return doComplete(config, index, position, { version: "3.7" }).items.map((item) => item.label);
}

describe("completion of restriction items by stage", () => {
  it("offers recipient checks in client restrictions only with smtpd_delay_reject = yes", () => {
    expect(labels("smtpd_client_restrictions = █")).toContain("reject_unauth_destination");
    const early = labels("smtpd_delay_reject = no\nsmtpd_client_restrictions = █");
    expect(early).not.toContain("reject_unauth_destination");
    expect(early).not.toContain("check_helo_access");
    expect(early).toContain("check_client_access");
  });

  it("offers ETRN checks only in the ETRN list", () => {
    expect(labels("smtpd_etrn_restrictions = █")).toContain("check_etrn_access");
    expect(labels("smtpd_etrn_restrictions = █")).not.toContain("check_sender_access");
    expect(labels("smtpd_recipient_restrictions = █")).not.toContain("check_etrn_access");
  });
});
