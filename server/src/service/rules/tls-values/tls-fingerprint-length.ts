import type { RuleContext, ServiceView } from "../context";
import { type RuleFinding, defineRule } from "../rule";
import {
  COMMA_SPACE,
  DIGEST_PARAMETER,
  type Placed,
  type Word,
  atLeast,
  enumerate,
  finding,
  literalSettings,
  valueSpan,
  words,
} from "./shared";

const CERT_MATCH_PARAMETER = /^(smtp|lmtp)_tls_fingerprint_cert_match$/;
const CHECKED = new RegExp(
  `${CERT_MATCH_PARAMETER.source}|^relay_clientcerts$|${DIGEST_PARAMETER.source}`,
);
const DIGEST_HEX_DIGITS: Record<string, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

const MD5_PRINT = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
const SHA256_PRINT = Array.from({ length: 32 }, () => "AB").join(":");

export default defineRule({
  meta: {
    id: "tls-fingerprint-length",
    severity: "error",
    description:
      "A certificate fingerprint whose length or format does not fit the digest in effect; it can never match.",
    pitfalls: ["P49"],
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix compares a certificate fingerprint as text: it computes the digest named by the *_fingerprint_digest parameter and looks for that exact string. A fingerprint made with another digest has a different length, and before Postfix 3.6 one written without colons between the byte pairs has a different form, so it never matches. With the fingerprint security level the server is then refused; in relay_clientcerts the client is not allowed to relay. The digest in effect also changes with compatibility_level (md5 below 3.6, sha256 from 3.6 on) and with -o overrides in master.cf.",
    fires: [
      {
        note: "An md5 fingerprint while sha256 is in effect.",
        main: `compatibility_level = 3.6\nsmtp_tls_fingerprint_cert_match = ${MD5_PRINT}\n`,
      },
      {
        note: "A service changes the digest, but keeps main.cf's fingerprints.",
        main: `compatibility_level = 3.6\nsmtp_tls_fingerprint_cert_match = ${SHA256_PRINT}\n`,
        master: "relay unix - - n - - smtp -o smtp_tls_fingerprint_digest=sha512\n",
      },
    ],
    silent: [
      {
        main: `compatibility_level = 3.6\nsmtp_tls_fingerprint_cert_match = ${SHA256_PRINT}\n`,
      },
      {
        main: `compatibility_level = 3.6\nrelay_clientcerts = inline:{ ${SHA256_PRINT}=client1 }\n`,
      },
    ],
  },
  *check(context) {
    for (const p of literalSettings(context, CHECKED)) {
      if (p.name === "relay_clientcerts") yield* relayClientcerts(context, p);
      else if (CERT_MATCH_PARAMETER.test(p.name)) yield* certMatch(context, p);
      else yield* inheritedFingerprints(context, p);
    }
  },
});

/** What is wrong with the fingerprints, or undefined when nothing is. */
function fingerprintProblems(
  prints: Word[],
  digest: string,
  colonsRequired: boolean,
): { bad: Word[]; reason: string } | undefined {
  const expected = DIGEST_HEX_DIGITS[digest];
  const malformed: Word[] = [];
  const noColons: Word[] = [];
  const wrongLength: Word[] = [];
  for (const print of prints) {
    const hex = print.text.replace(/:/g, "");
    if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) malformed.push(print);
    else if (expected !== undefined && hex.length !== expected) wrongLength.push(print);
    else if (colonsRequired && !print.text.includes(":") && hex.length > 2) noColons.push(print);
  }
  if (wrongLength.length > 0) {
    const lengths = [...new Set(wrongLength.map((print) => print.text.replace(/:/g, "").length))];
    const guesses = Object.entries(DIGEST_HEX_DIGITS)
      .filter(([, digits]) => lengths.length === 1 && digits === lengths[0])
      .map(([name]) => name);
    return {
      bad: wrongLength,
      reason:
        `${wrongLength.length > 1 ? `${wrongLength.length} fingerprints have` : "The fingerprint has"} ${enumerate(lengths.map(String))} hex digits, ` +
        `but ${digest} fingerprints have ${expected}` +
        (guesses.length > 0 ? ` (${enumerate(lengths.map(String))} fits ${guesses[0]})` : ""),
    };
  }
  if (malformed.length > 0) {
    return {
      bad: malformed,
      reason: `${malformed.length > 1 ? `${malformed.length} entries are` : "An entry is"} not a hex fingerprint (pairs of hex digits, optionally separated by ':')`,
    };
  }
  if (noColons.length > 0) {
    return {
      bad: noColons,
      reason: `${noColons.length > 1 ? `${noColons.length} fingerprints are` : "A fingerprint is"} written without ':' between the byte pairs, but Postfix compares the colon-separated form`,
    };
  }
  return undefined;
}

function digestSource(context: RuleContext, digestName: string, service?: ServiceView): string {
  const source = context.sourceOf(digestName, service);
  if (source) return source.file === "master" ? "set on this service" : "set in main.cf";
  return "the default of this configuration";
}

/** The span of the one bad fingerprint, else the whole value. */
function problemSpan(p: Placed, bad: Word[]) {
  return bad.length === 1 ? valueSpan(p, bad[0].start, bad[0].end) : p.setting.value;
}

function* certMatch(context: RuleContext, p: Placed): Iterable<RuleFinding> {
  const digestName = p.name.replace(/_fingerprint_cert_match$/, "_fingerprint_digest");
  const digest = context.valueOf(digestName, p.service).trim().toLowerCase();
  const prints = words(p.value, COMMA_SPACE);
  const problem = fingerprintProblems(prints, digest, !atLeast(context.version, "3.6"));
  if (!problem) return;
  yield finding(
    p,
    problemSpan(p, problem.bad),
    `${problem.reason}. ${digestName} is ${digest} (${digestSource(context, digestName, p.service)}). Such an entry can never match, so the fingerprint security level fails for these servers. Recompute the fingerprints with ${digest}, or set ${digestName} to the digest they were made with.`,
  );
}

/** relay_clientcerts: only `inline:{...}` tables can be read here; their keys are fingerprints. */
function* relayClientcerts(context: RuleContext, p: Placed): Iterable<RuleFinding> {
  const digest = context.valueOf("smtpd_tls_fingerprint_digest", p.service).trim().toLowerCase();
  const keys = inlineKeys(p.value).filter(
    (key) => /^[0-9a-f:]+$/i.test(key.text) && key.text.length >= 8,
  );
  // smtpd looks up the colon-separated form, in every release.
  const problem = fingerprintProblems(keys, digest, true);
  if (!problem) return;
  yield finding(
    p,
    problemSpan(p, problem.bad),
    `${problem.reason}. smtpd_tls_fingerprint_digest is ${digest} (${digestSource(context, "smtpd_tls_fingerprint_digest", p.service)}). Such a key is never found, so permit_tls_clientcerts does not let that client relay. Recompute the fingerprints with ${digest} in the XX:XX:... form.`,
  );
}

/** An -o digest with the fingerprints inherited from main.cf: reported on the -o. */
function* inheritedFingerprints(context: RuleContext, p: Placed): Iterable<RuleFinding> {
  const family = /^(smtp|lmtp)_tls_fingerprint_digest$/.exec(p.name)?.[1];
  if (!family || !p.service) return;
  const digest = p.value.trim().toLowerCase();
  const matchName = `${family}_tls_fingerprint_cert_match`;
  const main = context.mainSettings.get(matchName)?.value.text;
  if (main === undefined || p.service.settings.has(matchName) || main.includes("$")) return;
  const problem = fingerprintProblems(
    words(main, COMMA_SPACE),
    digest,
    !atLeast(context.version, "3.6"),
  );
  if (!problem || DIGEST_HEX_DIGITS[digest] === undefined) return;
  yield finding(
    p,
    p.setting.value,
    `The fingerprints of ${matchName} in main.cf do not fit ${p.name}=${digest} on this service. ${problem.reason}. They can never match here. Give this service its own ${matchName}, or keep the digest of main.cf.`,
  );
}

/** The keys of the `inline:{ key=value, { key = value } }` tables in a table list. */
function inlineKeys(value: string): Word[] {
  const keys: Word[] = [];
  for (const match of value.matchAll(/inline:\{/g)) {
    const open = match.index! + match[0].length - 1;
    const close = matchingBrace(value, open);
    let i = open + 1;
    while (i < close) {
      while (i < close && /[\s,]/.test(value[i])) i++;
      if (i >= close) break;
      let itemStart = i;
      let itemEnd: number;
      if (value[i] === "{") {
        const end = matchingBrace(value, i);
        itemStart = i + 1;
        itemEnd = Math.min(end, close);
        i = itemEnd + 1;
      } else {
        while (i < close && !/[\s,]/.test(value[i])) i++;
        itemEnd = i;
      }
      while (itemStart < itemEnd && /\s/.test(value[itemStart])) itemStart++;
      const equals = value.indexOf("=", itemStart);
      if (equals < 0 || equals >= itemEnd) continue;
      let keyEnd = equals;
      while (keyEnd > itemStart && /\s/.test(value[keyEnd - 1])) keyEnd--;
      keys.push({ text: value.slice(itemStart, keyEnd), start: itemStart, end: keyEnd });
    }
  }
  return keys;
}

function matchingBrace(text: string, open: number): number {
  let level = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") level++;
    else if (text[i] === "}" && --level === 0) return i;
  }
  return text.length;
}
