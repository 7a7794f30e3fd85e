// mynetworks entries as smtpd's match list reads them (match_list.c, cidr_match.c).

import { describe, expect, it } from "vitest";
import {
  coversInternet,
  isLoopbackNetwork,
  isPublic,
  parseNetworks,
  sizeInWords,
} from "../../server/src/service/rules/relay/networks";
import { testRule } from "../support/ruleTester";

const kinds = (value: string) => parseNetworks(value).map((entry) => entry.kind);

describe("mynetworks entries", () => {
  it("reads networks, names, files and tables", () => {
    expect(
      kinds(
        "127.0.0.0/8 [::1]/128 [2001:db8::/32] 10.1.2.3 mail.example.com /etc/postfix/nets hash:/etc/x",
      ),
    ).toEqual(["network", "network", "network", "other", "other", "other", "other"]);
  });

  it("rejects what cidr_match_parse() rejects, with the reason", () => {
    const reasons = parseNetworks("10.0.0.1/8 10.0.0.0/33 300.1.1.0/24 [::1 2001:db8::/32").map(
      (entry) => (entry.kind === "invalid" ? entry.reason : entry.kind),
    );
    expect(reasons[0]).toContain("the network is 10.0.0.0/8");
    expect(reasons[1]).toContain("longer than 32 bits");
    expect(reasons[2]).toContain("not a valid address");
    expect(reasons[3]).toContain("']' is missing");
    expect(reasons[4]).toContain("in brackets ([2001:db8::]/32)");
  });

  it("knows loopback, private and public ranges", () => {
    const [loop, mapped, v6loop, lan, pub, v6pub, ula] = parseNetworks(
      "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 10.0.0.0/8 198.0.0.0/8 [2001:db8::]/32 [fd00::]/8",
    ) as Extract<ReturnType<typeof parseNetworks>[number], { kind: "network" }>[];
    expect([loop, mapped, v6loop].map(isLoopbackNetwork)).toEqual([true, true, true]);
    expect([lan, pub, v6pub, ula].map(isPublic)).toEqual([false, true, true, false]);
    expect(sizeInWords(lan)).toBe("16,777,216");
    expect(sizeInWords(v6pub)).toBe("2^96");
  });

  it("finds coverage of most of the Internet, also from several ranges", () => {
    expect(coversInternet(parseNetworks("0.0.0.0/0"))).toBeDefined();
    expect(coversInternet(parseNetworks("[::]/0"))).toBeDefined();
    expect(coversInternet(parseNetworks("0.0.0.0/1 128.0.0.0/1"))).toBeDefined();
    expect(coversInternet(parseNetworks("static:all"))).toBeDefined();
    expect(coversInternet(parseNetworks("0.0.0.0/2 64.0.0.0/3 0.0.0.0/3"))).toBeUndefined();
    expect(coversInternet(parseNetworks("10.0.0.0/8 [2001:db8::]/32"))).toBeUndefined();
    // After a negation the order decides; not guessed.
    expect(coversInternet(parseNetworks("!10.0.0.0/8 0.0.0.0/0"))).toBeUndefined();
  });
});

testRule("mynetworks-internet", {
  valid: [
    {
      name: "a loopback-bound re-injection service with its own mynetworks",
      main: "compatibility_level = 3.6\nmynetworks = 127.0.0.0/8\n",
      master:
        "smtp inet n - y - - smtpd\n127.0.0.1:10025 inet n - n - - smtpd -o mynetworks=0.0.0.0/0\n",
    },
  ],
  invalid: [
    {
      name: "an -o mynetworks on the public smtp service, reported in master.cf",
      main: "compatibility_level = 3.6\n",
      master: "smtp inet n - y - - smtpd -o mynetworks=0.0.0.0/0\n",
      messages: [
        /^the smtp service is an open relay: mynetworks trusts most of the Internet with "0\.0\.0\.0\/0"/,
      ],
    },
  ],
});

testRule("open-relay", {
  valid: [
    {
      name: "postscreen in front: the smtpd behind it is judged as reachable, and is closed",
      main: "compatibility_level = 3.6\n",
      master: "smtp inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd\n",
    },
  ],
  invalid: [
    {
      name: "the smtpd behind a public postscreen, opened with -o",
      main: "compatibility_level = 3.6\nsmtpd_restriction_classes = relaxed\nrelaxed = permit\n",
      master:
        "smtp inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd\n  -o smtpd_relay_restrictions=relaxed,reject_unauth_destination\n",
      messages: [
        /^the smtpd service is an open relay: any client on the Internet can send mail through it to any domain\. "permit" in relaxed accepts/,
      ],
    },
  ],
});
