// Compares two results files of `npm run bench` (before and after a change) as
// Markdown tables, for BENCHMARKS.md: the requests at 100k lines while editing,
// the scaling growth, bundles, and every target with its measure in both runs.
//
//   node bench/compare.mjs BEFORE.json AFTER.json [WORKLOAD]   (default "main.cf 100k")
import { readFileSync } from "node:fs";

const [beforeFile, afterFile, workload = "main.cf 100k"] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error("usage: node bench/compare.mjs BEFORE.json AFTER.json [WORKLOAD]");
  process.exit(2);
}
const before = JSON.parse(readFileSync(beforeFile, "utf8"));
const after = JSON.parse(readFileSync(afterFile, "utf8"));

const table = (header, rows) =>
  [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
const percentiles = (summary) =>
  summary && typeof summary === "object" ? `${summary.p50} / ${summary.p99}` : "–";
const session = (results) => results.lsp.find((row) => row.workload === workload) ?? {};

const was = session(before);
const is = session(after);
const requests = [
  ["hover while editing", (s) => s.hoverWhileEditing],
  ["completion while editing", (s) => s.completionWhileEditing],
  ["hover during a validation pass", (s) => s.hoverDuringValidation],
  ["round trip with no work", (s) => s.roundTripFloor],
  ...Object.keys({ ...was.navigation, ...is.navigation }).flatMap((name) => [
    [name, (s) => s.navigation?.[name]],
    [`${name}: its answer from a process that does no work`, (s) => s.answerTransport?.[name]],
  ]),
];
console.log(`Over JSON-RPC, ${workload}, ms p50 / p99:\n`);
console.log(
  table(
    ["request", `before (${before.machine.commit})`, `after (${after.machine.commit})`],
    requests.map(([name, pick]) => [name, percentiles(pick(was)), percentiles(pick(is))]),
  ),
);

console.log("\nScaling, growth of the cost per unit (largest ratio between sizes):\n");
console.log(
  table(
    [
      "shape",
      "parse before",
      "parse after",
      "parse+validate before",
      "parse+validate after",
      "parse alone before",
      "parse alone after",
    ],
    after.scalingSpread.map((row) => {
      const old = before.scalingSpread.find((other) => other.shape === row.shape) ?? {};
      // Results from before 2026-12-07 timed the parse alone, without settling its tree.
      const oldAlone = old.parseAlone ?? old.parse;
      return [
        row.shape,
        old.parseAlone === undefined ? "–" : `×${old.parse}`,
        `×${row.parse}`,
        `×${old.validation}`,
        `×${row.validation}`,
        `×${oldAlone}`,
        `×${row.parseAlone}`,
      ];
    }),
  ),
);

console.log("\nBundles, bytes:\n");
console.log(
  table(
    ["file", "before", "after"],
    Object.keys(after.bundles).map((file) => [
      file,
      String(before.bundles[file]?.bytes ?? "–"),
      String(after.bundles[file].bytes),
    ]),
  ),
);

console.log("\nTargets:\n");
console.log(
  table(
    ["target", "before", "after", "met"],
    after.targets.map((target) => {
      const old = before.targets.find((other) => other.target === target.target);
      const met =
        typeof target.met === "boolean" ? (target.met ? "yes" : "no") : String(target.met);
      return [target.target, old?.measured ?? "–", target.measured, met];
    }),
  ),
);
