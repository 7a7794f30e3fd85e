import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  OLDEST_VERSION,
  compareVersions,
  defaultValue,
  getParameter,
  releaseLine,
} from "../../server/src/service/data/parameters";
import { parseParameterDocs } from "../../server/src/service/data/tlsDocs";

// The hand-written facts lines of tls-client.md, checked against the data that
// scripts/generate-parameters.mjs reads from the Postfix source.
const DOCS_DIR = join(__dirname, "../../server/src/service/data/docs");

/** The value a parameter had in the newest release that still built it in. */
function lastCodeDefault(name: string): string | undefined {
  const entries = getParameter(name)?.codeDefault;
  return defaultValue(name) ?? entries?.[entries.length - 1]?.[1] ?? undefined;
}

/** The first release line whose postconf knows the name, built in or as a legacy alias. */
function firstKnownLine(name: string): string {
  const parameter = getParameter(name)!;
  return [parameter.builtin?.since, parameter.legacy?.since]
    .filter((line): line is string => line !== undefined)
    .sort(compareVersions)[0];
}

describe("facts of tls-client.md agree with the defaults, releases and warnings read from the source", () => {
  const clientDocs = [
    ...parseParameterDocs(readFileSync(join(DOCS_DIR, "tls-client.md"), "utf8")).values(),
  ];
  const partsOf = (facts: string) => {
    const match = /^\*\*Default:\*\* (.+) · \*\*Since:\*\* Postfix (\d+\.\d+(?:\.\d+)?)(.*)$/.exec(
      facts,
    );
    expect(match, facts).not.toBeNull();
    return { defaultText: match![1], since: match![2], sinceRemark: match![3] };
  };

  it.each(clientDocs.map((doc) => [doc.name, doc.facts]))(
    "%s: a plain or release-dated default is the code's value",
    (name, facts) => {
      const { defaultText } = partsOf(facts);
      // "`value`" or "`value` (remark)": the newest release's value.
      const plain = /^`([^`]*)`(?: \(|$)/.exec(defaultText);
      // "`value` since Postfix X.Y; …": the value from that release on.
      const dated = /^`([^`]*)` since Postfix (\d+\.\d+)[;.]/.exec(defaultText);
      if (dated) {
        expect(defaultValue(name, dated[2])).toBe(dated[1]);
        expect(defaultValue(name)).toBe(dated[1]);
      } else if (plain) {
        expect(lastCodeDefault(name)).toBe(plain[1]);
      } else if (/^empty(?:$|[ ,(])/.test(defaultText)) {
        expect(lastCodeDefault(name)).toBe("");
      }
    },
  );

  it.each(clientDocs.map((doc) => [doc.name, doc.facts]))(
    "%s: the Since release is the first one that knows the name, or the remark explains why not",
    (name, facts) => {
      const { since, sinceRemark } = partsOf(facts);
      const codeSince = firstKnownLine(name);
      const order = compareVersions(releaseLine(since), codeSince);
      if (codeSince === OLDEST_VERSION) {
        // The data starts at the oldest covered release; the name may be older.
        expect(order, facts).toBeLessThanOrEqual(0);
      } else if (order !== 0) {
        // Later than the code says: the remark must name the backport to, or
        // the earlier inert name in, that release line.
        expect(order, facts).toBeGreaterThan(0);
        expect(sinceRemark, facts).toContain(codeSince);
      }
    },
  );

  it.each(clientDocs.map((doc) => [doc.name, doc.body]))(
    "%s: says that postconf warns exactly when it does, and from which release",
    (name, body) => {
      const warnsSince = getParameter(name)!.warnsSince;
      const claimsWarning = /postconf (?:warns|says support has been removed)/.test(body);
      expect(claimsWarning, body).toBe(warnsSince !== undefined);
      if (warnsSince !== undefined) expect(body).toContain(warnsSince);
    },
  );
});
