import type { Fix, FixEdit } from "../findings";
import { defineRule } from "../rule";
import {
  type Placed,
  type ProtocolWord,
  allowedProtocols,
  atLeast,
  capitalize,
  closest,
  contiguous,
  finding,
  knownProtocols,
  listJoiner,
  parseProtocolWords,
  protocolFailure,
  protocolLists,
  quoted,
  replaceValue,
  valueSpan,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-protocols-invalid",
    severity: "error",
    description:
      "A TLS protocol list with a word Postfix does not accept in the configured release; TLS is turned off.",
    pitfalls: ["P06"],
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: 'Postfix reads a protocol list word by word and throws the whole list away at the first word it does not know. The server then offers no STARTTLS, and the client gives up each TLS handshake before it starts. Names such as "TLSv1.0" or "TLS1.2" look right but are not in Postfix\'s table, newer versions are unknown to older releases (TLSv1.3 needs 3.0), and the ">=" and "<=" forms need 3.6.',
    fires: [
      {
        note: "TLS 1.0 is spelt TLSv1.",
        main: "smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1.0\n",
        fixed: { main: "smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1\n" },
      },
      {
        note: "Before 3.6 the bound is rewritten as the exclusions it means.",
        version: "3.5",
        main: "smtp_tls_protocols = >=TLSv1.2\n",
        fixed: { main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\n" },
      },
    ],
    silent: [
      { main: "smtp_tls_protocols = >=tlsv1.2\nsmtpd_tls_protocols = >=0x0303, <=None\n" },
      { version: "3.5", main: "smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\n" },
    ],
    fix: 'Replaces each unknown name with the one protocol name within two typing errors of it (TLSv1.0 becomes TLSv1), or, before Postfix 3.6, rewrites ">=" and "<=" bounds as the list of "!" exclusions that allows the same versions. No fix is offered when a word has no single close name. A corrected name can still allow a version you did not mean to allow; read the list before you reload.',
  },
  *check(context) {
    for (const { p, invalid } of protocolLists(context)) {
      if (invalid.length > 0) yield invalidProtocols(p, invalid, context.version);
    }
  },
});

function invalidProtocols(p: Placed, invalid: ProtocolWord[], version: string) {
  const known = knownProtocols(version).map((protocol) => protocol.name);
  const tooOld = invalid.filter((word) => word.kind === "invalid" && word.tooOld);
  const unknown = invalid.filter((word) => !tooOld.includes(word));
  const parts: string[] = [];
  if (unknown.length > 0)
    parts.push(
      `${quoted(unknown.map((word) => word.text))} ${unknown.length > 1 ? "are not protocol names" : "is not a protocol name"} that Postfix ${version} knows`,
    );
  if (tooOld.length > 0)
    parts.push(`the ">=" and "<=" forms need Postfix 3.6 or later, and this is Postfix ${version}`);
  const allowedForms = atLeast(version, "3.6")
    ? `${known.join(", ")}, each also with "!" in front, or ">=name" and "<=name"`
    : `${known.join(", ")}, each also with "!" in front`;
  const message = `Invalid protocol list: ${protocolFailure(p.name)}. ${capitalize(parts.join("; "))}. Valid words: ${allowedForms}.`;
  const span =
    invalid.length === 1 ? valueSpan(p, invalid[0].start, invalid[0].end) : p.setting.value;
  return finding(p, span, message, invalidProtocolsFix(p, invalid, version));
}

/** Corrects misspelt names, or turns bounds into an exclusion list for releases before 3.6. */
function invalidProtocolsFix(p: Placed, invalid: ProtocolWord[], version: string): Fix | undefined {
  const known = knownProtocols(version);
  if (invalid.every((word) => word.kind === "invalid" && word.tooOld)) {
    // Evaluate the bounds as 3.6 would and spell the result as exclusions.
    const modern = parseProtocolWords(p.value, version, true);
    if (modern.some((word) => word.kind === "invalid" || ("lone" in word && word.lone)))
      return undefined;
    const allowed = allowedProtocols(modern, version);
    if (allowed.length === 0 || !contiguous(allowed, known)) return undefined;
    const excluded = known.filter((protocol) => !allowed.includes(protocol));
    if (excluded.length === 0) return undefined;
    const newValue = excluded.map((protocol) => `!${protocol.name}`).join(listJoiner(p));
    return replaceValue(p, newValue, `Replace with ${newValue}`);
  }
  const names = known.map((protocol) => protocol.name);
  const edits: FixEdit[] = [];
  for (const word of invalid) {
    if (word.kind === "invalid" && word.tooOld) return undefined;
    const prefix = /^(!|>=|<=)/.exec(word.text)?.[0] ?? "";
    const rest = word.text.slice(prefix.length);
    const candidates =
      prefix === ">=" || prefix === "<=" ? names.filter((n) => n !== "SSLv2") : names;
    const replacement = /^tlsv1\.0$/i.test(rest) ? "TLSv1" : closest(rest, candidates);
    if (!replacement) return undefined;
    edits.push({ ...valueSpan(p, word.start, word.end), newText: prefix + replacement });
  }
  const title = edits.length === 1 ? `Change to ${edits[0].newText}` : "Correct the protocol names";
  return { title, edits };
}
