import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cidrProblems,
  entryCount,
  regexpProblems,
  tableLines,
} from "../../server/src/service/analysis/tableFiles";
import { tableReferences } from "../../server/src/service/analysis/tableReferences";
import { indexSuffixes, typeSupport } from "../../server/src/service/data/tables";
import generated from "../../server/src/service/data/tables.generated.json";
import { parseConfig } from "../../server/src/service/parser/document";
import { createRuleContext } from "../../server/src/service/rules/context";
import { approvedTables } from "../../server/src/service/rules/tables/proxy-table-not-allowed";

function referencesOf(main: string, master?: string, version = "3.10") {
  const context = createRuleContext(
    parseConfig("main", main),
    master === undefined ? undefined : parseConfig("master", master),
    version,
  );
  const texts = { main, master: master ?? "" };
  return tableReferences(context).map((reference) => ({
    type: reference.type,
    name: reference.name,
    wrappers: reference.wrappers.join(":"),
    parameter: reference.parameter,
    service: reference.service?.name,
    parent: reference.parent?.type,
    written: texts[reference.file].slice(reference.span.start, reference.span.end),
  }));
}

describe("tableReferences", () => {
  it("finds tables in table parameters with their spans, wrappers and members", () => {
    expect(
      referencesOf(
        "virtual_alias_maps = proxy:hash:/etc/postfix/virtual,\n  unionmap:{ cidr:/etc/postfix/a.cidr, inline:{ a=b } }\n",
      ),
    ).toEqual([
      {
        type: "hash",
        name: "/etc/postfix/virtual",
        wrappers: "proxy",
        parameter: "virtual_alias_maps",
        service: undefined,
        parent: undefined,
        written: "proxy:hash:/etc/postfix/virtual",
      },
      {
        type: "unionmap",
        name: "{ cidr:/etc/postfix/a.cidr, inline:{ a=b } }",
        wrappers: "",
        parameter: "virtual_alias_maps",
        service: undefined,
        parent: undefined,
        written: "unionmap:{ cidr:/etc/postfix/a.cidr, inline:{ a=b } }",
      },
      {
        type: "cidr",
        name: "/etc/postfix/a.cidr",
        wrappers: "",
        parameter: "virtual_alias_maps",
        service: undefined,
        parent: "unionmap",
        written: "cidr:/etc/postfix/a.cidr",
      },
      {
        type: "inline",
        name: "{ a=b }",
        wrappers: "",
        parameter: "virtual_alias_maps",
        service: undefined,
        parent: "unionmap",
        written: "inline:{ a=b }",
      },
    ]);
  });

  it("takes only the table arguments of restriction lists, not policy services", () => {
    const found = referencesOf(
      "smtpd_recipient_restrictions = check_policy_service unix:private/policy,\n check_recipient_access pcre:/etc/postfix/r.pcre, hash:/etc/postfix/bare\n",
    );
    expect(found.map((r) => r.written)).toEqual([
      "pcre:/etc/postfix/r.pcre",
      "hash:/etc/postfix/bare",
    ]);
  });

  it("reads master.cf -o settings per service and expands $names in the service's view", () => {
    const found = referencesOf(
      "tables = /etc/postfix\n",
      "submission inet n - y - - smtpd\n  -o tables=/srv\n  -o smtpd_sender_login_maps=hash:$tables/senders\n",
    );
    expect(found).toEqual([
      {
        type: "hash",
        name: "/srv/senders",
        wrappers: "",
        parameter: "smtpd_sender_login_maps",
        service: "submission",
        parent: undefined,
        written: "hash:$tables/senders",
      },
    ]);
  });

  it("skips domains, bracketed addresses, $parameter words and settings that take no tables", () => {
    expect(
      referencesOf(
        "mydestination = $myhostname, localhost\nmynetworks = [::1]/128, !cidr:/etc/postfix/n.cidr\nrelayhost = [mail.example.com]:587\nrelay_domains = $mydestination\n",
      ).map((r) => r.written),
    ).toEqual(["cidr:/etc/postfix/n.cidr"]);
  });

  it("maps spans through CRLF line ends and non-ASCII text", () => {
    const main =
      "# é\r\nvirtual_alias_maps = hash:/etc/postfix/vé,\r\n  regexp:/etc/postfix/v.re\r\n";
    expect(referencesOf(main).map((r) => r.written)).toEqual([
      "hash:/etc/postfix/vé",
      "regexp:/etc/postfix/v.re",
    ]);
  });

  it("lists every table of a value with 20000 of them", () => {
    const words = Array.from({ length: 20000 }, (_, i) => `hash:/etc/postfix/t${i}`).join(", ");
    expect(referencesOf(`transport_maps = ${words}\n`)).toHaveLength(20000);
  });
});

describe("table type facts", () => {
  it("knows which release added a type and which types depend on the build", () => {
    expect(typeSupport("hash", "3.7").kind).not.toBe("unknown");
    expect(typeSupport("debug", "3.7")).toEqual({ kind: "too-new", since: "3.11" });
    expect(typeSupport("pcre", "3.7")).toEqual({ kind: "optional" });
    expect(typeSupport("static", "3.7")).toEqual({ kind: "built-in" });
    expect(typeSupport("hsah", "3.7")).toEqual({ kind: "unknown" });
    expect(typeSupport("constructor", "3.7")).toEqual({ kind: "unknown" });
  });

  it("names the indexed files as the dict_*.c sources do", () => {
    expect(indexSuffixes("hash")).toEqual([".db"]);
    expect(indexSuffixes("lmdb")).toEqual([".lmdb"]);
    expect(indexSuffixes("cdb")).toEqual([".cdb"]);
    expect(indexSuffixes("dbm")).toEqual([".pag", ".dir"]);
    expect(indexSuffixes("cidr")).toBeUndefined();
  });
});

describe("approvedTables (proxymap's allow list)", () => {
  it("keeps proxy: entries without their prefixes and looks into nested tables", () => {
    const approved = approvedTables(
      "hash:/a proxy:hash:/b proxy:proxy:cdb:/c { proxy:lmdb:/d other=1 } unionmap:{ proxy:cidr:/e, hash:/f }",
      "3.10",
    );
    expect([...approved].sort()).toEqual(["cdb:/c", "cidr:/e", "hash:/b", "lmdb:/d"]);
  });
});

describe("table files", () => {
  it("joins continuation lines and skips comments and blank lines (readllines)", () => {
    expect(tableLines("# c\n\na  b\n  c\n# inner\n d\nx y\r\n")).toEqual([
      { line: 3, text: "a  b  c d" },
      { line: 7, text: "x y" },
    ]);
    expect(entryCount("a 1\n\n# x\nb 2\n  more\n")).toBe(2);
  });

  it("reports cidr lines Postfix skips", () => {
    expect(
      cidrProblems(
        "192.0.2.1/24 REJECT\n10.0.0.0/33 OK\n[2001:db8::]/32\nexample.com OK\nENDIF\nIF 10.0.0.0/8\n10.1.0.0/16 OK\n",
      ).map((p) => `${p.line}: ${p.problem}`),
    ).toEqual([
      expect.stringMatching(/^1: .*bits are set after the \/24/),
      expect.stringMatching(/^2: .*longer than 32 bits/),
      "3: no result after the network",
      expect.stringMatching(/^4: "example.com" is not a valid network/),
      "5: ENDIF without IF",
      "6: IF has no matching ENDIF",
    ]);
  });

  it("accepts valid cidr tables", () => {
    expect(
      cidrProblems(
        "192.0.2.0/24 REJECT\n!198.51.100.7 OK\n[2001:db8::/32] 550 no\nIF !10.0.0.0/8\n0.0.0.0/0 DUNNO\nENDIF\n",
      ),
    ).toEqual([]);
  });

  it("reports regexp and pcre lines Postfix skips", () => {
    const text = "/a/ OK\n/b REJECT\n/c/q OK\n/d/\nreject /e/\nendif\nif /f/\n/g/s OK\n";
    expect(regexpProblems(text, "regexp").map((p) => `${p.line}: ${p.problem}`)).toEqual([
      '2: the pattern has no closing "/"',
      '3: unknown flag "q" after the pattern',
      "4: no result after the pattern",
      "5: a line must start with a pattern, IF or ENDIF",
      "6: ENDIF without IF",
      '8: unknown flag "s" after the pattern',
      "7: IF has no matching ENDIF",
    ]);
    expect(regexpProblems("/g/s OK\n", "pcre")).toEqual([]);
  });

  it("never throws and reports only lines that exist", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const count = text.split("\n").length;
        for (const problem of [
          ...cidrProblems(text),
          ...regexpProblems(text, "regexp"),
          ...regexpProblems(text, "pcre"),
        ])
          expect(problem.line).toBeLessThanOrEqual(count);
      }),
    );
  });
});

const POSTFIX_SRC = process.env.POSTFIX_SRC;

describe("generated table data", () => {
  it("says where it comes from", () => {
    expect(generated["//"]).toContain(
      "generated — do not edit; run node scripts/generate-tables.mjs",
    );
    expect(generated.source.repository).toBe("vdukhovni/postfix");
  });

  it.skipIf(!POSTFIX_SRC)(
    "is what the generator produces from the Postfix source",
    () => {
      const script = fileURLToPath(new URL("../../scripts/generate-tables.mjs", import.meta.url));
      // --check exits non-zero (and execFileSync throws) when the file is stale.
      execFileSync(process.execPath, [script, "--check", "--repo", POSTFIX_SRC!], {
        stdio: "pipe",
      });
    },
    120_000,
  );
});
