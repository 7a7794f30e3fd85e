import {
  type PostfixVersion,
  ReleaseMemo,
  builtinParameterNames,
  compareVersions,
  firstKnownRelease,
  getParameter,
  perServiceReading,
} from "../../data/parameters";
import { excerpt } from "../../text/excerpt";
import type { PlacedSetting, RuleContext } from "../context";
import { type RuleFinding, defineRule } from "../rule";
import { postconfUnused, settingScan } from "./shared";

export default defineRule({
  meta: {
    id: "unknown-parameter",
    severity: "warning",
    description:
      "A name the configured release does not know (a typo, or a parameter of a later release) that nothing references; Postfix ignores it.",
    fixable: true,
    files: ["main", "master"],
  },
  docs: {
    why: 'Postfix accepts any name in main.cf and in `-o` settings, and ignores the names it has no use for. A misspelt parameter therefore changes nothing, and the setting you meant keeps its default without a word; postconf lists such names as "unused parameter" (from 2.9 on). A name is in use when it is a parameter of the configured release, when a value refers to it as `$name` (a parameter of your own), or when it is a setting of a master.cf service that exists, such as relay_destination_concurrency_limit for a service called relay. A parameter of a later release is reported with the release that introduced it; set the Postfix version you run so that this is right.',
    fires: [
      {
        note: "A typo.",
        main: "smtpd_tls_securty_level = may\n",
        fixed: { main: "smtpd_tls_security_level = may\n" },
      },
      {
        note: "A setting for a service called relay, which master.cf does not have.",
        main: "relay_destination_concurrency_limit = 5\n",
        master: "smtp unix - - n - - smtp\n",
      },
      {
        note: "A parameter that appeared in a later release.",
        version: "2.2",
        main: "smtpd_sasl_path = smtpd\n",
      },
    ],
    silent: [
      {
        note: "A parameter of your own, used as $name.",
        main: "my_relays = relay.example.com\nrelay_domains = $my_relays\n",
      },
      {
        note: "master.cf has the service called relay.",
        main: "relay_destination_concurrency_limit = 5\n",
        master: "relay unix - - n - - smtp\n",
      },
    ],
    fix: "Renames the setting to the closest known name (two letters off at most, three for long names) that the same file or service does not set already. Check the suggestion: when the name is really one of your own, used by something Postfix cannot see here (a lookup table query, a policy service), keep it and turn the rule off for that line instead.",
  },
  *check(context) {
    for (const placed of settingScan(context).named["unknown"]) yield unknownName(context, placed);
  },
});

function unknownName(context: RuleContext, placed: PlacedSetting): RuleFinding {
  const { setting, file, service } = placed;
  const name = setting.name.text;
  const version = context.version;
  const at = { file, ...setting.name };
  const ignored = postconfUnused(version);
  const suggest = () =>
    closestName(name, version, (candidate) => context.isSet(candidate, service));
  const perService = perServiceReading(name, version);
  if (perService) {
    const { service: serviceName, rule } = perService;
    return withSuggestion(
      {
        ...at,
        message: `"${excerpt(name)}" is a setting of a master.cf service "${excerpt(serviceName)}", and master.cf has none, so Postfix ignores it.${ignored}`,
      },
      suggest(),
      ` It applies to a service running ${rule.commands.join(", ")}; add one or remove the setting.`,
    );
  }
  const facts = getParameter(name);
  const first = facts && firstKnownRelease(facts);
  if (first !== undefined && compareVersions(version, first) < 0) {
    return {
      ...at,
      message:
        `"${name}" is not a Postfix ${version} parameter: it first appeared in Postfix ${first}, so this release ignores it.` +
        `${ignored} Remove the setting, or set the Postfix version you run.`,
    };
  }
  return withSuggestion(
    {
      ...at,
      message: `"${excerpt(name)}" is not a Postfix ${version} parameter and no value uses it as $${excerpt(name)}, so Postfix ignores it.${ignored}`,
    },
    suggest(),
    " Check the name for a typo.",
  );
}

/** Ends an unknown-name finding with "did you mean" and its rename fix, or with `otherwise`. */
function withSuggestion(
  finding: RuleFinding,
  suggestion: string | undefined,
  otherwise: string,
): RuleFinding {
  if (!suggestion) return { ...finding, message: finding.message + otherwise };
  return {
    ...finding,
    message: `${finding.message} Did you mean "${excerpt(suggestion)}"?`,
    fix: {
      title: `Rename to ${suggestion}`,
      edits: [{ start: finding.start, end: finding.end, newText: suggestion }],
    },
  };
}

/**
 * The known name closest to a misspelled one (edit distance at most 2, or 3 for
 * long names), skipping those `isTaken` rejects: renaming onto a name the file
 * already sets would only create a duplicate.
 */
function closestName(
  name: string,
  version: PostfixVersion,
  isTaken: (candidate: string) => boolean,
): string | undefined {
  // The same misspelling comes back on every validation of a document: remember it.
  const key = `${version} ${name}`;
  let near = suggestions.get(key);
  if (!near) {
    if (suggestions.size >= 2000) suggestions.clear();
    near = nearNames(name, version);
    suggestions.set(key, near);
  }
  return near.find((candidate) => !isTaken(candidate));
}

const suggestions = new Map<string, string[]>();

/** The built-in names within the edit-distance limit of `name`, closest first. */
function nearNames(name: string, version: PostfixVersion): string[] {
  const limit = name.length > 12 ? 3 : 2;
  const found: [string, number][] = [];
  for (const candidate of candidatesByVersion.get(version)) {
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name, candidate, limit + 1);
    if (distance <= limit) found.push([candidate, distance]);
  }
  // A stable sort keeps names of equal distance in alphabetical order.
  return found.sort((a, b) => a[1] - b[1]).map(([candidate]) => candidate);
}

/** The built-in names of a release: fixed per release, so listed once. */
const candidatesByVersion = new ReleaseMemo(builtinParameterNames);

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below it. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length];
}
