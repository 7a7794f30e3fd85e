// Issue #14 part 5: where Postfix listens (analysis/listeners.ts), mail loops
// (relayhost-is-self, mydestination-without-myhostname), restriction classes
// nothing names, and postscreen's access list and DNS list sites.

import { describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver-types";
import {
  hostPort,
  isLoopbackHost,
  isOwnHost,
  ownSmtpListeners,
  portNumber,
} from "../../server/src/service/analysis/listeners";
import { doComplete } from "../../server/src/service/completion";
import { doHover } from "../../server/src/service/hover";
import { parseConfig } from "../../server/src/service/parser/document";
import { createRuleContext } from "../../server/src/service/rules/context";
import { dnsblSiteProblem } from "../../server/src/service/rules/relay/postscreen-dnsbl-site-invalid";
import { atCursor } from "../support/cursor";
import { findingsOf } from "../support/ruleTester";

const contextOf = (main: string, master?: string) =>
  createRuleContext(
    parseConfig("main", main),
    master === undefined ? undefined : parseConfig("master", master),
    "3.7",
  );

const messages = (rule: string, main: string, master?: string) =>
  findingsOf(rule, { main, master }).map(({ diagnostic }) => diagnostic.message);

describe("listeners: where Postfix listens and what is its own", () => {
  it("parses inet service names as master does, and knows loopback", () => {
    expect(hostPort("127.0.0.1:10025")).toEqual({
      host: "127.0.0.1",
      port: "10025",
      hostGiven: true,
    });
    expect(hostPort("[ipv6:::1]:smtp")).toEqual({ host: "::1", port: "smtp", hostGiven: true });
    expect(hostPort("smtp")).toEqual({ host: "", port: "smtp", hostGiven: false });
    expect(hostPort("[192.0.2.1")).toEqual({ error: 'missing "]"' });
    expect(
      ["127.0.0.2", "[::1]", "LOCALHOST", "loopback-only", "::ffff:127.0.0.1"].every(
        isLoopbackHost,
      ),
    ).toBe(true);
    expect(["192.0.2.1", "all", "::2"].some(isLoopbackHost)).toBe(false);
    expect([
      portNumber("smtp"),
      portNumber("Submission"),
      portNumber("10025"),
      portNumber("foo"),
    ]).toEqual([25, 587, 10025, undefined]);
  });

  it("counts the loopback interface as its own only where inet_interfaces listens on it", () => {
    expect(isOwnHost(contextOf(""), "127.0.0.1")).toBe(true);
    expect(isOwnHost(contextOf(""), "localhost")).toBe(true);
    // 127.0.0.2 is routed to loopback but is no interface address.
    expect(isOwnHost(contextOf(""), "127.0.0.2")).toBe(false);
    expect(isOwnHost(contextOf("inet_interfaces = loopback-only\n"), "[::1]")).toBe(true);
    expect(isOwnHost(contextOf("inet_interfaces = 192.0.2.10\n"), "127.0.0.1")).toBe(false);
    expect(isOwnHost(contextOf("inet_interfaces = 192.0.2.10\n"), "192.0.2.10")).toBe(true);
    expect(isOwnHost(contextOf("inet_interfaces = 127.0.0.1\n"), "localhost")).toBe(true);
    expect(isOwnHost(contextOf("proxy_interfaces = 198.51.100.7\n"), "198.51.100.7")).toBe(true);
    expect(isOwnHost(contextOf("myhostname = MX.example.com\n"), "mx.example.com")).toBe(true);
    // Without myhostname in main.cf its value is the host's, unknown here.
    expect(isOwnHost(contextOf(""), "mx.example.com")).toBe(false);
    // A service can only bind an interface address, which inet_interfaces = all includes.
    expect(isOwnHost(contextOf("", "192.0.2.5:smtp inet n - y - - smtpd\n"), "192.0.2.5")).toBe(
      true,
    );
  });

  it("finds this server's own smtpd or postscreen listening at a host and port", () => {
    const master =
      "smtp inet n - y - 1 postscreen\n127.0.0.1:10025 inet n - n - - smtpd\n2525 inet n - n - - smtpd\n10026 inet n - n - - qmqpd\n";
    const context = contextOf("", master);
    const names = (host: string, port: number) =>
      ownSmtpListeners(context, host, port).map((service) => service.name);
    expect(names("127.0.0.1", 10025)).toEqual(["127.0.0.1:10025"]);
    expect(names("localhost", 10025)).toEqual(["127.0.0.1:10025"]);
    expect(names("127.0.0.1", 2525)).toEqual(["2525"]);
    expect(names("127.0.0.1", 25)).toEqual(["smtp"]);
    expect(names("192.0.2.1", 2525)).toEqual([]);
    expect(names("127.0.0.1", 10026)).toEqual([]);
  });
});

describe("relayhost-is-self", () => {
  const SMTP = "smtp inet n - y - - smtpd\nsmtp unix - - y - - smtp\nrelay unix - - y - - smtp\n";

  it("says the relayhost mail stays deferred and a transport's next hop bounces", () => {
    expect(messages("relayhost-is-self", "relayhost = [127.0.0.1]\n")).toEqual([
      expect.stringContaining("keeps the mail deferred"),
    ]);
    expect(messages("relayhost-is-self", "default_transport = smtp:[localhost]:smtp\n")).toEqual([
      expect.stringContaining("bounces the mail"),
    ]);
  });

  it("checks every destination of a relayhost list and relay_transport when relay_domains is set", () => {
    expect(messages("relayhost-is-self", "relayhost = [smtp.example.net], [::1]\n")).toHaveLength(
      1,
    );
    const relay = "relay_domains = example.org\nrelay_transport = relay:[127.0.0.1]\n";
    expect(messages("relayhost-is-self", relay)).toHaveLength(1);
    // Without relay domains relay_transport carries no mail.
    expect(messages("relayhost-is-self", "relay_transport = relay:[127.0.0.1]\n")).toEqual([]);
  });

  it("stays silent for LMTP, other ports without a listener, and other hosts' names", () => {
    const lmtp = "smtp inet n - y - - smtpd\nlmtp unix - - y - - lmtp\n";
    expect(messages("relayhost-is-self", "default_transport = lmtp:[127.0.0.1]\n", lmtp)).toEqual(
      [],
    );
    expect(messages("relayhost-is-self", "relayhost = [127.0.0.1]:10024\n", SMTP)).toEqual([]);
    expect(
      messages("relayhost-is-self", "myhostname = a.example.com\nrelayhost = b.example.com\n"),
    ).toEqual([]);
    // Without master.cf a port other than 25 cannot be judged.
    expect(messages("relayhost-is-self", "relayhost = [127.0.0.1]:10025\n")).toEqual([]);
  });

  it("finds the own smtpd on another port, bound to no address of its own", () => {
    expect(
      messages(
        "relayhost-is-self",
        "relayhost = [127.0.0.1]:2525\n",
        `${SMTP}2525 inet n - n - - smtpd\n`,
      ),
    ).toEqual([expect.stringContaining("the 2525 service")]);
  });
});

describe("mydestination-without-myhostname", () => {
  const base = "myhostname = mail.example.com\nmydestination = localhost\n";
  const rule = "mydestination-without-myhostname";

  it("fires on the mydestination setting and names the host", () => {
    const found = findingsOf(rule, { main: base });
    expect(found).toHaveLength(1);
    expect(found[0].diagnostic.range.start.line).toBe(1);
    expect(found[0].diagnostic.message).toMatch(
      /^Mail for mail\.example\.com, this host's own name/,
    );
  });

  it("stays silent where the mail does not loop or cannot be known", () => {
    for (const extra of [
      "relayhost = [smtp.example.net]\n",
      "transport_maps = hash:/etc/postfix/transport\n",
      "myorigin = /etc/mailname\n",
      "mydestination = .example.com\n",
      "default_transport = error:no outbound mail\n",
      "default_transport = smtp:[smtp.example.net]\n",
      "virtual_mailbox_domains = MAIL.example.com.\n",
      "relay_domains = hash:/etc/postfix/relay\nrelay_transport = lmtp:unix:private/dovecot\n",
    ])
      expect(messages(rule, base + extra), extra).toEqual([]);
    expect(messages(rule, "mydestination = localhost\n")).toEqual([]);
  });

  it("follows append_at_myorigin = no, where addresses get @myhostname", () => {
    const main = `${base}myorigin = example.com\nappend_at_myorigin = no\n`;
    expect(messages(rule, main)).toHaveLength(1);
  });
});

describe("restriction-class-unused", () => {
  it("is silent for classes used by another class, and for classes set nowhere", () => {
    const rule = "restriction-class-unused";
    const nested =
      "smtpd_restriction_classes = outer, inner\nouter = inner\ninner = reject\nsmtpd_sender_restrictions = outer\n";
    expect(messages(rule, nested)).toEqual([]);
    expect(messages(rule, "smtpd_restriction_classes = ghost\n")).toEqual([]);
    expect(
      messages(
        rule,
        "smtpd_restriction_classes = a, b\na = reject\nb = permit\nsmtpd_client_restrictions = a\n",
      ),
    ).toEqual([expect.stringContaining("No restriction list has an access table")]);
  });

  it("says when an access table could return the class name", () => {
    const withTable =
      "smtpd_restriction_classes = b\nb = permit\nsmtpd_client_restrictions = hash:/etc/postfix/clients\n";
    expect(messages("restriction-class-unused", withTable)).toEqual([
      expect.stringContaining("unless an access table in a restriction list returns its name"),
    ]);
  });
});

describe("postscreen_dnsbl_sites entries as postscreen reads them", () => {
  it("accepts domains with filters and weights", () => {
    for (const site of [
      "zen.spamhaus.org",
      "zen.spamhaus.org*3",
      "list.dnswl.org=127.0.[0..255].[1;2;3]*-2",
      "b.barracudacentral.org=127.0.0.2*+7",
      "bl.example=[127.0.0.2]",
      "bl.example=127.0.0.[2..2]",
      "x_y.example",
    ])
      expect(dnsblSiteProblem(site), site).toBeUndefined();
  });

  it("says what is wrong with the weight, the filter or the domain", () => {
    expect(dnsblSiteProblem("zen.spamhaus.org*")).toMatch(/weight/);
    expect(dnsblSiteProblem("zen.spamhaus.org*2x")).toMatch(/weight/);
    expect(dnsblSiteProblem("zen.spamhaus.org=127.0.0.256")).toMatch(/over 255/);
    expect(dnsblSiteProblem("zen.spamhaus.org=127.0.0")).toMatch(/four fields/);
    expect(dnsblSiteProblem("zen.spamhaus.org=127.0.0.[2,3]")).toMatch(/four fields/);
    expect(dnsblSiteProblem("zen.spamhaus.org=127.0.0.[9..2]")).toMatch(/backwards/);
    expect(dnsblSiteProblem("zen.spamhaus.org=[127.0.0.2")).toMatch(/"\]"/);
    expect(dnsblSiteProblem("zen..spamhaus.org")).toMatch(/empty label/);
    expect(dnsblSiteProblem("zen.spamhaus.org.")).toMatch(/empty label/);
    expect(dnsblSiteProblem("-zen.example")).toMatch(/starts or ends with -/);
    expect(dnsblSiteProblem("127.0.0.1")).toMatch(/all digits/);
    expect(dnsblSiteProblem("=127.0.0.2")).toMatch(/is empty/);
  });
});

describe("postscreen_access_list items", () => {
  function hover(marked: string) {
    const { config, index, position } = atCursor("main", marked);
    const result = doHover(config, index, position, { version: "3.7" });
    return result ? (result.contents as MarkupContent).value : undefined;
  }

  it("explains its keywords, its tables and words postscreen does not know", () => {
    expect(
      hover("postscreen_access_list = permit_my█networks, cidr:/etc/postfix/ps.cidr\n"),
    ).toContain("**permit_mynetworks** (postscreen access list)");
    expect(
      hover("postscreen_access_list = permit_mynetworks, ci█dr:/etc/postfix/ps.cidr\n"),
    ).toContain("**cidr:** lookup table");
    expect(hover("postscreen_access_list = permit_sasl_auth█enticated\n")).toContain(
      "is not an item of postscreen_access_list",
    );
  });

  it("completes its keywords and table types, not smtpd restrictions", () => {
    const { config, index, position } = atCursor("main", "postscreen_access_list = █");
    const labels = doComplete(config, index, position, { version: "3.7" }).items.map(
      (item) => item.label,
    );
    expect(labels).toEqual(
      expect.arrayContaining(["permit_mynetworks", "permit", "reject", "dunno", "cidr:"]),
    );
    expect(labels).not.toContain("permit_sasl_authenticated");
  });
});
