// smtpd restriction facts per release line, from restrictions.generated.json
// (made by scripts/generate-restrictions.mjs from the Postfix source), plus the
// replacements of old names, which are our own advice.

import data from "./restrictions.generated.json";
import { type PostfixVersion, compareVersions, inVersionRange } from "./parameters";

/** The request data a restriction looks at; without it, the restriction does nothing. */
export type RequestData = "client" | "helo" | "sender" | "recipient" | "etrn";

/** What follows a restriction name as its argument. */
export type RestrictionArgument = "table" | "domain" | "service" | "number";

export interface RestrictionFacts {
  name: string;
  since: PostfixVersion;
  until?: PostfixVersion;
  needs: RequestData;
  argument?: RestrictionArgument;
  /** The first release line whose smtpd warns that the name is deprecated. */
  deprecated?: PostfixVersion;
  /** Other names the same code accepts (old and new spellings). */
  sameAs?: string[];
}

/** smtpd's start-up check that relaying is controlled (has_required() in smtpd_check.c). */
export interface RelayControlFacts {
  /** The names of which one must appear. */
  names: string[];
  /** The lists looked at; one of them must hold a name. */
  lists: string[];
  /** Whether a `permit` ends the search (names after it do not count). */
  permitEnds: boolean;
  /** Whether names are compared ignoring case. */
  ignoresCase: boolean;
}

interface GeneratedRestrictions {
  restrictions: Record<string, Omit<RestrictionFacts, "name">>;
  relayControl: { since: PostfixVersion; facts: RelayControlFacts }[];
}

const generated = data as unknown as GeneratedRestrictions;

const BY_NAME: ReadonlyMap<string, RestrictionFacts> = new Map(
  Object.entries(generated.restrictions).map(([name, facts]) => [name, { name, ...facts }]),
);

/** Names smtpd compares ignoring case (strcasecmp). */
function factsOf(name: string): RestrictionFacts | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** A restriction name's facts, when the release accepts it. */
export function restrictionFacts(
  name: string,
  version: PostfixVersion,
): RestrictionFacts | undefined {
  const facts = factsOf(name);
  return facts && inVersionRange(facts, version) ? facts : undefined;
}

/** A restriction name that some release accepts (for "not in this release" messages). */
export function anyReleaseRestriction(name: string): RestrictionFacts | undefined {
  return factsOf(name);
}

/** Every restriction name the release accepts. */
export function restrictionNames(version: PostfixVersion): string[] {
  return [...BY_NAME.values()]
    .filter((facts) => inVersionRange(facts, version))
    .map((facts) => facts.name);
}

/** The start-up relay-control check of the release. */
export function relayControlFacts(version: PostfixVersion): RelayControlFacts {
  let found = generated.relayControl[0].facts;
  for (const { since, facts } of generated.relayControl)
    if (compareVersions(version, since) >= 0) found = facts;
  return found;
}

/**
 * What to write instead of an old or deprecated name: the newer spelling of the
 * same check, or the restrictions that do its job today (our advice).
 */
const REPLACEMENTS: Record<string, string[]> = {
  reject_unknown_client: ["reject_unknown_client_hostname"],
  reject_unknown_hostname: ["reject_unknown_helo_hostname"],
  reject_invalid_hostname: ["reject_invalid_helo_hostname"],
  reject_non_fqdn_hostname: ["reject_non_fqdn_helo_hostname"],
  reject_rbl: ["reject_rbl_client"],
  reject_maps_rbl: ["reject_rbl_client"],
  check_recipient_maps: ["reject_unlisted_recipient"],
  check_relay_domains: ["permit_auth_destination", "reject_unauth_destination"],
  permit_naked_ip_address: ["permit_mynetworks", "permit_sasl_authenticated"],
  permit_mx_backup: ["relay_domains with reject_unauth_destination"],
};

/**
 * For a deprecated name or an old spelling in that release: what to use instead,
 * and since when the newer spelling exists. Undefined for current names.
 */
export function restrictionReplacement(
  name: string,
  version: PostfixVersion,
): string[] | undefined {
  const facts = restrictionFacts(name, version);
  if (!facts) return undefined;
  const replacement = REPLACEMENTS[facts.name];
  if (!replacement) return undefined;
  const deprecated = facts.deprecated && compareVersions(version, facts.deprecated) >= 0;
  // An old spelling counts once its replacement exists in that release.
  const oldSpelling = replacement.some((other) => restrictionFacts(other, version));
  return deprecated || oldSpelling ? replacement : undefined;
}
