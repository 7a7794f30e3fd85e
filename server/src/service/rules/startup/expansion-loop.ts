import { parseExpansion } from "../../parser/expansion";
import type { RuleContext, ServiceView } from "../context";
import { type RuleFinding, defineRule } from "../rule";
import { type Scoped, expandedSettings, rawValue, settingSpan } from "./shared";

export default defineRule({
  meta: {
    id: "expansion-loop",
    severity: "error",
    description:
      "A parameter whose value, once $name references are expanded, leads back to itself; Postfix stops with 'unreasonable macro call nesting'.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Postfix expands `$name` references when a daemon starts. A value that leads back to itself never finishes expanding: after a fixed depth Postfix gives up and stops, so no mail flows. Inside a `{left} == {right}` comparison there is no depth limit, and postconf and the daemons crash instead. The finding names the loop, in the order the expansion enters it, on each built-in setting that is part of it.",
    fires: [
      {
        note: "myhostname and mydomain each refer to the other.",
        main: "myhostname = mail.$mydomain\nmydomain = $myhostname\n",
      },
    ],
    silent: [
      {
        note: "The usual direction: the host name is built from the domain.",
        main: "mydomain = example.com\nmyhostname = mail.$mydomain\n",
      },
    ],
  },
  *check(context) {
    const expanded = expandedSettings(context);
    for (const { scoped, evaluated } of expanded) {
      const code = evaluated.error?.code;
      if (code !== "nesting" && code !== "operand-nesting") continue;
      const loop = expansionLoop(context, expanded, scoped, evaluated.trace, code);
      if (loop) yield loop;
    }
  },
});

/**
 * A value whose expansion never ends. The names that loop are found at the end of
 * the lookup trace, which repeats with the loop's period; only names that lead
 * back to themselves count (a value looked up on the way is not part of the loop).
 * The loop is reported on each built-in setting that is part of it, and on a
 * built-in setting that leads into a loop of user-defined names.
 */
function expansionLoop(
  context: RuleContext,
  expanded: { scoped: Scoped }[],
  scoped: Scoped,
  trace: string[],
  code: "nesting" | "operand-nesting",
): RuleFinding | undefined {
  const { setting, service } = scoped;
  const name = setting.name.text;
  const members = loopMembers(context, trace, service);
  const reportedElsewhere = members.some(
    (member) =>
      member !== name &&
      (service ? service.settings.has(member) : context.mainSettings.has(member)) &&
      expanded.some(
        (other) => other.scoped.setting.name.text === member && other.scoped.service === service,
      ),
  );
  if (!members.includes(name) && reportedElsewhere) return undefined;
  const chain = members.length > 0 ? [...members, members[0]].join(" → ") : name;
  // Inside a {left} == {right} operand Postfix has no depth limit: it crashes.
  const outcome =
    code === "nesting"
      ? `Postfix gives up ("unreasonable macro call nesting") and stops`
      : "Through a comparison operand, postconf and the daemons recurse until they crash (segmentation fault)";
  const message = members.includes(name)
    ? `${name} refers back to itself through $ references (${chain}), so its value never finishes expanding. ${outcome}. Break the loop.`
    : `Expanding ${name} runs into a loop of $ references (${chain}) that never finishes. ${outcome}. Break the loop.`;
  return { file: scoped.file, ...settingSpan(setting), message };
}

/** The names of the loop at the end of a lookup trace, in lookup order. */
function loopMembers(context: RuleContext, trace: string[], service?: ServiceView): string[] {
  const tail = trace.slice(-60);
  let period = tail.length;
  for (let k = 1; k <= tail.length / 2; k++) {
    if (tail.every((item, i) => i + k >= tail.length || item === tail[i + k])) {
      period = k;
      break;
    }
  }
  const candidates = [...new Set(tail.slice(-period))];
  const references = new Map(
    candidates.map((name) => [
      name,
      parseExpansion(rawValue(context, name, service) ?? "")
        .references.map((reference) => reference.name)
        .filter((other) => candidates.includes(other)),
    ]),
  );
  const reachesItself = (start: string) => {
    const seen = new Set<string>();
    const stack = [...(references.get(start) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(references.get(next) ?? []));
    }
    return false;
  };
  // Name the loop from where the expansion first entered it.
  const members = candidates.filter(reachesItself);
  const entry = members.reduce(
    (first, name) => (trace.indexOf(name) < trace.indexOf(first) ? name : first),
    members[0],
  );
  const at = members.indexOf(entry);
  return [...members.slice(at), ...members.slice(0, at)];
}
