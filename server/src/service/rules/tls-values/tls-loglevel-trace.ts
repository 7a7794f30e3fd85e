import { defineRule } from "../rule";
import {
  atLeast,
  finding,
  listJoiner,
  logLevels,
  programOf,
  replaceValue,
  valueSpan,
} from "./shared";

export default defineRule({
  meta: {
    id: "tls-loglevel-trace",
    severity: "warning",
    description:
      "The 'trace' TLS log keyword: one trace file per TLS session that nothing removes.",
    pitfalls: ["P59"],
    fixable: true,
    files: ["main", "master"],
    since: "3.12",
  },
  docs: {
    why: "Postfix 3.12 added a trace keyword to the TLS log levels. It writes a separate trace file for every TLS session into $queue_directory/tlstrace, and Postfix never deletes those files, so on a server with steady TLS traffic they keep filling the disk that also holds the mail queue.",
    fires: [{ main: "smtp_tls_loglevel = 1, trace\n", fixed: { main: "smtp_tls_loglevel = 1\n" } }],
    silent: [
      {
        note: "Releases before 3.12 do not know the keyword.",
        version: "3.11",
        main: "smtp_tls_loglevel = 1, trace\n",
      },
      { main: "smtp_tls_loglevel = 1\n" },
    ],
    fix: "Removes the trace keyword and keeps the other words of the value (1 when nothing else is left). Trace files already written stay where they are; delete them by hand.",
  },
  *check(context) {
    if (!atLeast(context.version, "3.12")) return;
    for (const { p, items, mapsHint } of logLevels(context)) {
      const trace = items.find((item) => item.text === "trace");
      if (!trace) continue;
      const rest = items
        .filter((item) => item !== trace)
        .map((item) => p.value.slice(item.start, item.end));
      const newValue = rest.length > 0 ? rest.join(listJoiner(p)) : "1";
      yield finding(
        p,
        valueSpan(p, trace.start, trace.end),
        `"trace" writes a trace file for every TLS session of ${programOf(p.name)}, and nothing removes those files. They pile up under $queue_directory/tlstrace. Remove it once the problem is found.${mapsHint}`,
        replaceValue(p, newValue, "Remove trace"),
      );
    }
  },
});
