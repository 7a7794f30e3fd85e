// Benchmarks for postfix-lsp: speed, memory and how cost grows with file size.
//
//   npm run bench          full run; prints a table and writes bench/results.json
//   npm run bench:quick    small sizes, few iterations (CI); writes to the temp dir
//
// Options: --quick, --seed N, --out FILE, --skip-build (reuse dist/ as it is),
// --parser FILE (measure another version of server/src/service/parser/document.ts,
// e.g. `git show HEAD~1:server/src/service/parser/document.ts`, for before/after),
// --edits N and --hovers N (iterations of the edit and the hover/completion loops).
// Nothing here asserts on timings: the run exits 0 unless something crashes.
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, release, tmpdir, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import jsonrpc from "vscode-jsonrpc/node";
import { compressedData } from "../scripts/bundleData.mjs";
import {
  createRandom,
  generateMain,
  generateMaster,
  generateMasterOptions,
  generateMasterServices,
} from "./generate.mjs";
import { startServer } from "./lsp.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const VALIDATION_DELAY_MS = 200; // the server's diagnostics debounce (server.ts)
const POSTCONF = "/usr/sbin/postconf";

// ---------------------------------------------------------------- options

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
};
const quick = flag("--quick");
const parserFile = option("--parser", undefined);
const seed = Number(option("--seed", "20261121"));
const outFile = option(
  "--out",
  quick ? join(tmpdir(), "postfix-lsp-bench-quick.json") : join(ROOT, "bench/results.json"),
);

const PLAN = quick
  ? {
      mainSizes: [1000, 5000],
      masterLines: 500,
      edits: 300,
      lspLarge: 5000,
      hovers: 40,
      diagnosticEdits: 3,
      parseBudgetMs: 150,
      cliRuns: 2,
      masterOptions: 5000,
      // Large enough that a parse takes milliseconds, not a timer's noise.
      scaling: { options: [2000, 8000], services: [1000, 4000], mainLines: [2000, 8000] },
      scalingRuns: 3,
    }
  : {
      mainSizes: [1000, 10000, 100000],
      masterLines: 2000,
      edits: 2000,
      lspLarge: 100000,
      hovers: 400,
      diagnosticEdits: 15,
      parseBudgetMs: 1500,
      cliRuns: 7,
      masterOptions: 100000,
      scaling: {
        options: [1000, 10000, 50000, 200000],
        services: [1000, 10000, 100000],
        mainLines: [1000, 10000, 100000],
      },
      scalingRuns: 5,
    };

PLAN.edits = Number(option("--edits", PLAN.edits));
PLAN.hovers = Number(option("--hovers", PLAN.hovers));

// ---------------------------------------------------------------- helpers

const collect = () => globalThis.gc?.();

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function summary(samples) {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sum / sorted.length),
  };
}

function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function fixed(value, digits = 2) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

/** Runs `fn` until both `minReps` runs and `budgetMs` have passed; returns the times. */
function repeat(fn, { warmup = 2, minReps = 5, maxReps = 200, budgetMs }) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  const deadline = performance.now() + budgetMs;
  let result;
  while (times.length < maxReps && (times.length < minReps || performance.now() < deadline)) {
    const started = performance.now();
    result = fn();
    times.push(performance.now() - started);
  }
  return { times, result };
}

function printTable(title, headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells.slice(1)) console.log(line(row));
}

function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown";
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  return {
    cpus: availableParallelism(),
    model,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    kernel: release(),
    commit: git.status === 0 ? git.stdout.trim() : undefined,
    // Other work on the machine skews timings; the 1-minute load average tells.
    loadAverageAtStart: round(loadavg()[0], 2),
  };
}

/** A one-character edit at a random place: 70% insert, 30% delete, as LSP sends it. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz_0123456789 ,=$#\n";
/** A one-character insertion or deletion; `document` maps offsets to positions. */
function randomChange(random, document, length) {
  const offset = random.int(length + 1);
  if (offset < length && random.chance(0.3)) {
    const range = { start: document.positionAt(offset), end: document.positionAt(offset + 1) };
    return { range, text: "" };
  }
  const position = document.positionAt(offset);
  return { range: { start: position, end: position }, text: random.pick([...ALPHABET]) };
}

// ---------------------------------------------------------------- workloads

function workloads() {
  const fixture = (name) => readFileSync(join(ROOT, "bench/fixtures", name), "utf8");
  const debianMaster = fixture("master.cf.dist");
  const list = [
    { id: "realistic main.cf", kind: "main", text: generateMain(300, seed) },
    { id: "Debian main.cf", kind: "main", text: fixture("main.cf.dist") },
    { id: "Debian master.cf", kind: "master", text: debianMaster },
    ...PLAN.mainSizes.map((lines) => ({
      id: `main.cf ${lines / 1000}k`,
      kind: "main",
      text: generateMain(lines, seed),
      edits: true,
    })),
    {
      id: `master.cf ${PLAN.masterLines / 1000}k`,
      kind: "master",
      text: generateMaster(PLAN.masterLines, seed, debianMaster),
      edits: true,
    },
    {
      // The editing target for master.cf: many -o lines, ten per smtpd service.
      id: `master.cf ${PLAN.masterOptions / 1000}k -o`,
      kind: "master",
      text: generateMasterOptions(PLAN.masterOptions, 10),
      edits: true,
      options: PLAN.masterOptions,
    },
  ];
  for (const workload of list) {
    workload.lines = workload.text.split("\n").length - (workload.text.endsWith("\n") ? 1 : 0);
    workload.bytes = Buffer.byteLength(workload.text, "utf8");
    workload.uri = `file:///bench/${workload.id.replace(/[^A-Za-z0-9.]+/g, "-")}/${workload.kind}.cf`;
  }
  return list;
}

// ---------------------------------------------------------------- builds

const BUNDLES = ["client.js", "server.js", "cli.js"];
const DOCUMENT_TS = join(ROOT, "server/src/service/parser/document.ts");

/** With --parser FILE: bundles take document.ts from FILE. */
const substituteParser = {
  name: "substitute-parser",
  setup(bundler) {
    bundler.onLoad({ filter: /document\.ts$/ }, (args) =>
      parserFile && args.path === DOCUMENT_TS
        ? {
            contents: readFileSync(parserFile, "utf8"),
            loader: "ts",
            resolveDir: dirname(DOCUMENT_TS),
          }
        : undefined,
    );
  },
};

/** The options of `node scripts/build.mjs --production`. */
const PRODUCTION = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: false,
  minify: true,
  logLevel: "warning",
  plugins: [substituteParser, compressedData],
};

/**
 * Builds dist/ for production and copies the bundles to `dir`/dist, so that a
 * development build someone starts meanwhile cannot change what is measured.
 * With --parser, builds the bundles itself, with the same options.
 */
async function buildProduction(dir) {
  mkdirSync(join(dir, "dist"), { recursive: true });
  if (parserFile) {
    const banner = { js: "#!/usr/bin/env node" };
    const entries = [
      ["client/src/extension.ts", "client.js", { external: ["vscode"] }],
      ["server/src/server.ts", "server.js", { banner }],
      ["server/src/cli.ts", "cli.js", { banner }],
    ];
    for (const [entry, name, extra] of entries) {
      await build({
        ...PRODUCTION,
        ...extra,
        entryPoints: [join(ROOT, entry)],
        outfile: join(dir, "dist", name),
      });
    }
    return;
  }
  for (let attempt = 1; ; attempt++) {
    if (!flag("--skip-build")) {
      const result = spawnSync(process.execPath, ["scripts/build.mjs", "--production"], {
        cwd: ROOT,
        stdio: "inherit",
      });
      if (result.status !== 0) throw new Error("production build failed");
    }
    for (const name of BUNDLES) copyFileSync(join(ROOT, "dist", name), join(dir, "dist", name));
    // A production bundle has no source map reference.
    const development = BUNDLES.filter((name) =>
      readFileSync(join(dir, "dist", name), "utf8").includes("//# sourceMappingURL="),
    );
    if (development.length === 0) return;
    if (flag("--skip-build") || attempt >= 3) {
      console.log(`warning: not production bundles: ${development.join(", ")}`);
      return;
    }
  }
}

/** Bundles the service functions the way the server is bundled, and loads them. */
async function loadService(dir) {
  const outfile = join(dir, "service.cjs");
  await build({ ...PRODUCTION, entryPoints: [join(ROOT, "bench/service.ts")], outfile });
  return createRequire(import.meta.url)(outfile);
}

function bundleSizes(dir) {
  const sizes = {};
  for (const name of BUNDLES) {
    const path = join(dir, "dist", name);
    sizes[name] = { bytes: statSync(path).size, gzipBytes: gzipSync(readFileSync(path)).length };
  }
  return sizes;
}

function clientActivation(dir) {
  const runs = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) {
    const result = spawnSync(process.execPath, [join(ROOT, "bench/activation.mjs"), dir], {
      encoding: "utf8",
      timeout: 30_000,
    });
    try {
      runs.push(JSON.parse(result.stdout.trim().split("\n").pop()));
    } catch {
      runs.push({ error: (result.stderr || result.stdout || "no output").slice(0, 300) });
    }
  }
  const ok = runs.filter((run) => !run.error);
  if (ok.length === 0) return { error: runs[0]?.error };
  const median = (values) => percentile(Float64Array.from(values).sort(), 0.5);
  return {
    runs: ok.length,
    loadMs: round(median(ok.map((run) => run.loadMs))),
    activateMs: round(median(ok.map((run) => run.activateMs))),
  };
}

// ---------------------------------------------------------------- in-process

function parseAndAnalysis(S, workload) {
  collect();
  const parse = repeat(() => S.parseConfig(workload.kind, workload.text), {
    budgetMs: PLAN.parseBudgetMs,
  });
  collect();
  const analysis = repeat(
    () => {
      const config = S.parseConfig(workload.kind, workload.text);
      return S.doValidation(config, new S.EditableText(workload.text), {});
    },
    { budgetMs: PLAN.parseBudgetMs },
  );
  const parseMs = summary(parse.times).p50;
  return {
    workload: workload.id,
    lines: workload.lines,
    bytes: workload.bytes,
    parseMs,
    parseMBps: round(workload.bytes / 1e6 / (parseMs / 1000), 1),
    analysisMs: summary(analysis.times).p50,
    runs: parse.times.length,
    diagnostics: analysis.result.length,
  };
}

function editLoop(S, workload) {
  const random = createRandom(seed + workload.lines);
  let config = S.parseConfig(workload.kind, workload.text);
  const document = new S.EditableText(workload.text);
  const total = [];
  const update = [];
  const textUpdate = [];
  const warmup = Math.min(200, PLAN.edits / 4);
  collect();
  for (let i = 0; i < warmup + PLAN.edits; i++) {
    const change = randomChange(random, document, document.length);
    // What the server's didChange handler does for one incremental change.
    const t0 = performance.now();
    const start = document.offsetAt(change.range.start);
    const end = Math.max(start, document.offsetAt(change.range.end));
    config = S.updateConfig(config, { start, end, newText: change.text });
    const t1 = performance.now();
    document.applyChange(change);
    const t2 = performance.now();
    if (i < warmup) continue; // the first edits also compile the code paths
    total.push(t2 - t0);
    update.push(t1 - t0);
    textUpdate.push(t2 - t1);
  }
  const finalText = document.getText();
  const fresh = S.parseConfig(workload.kind, finalText);
  const equal = config.text === finalText && isDeepStrictEqual(config.blocks, fresh.blocks);
  return {
    workload: workload.id,
    lines: workload.lines,
    edits: PLAN.edits,
    warmupEdits: warmup,
    total: summary(total),
    updateConfig: summary(update),
    textUpdate: summary(textUpdate),
    incrementalEqualsFullParse: equal,
  };
}

// ---------------------------------------------------------------- scaling

/**
 * The shapes of the scaling benchmark: the same kind of content at growing sizes,
 * counted in `unit`s, so that a cost per unit that stays flat shows linear cost.
 */
function scalingShapes() {
  const { options, services, mainLines } = PLAN.scaling;
  return [
    ...options.map((n) => ({
      shape: "-o lines in one service",
      unit: "-o line",
      n,
      kind: "master",
      text: generateMasterOptions(n),
    })),
    ...options.map((n) => ({
      shape: "-o lines, 10 per service",
      unit: "-o line",
      n,
      kind: "master",
      text: generateMasterOptions(n, 10),
    })),
    ...services.map((n) => ({
      shape: "services",
      unit: "service",
      n,
      kind: "master",
      text: generateMasterServices(n),
    })),
    ...mainLines.map((n) => ({
      shape: "main.cf lines",
      unit: "line",
      n,
      kind: "main",
      text: generateMain(n, seed),
    })),
  ];
}

/**
 * Two young-generation collections: V8 moves an object that survives its second
 * one to the old generation, where a parse tree lives for as long as the
 * document is open.
 */
function settle() {
  globalThis.gc({ type: "minor" });
  globalThis.gc({ type: "minor" });
}

/**
 * The least CPU time (user + system, ms) of `runs` runs of `fn`: the cost of the
 * work itself, as wall-clock time on a shared machine adds the time the process
 * waits for a CPU. Two figures:
 * - `settledMs`, the run and moving what it keeps (what `fn` returns) to the old
 *   generation, less the same collections with nothing to move. Every size pays
 *   the collector for its tree: a large parse pays during the run, as the young
 *   generation fills, and a small one would pay only after the timer stopped.
 * - `aloneMs`, the run alone.
 */
function bestCpuMs(fn, runs) {
  let settled = Infinity;
  let alone = Infinity;
  let collections = Infinity;
  for (let i = 0; i < runs; i++) {
    collect(); // not the previous run's garbage
    const empty = process.cpuUsage();
    settle();
    collections = Math.min(collections, cpuMsSince(empty));
    collect();
    const started = process.cpuUsage();
    const kept = fn();
    alone = Math.min(alone, cpuMsSince(started));
    settle();
    settled = Math.min(settled, cpuMsSince(started));
    void kept;
  }
  return { settledMs: round(Math.max(0, settled - collections)), aloneMs: round(alone) };
}

function cpuMsSince(started) {
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/**
 * Runs the smallest size of each shape until the compiler has optimized the code
 * it runs: else the first shape's smallest size measures the interpreter.
 */
function warmUpScaling(S, shapes) {
  const smallest = new Map();
  for (const shape of shapes) if (!smallest.has(shape.shape)) smallest.set(shape.shape, shape);
  for (const { kind, text } of smallest.values()) {
    for (let i = 0; i < 20; i++) S.parseConfig(kind, text);
    for (let i = 0; i < 5; i++)
      S.doValidation(S.parseConfig(kind, text), new S.EditableText(text), {});
  }
}

/**
 * Parse, full validation, and hover and completion at 200 places spread over the
 * file (on each place's first word, where a name or field is), for one size of
 * one shape.
 */
function scalingRow(S, { shape, unit, n, kind, text }) {
  collect();
  // Validating 100k services takes tens of seconds: fewer runs for the largest sizes.
  const runs = n >= 50_000 ? 2 : PLAN.scalingRuns;
  const parse = bestCpuMs(() => S.parseConfig(kind, text), runs);
  collect();
  const validation = bestCpuMs(() => {
    const config = S.parseConfig(kind, text);
    return [config, S.doValidation(config, new S.EditableText(text), {})];
  }, runs);
  const config = S.parseConfig(kind, text);
  const document = new S.EditableText(text);
  const lines = text.split("\n");
  const places = [];
  const step = Math.max(1, Math.floor(lines.length / 200));
  for (let line = 0; line < lines.length; line += step) {
    const first = lines[line].search(/[^ \t]/);
    if (first >= 0) places.push({ line, character: first + (kind === "master" ? 4 : 2) });
  }
  const perRequest = (request) => {
    for (const position of places) request(position); // warm-up
    const times = [];
    for (const position of places) {
      const started = performance.now();
      request(position);
      times.push(performance.now() - started);
    }
    return summary(times);
  };
  const hover = perRequest((position) =>
    S.doHover(config, document, position, { version: "3.12" }),
  );
  const completion = perRequest((position) =>
    S.doComplete(config, document, position, { version: "3.12" }),
  );
  return {
    shape,
    unit,
    n,
    bytes: Buffer.byteLength(text, "utf8"),
    parseMs: parse.settledMs,
    validationMs: validation.settledMs,
    parseUsPerUnit: round((parse.settledMs * 1000) / n),
    validationUsPerUnit: round((validation.settledMs * 1000) / n),
    parseAloneMs: parse.aloneMs,
    parseAloneUsPerUnit: round((parse.aloneMs * 1000) / n),
    hover,
    completion,
  };
}

/**
 * Per shape and measure, how much the cost per unit (per request for hover and
 * completion) grows with the size: the largest ratio of a larger size's cost to a
 * smaller size's. Linear cost keeps it near 1 (or below, as fixed costs spread);
 * quadratic cost doubles it with every doubling of the size.
 */
function scalingSpread(rows) {
  const spreads = [];
  for (const shape of [...new Set(rows.map((row) => row.shape))]) {
    const mine = rows.filter((row) => row.shape === shape).sort((a, b) => a.n - b.n);
    const growth = (values) => {
      let worst = 0;
      for (let j = 1; j < values.length; j++) {
        for (let i = 0; i < j; i++) worst = Math.max(worst, values[j] / Math.max(values[i], 1e-9));
      }
      return round(worst, 2);
    };
    spreads.push({
      shape,
      sizes: mine.map((row) => row.n),
      parse: growth(mine.map((row) => row.parseUsPerUnit)),
      validation: growth(mine.map((row) => row.validationUsPerUnit)),
      // Shown, not a target: small sizes leave their collection until after the timer.
      parseAlone: growth(mine.map((row) => row.parseAloneUsPerUnit)),
      // Requests take microseconds; below 0.1 ms, differences are timer noise.
      hover: growth(mine.map((row) => Math.max(row.hover.p50, HOVER_FLOOR_MS))),
      completion: growth(mine.map((row) => Math.max(row.completion.p50, HOVER_FLOOR_MS))),
    });
  }
  return spreads;
}

const HOVER_FLOOR_MS = 0.1;

// ---------------------------------------------------------------- over LSP

async function lspWorkload(S, dir, workload, interactive) {
  const server = await startServer(join(dir, "dist/server.js"));
  try {
    const idle = server.memory();
    const language = `postfix-${workload.kind}`;
    const opened = performance.now();
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: workload.uri, languageId: language, version: 1, text: workload.text },
    });
    const first = await server.diagnostics(workload.uri, 1);
    await sleep(300);
    const result = {
      workload: workload.id,
      lines: workload.lines,
      options: workload.options,
      openToDiagnosticsMs: round(first.at - opened - VALIDATION_DELAY_MS),
      diagnostics: first.count,
      memoryIdle: roundMemory(idle),
      memoryAfterOpen: roundMemory(server.memory()),
    };
    if (interactive) {
      Object.assign(result, await editingSession(S, server, workload));
      result.memoryAfterEditing = roundMemory(server.memory());
    }
    return result;
  } finally {
    await server.stop();
  }
}

function roundMemory({ rssMiB, peakMiB }) {
  return { rssMiB: round(rssMiB, 1), peakMiB: round(peakMiB, 1) };
}

/**
 * Edits stream in (one character every few ms, like typing) and after each edit a
 * hover (and a completion, when the server offers it) is sent at once: the
 * latency includes the server applying that edit first, as it would in an editor.
 */
async function editingSession(S, server, workload) {
  const { connection, capabilities } = server;
  const random = createRandom(seed ^ 0x5eed);
  // The editor's copy of the text. TextDocument would rebuild 4.7 MB per edit here,
  // and the garbage collections that causes in this process would count as latency.
  const document = new S.EditableText(workload.text);
  let version = 1;
  // Parameter names: at the start of a main.cf line, or after a master.cf `-o`.
  const places = [];
  workload.text.split("\n").forEach((line, index) => {
    if (/^[A-Za-z]/.test(line)) places.push({ line: index, character: 3 });
    const option = /^\s+-o [a-z]/.exec(line);
    if (option) places.push({ line: index, character: option[0].length + 2 });
  });
  const somewhereUseful = () => random.pick(places);
  const edit = () => {
    const change = randomChange(random, document, document.length);
    version += 1;
    document.applyChange(change);
    void connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: workload.uri, version },
      contentChanges: [change],
    });
  };
  /** Sends a request about `position`; its time in ms, and the answer. */
  const timeRequest = async (method, position, extra = {}) => {
    const started = performance.now();
    const answer = await connection.sendRequest(method, {
      textDocument: { uri: workload.uri },
      position,
      ...extra,
    });
    return { ms: performance.now() - started, answer };
  };
  const typingGapMs = 15;

  const hoverIdle = [];
  for (let i = 0; i < Math.max(10, PLAN.hovers / 4); i++) {
    hoverIdle.push((await timeRequest("textDocument/hover", somewhereUseful())).ms);
  }
  const hover = [];
  for (let i = 0; i < PLAN.hovers; i++) {
    edit();
    hover.push((await timeRequest("textDocument/hover", somewhereUseful())).ms);
    await sleep(typingGapMs);
  }
  let completion;
  if (capabilities.completionProvider) {
    const samples = [];
    for (let i = 0; i < PLAN.hovers; i++) {
      edit();
      samples.push((await timeRequest("textDocument/completion", somewhereUseful())).ms);
      await sleep(typingGapMs);
    }
    completion = summary(samples);
  }
  // Navigation requests, each after an edit as while typing (those the server offers);
  // as many samples as for hover, so that p99 is not just the second-slowest of 100.
  const navigation = {};
  /** The last answer to each request, for the timing of its transport alone. */
  const answers = {};
  for (const [name, method, provider, extra] of NAVIGATION_REQUESTS) {
    if (!capabilities[provider]) continue;
    const samples = [];
    for (let i = 0; i < PLAN.hovers; i++) {
      edit();
      const position = somewhereUseful();
      const { ms, answer } = await timeRequest(method, position, extra?.(position));
      samples.push(ms);
      answers[name] = answer;
      await sleep(typingGapMs);
    }
    navigation[name] = summary(samples);
  }
  // The floor under every figure above: a request the server answers at once (it
  // does not know the method), after an edit, over the same channel.
  const roundTrip = [];
  for (let i = 0; i < PLAN.hovers; i++) {
    edit();
    const started = performance.now();
    await connection.sendRequest("postfix/benchNoSuchMethod", {}).catch(() => undefined);
    roundTrip.push(performance.now() - started);
    await sleep(typingGapMs);
  }
  // Let the validation the last edit scheduled finish before timing new ones.
  await server.diagnostics(workload.uri, version);
  const toDiagnostics = [];
  for (let i = 0; i < PLAN.diagnosticEdits; i++) {
    edit();
    const sent = performance.now();
    const published = await server.diagnostics(workload.uri, version);
    toDiagnostics.push(published.at - sent - VALIDATION_DELAY_MS);
  }
  // A hover sent just after the debounce, while the server validates that edit.
  const duringValidation = [];
  for (let i = 0; i < PLAN.diagnosticEdits; i++) {
    edit();
    await sleep(VALIDATION_DELAY_MS + 10);
    duringValidation.push((await timeRequest("textDocument/hover", somewhereUseful())).ms);
    await server.diagnostics(workload.uri, version);
  }
  return {
    hoverIdle: summary(hoverIdle),
    hoverWhileEditing: summary(hover),
    completionWhileEditing: completion ?? "n/a (the server does not advertise completionProvider)",
    editToDiagnostics: summary(toDiagnostics),
    hoverDuringValidation: summary(duringValidation),
    navigation,
    roundTripFloor: summary(roundTrip),
    answerTransport: await answerTransport(answers, typingGapMs),
  };
}

/**
 * For each answer: its size in JSON, and the round trip of the same answer from a
 * process that does no work for it (bench/echo-server.mjs), timed as the server's
 * requests are (a small notification before each, then the typing gap). What
 * carrying the answer costs on this machine, apart from the server's work and heap.
 */
async function answerTransport(answers, gapMs) {
  const peer = spawn(process.execPath, [join(ROOT, "bench", "echo-server.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = jsonrpc.createMessageConnection(
    new jsonrpc.StreamMessageReader(peer.stdout),
    new jsonrpc.StreamMessageWriter(peer.stdin),
  );
  connection.listen();
  const transport = {};
  try {
    for (const [name, answer] of Object.entries(answers)) {
      await connection.sendRequest("bench/keep", answer);
      const samples = [];
      for (let i = 0; i < PLAN.hovers; i++) {
        void connection.sendNotification("bench/edit", { text: "x" });
        const started = performance.now();
        await connection.sendRequest("bench/answer");
        samples.push(performance.now() - started);
        await sleep(gapMs);
      }
      transport[name] = { bytes: Buffer.byteLength(JSON.stringify(answer)), ...summary(samples) };
    }
  } finally {
    connection.dispose();
    peer.kill();
  }
  return transport;
}

/** The navigation requests the editing session times: name, method, capability, extra params. */
const NAVIGATION_REQUESTS = [
  ["definition", "textDocument/definition", "definitionProvider"],
  [
    "references",
    "textDocument/references",
    "referencesProvider",
    () => ({ context: { includeDeclaration: true } }),
  ],
  ["highlight", "textDocument/documentHighlight", "documentHighlightProvider"],
  [
    "selection",
    "textDocument/selectionRange",
    "selectionRangeProvider",
    (p) => ({ positions: [p] }),
  ],
  // A screenful of hints around the place, as an editor asks for the visible lines.
  [
    "inlayHints",
    "textDocument/inlayHint",
    "inlayHintProvider",
    (p) => ({
      range: { start: { line: p.line, character: 0 }, end: { line: p.line + 60, character: 0 } },
    }),
  ],
  ["documentSymbols", "textDocument/documentSymbol", "documentSymbolProvider"],
  ["folding", "textDocument/foldingRange", "foldingRangeProvider"],
  ["documentLinks", "textDocument/documentLink", "documentLinkProvider"],
];

// ---------------------------------------------------------------- postconf

function timeCommand(command, commandArgs, runs) {
  const once = () => {
    const started = performance.now();
    const result = spawnSync(command, commandArgs, {
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return { ms: performance.now() - started, status: result.status, stdout: result.stdout };
  };
  once(); // warm the page cache and the binary
  const results = Array.from({ length: runs }, once);
  const ms = percentile(Float64Array.from(results.map((r) => r.ms)).sort(), 0.5);
  return { ms: round(ms, 1), status: results[0].status, stdout: results[0].stdout };
}

function postconfComparison(work, dirs) {
  // The floor for any Node.js CLI: starting a process that does nothing.
  const nodeStartup = timeCommand(process.execPath, ["-e", "0"], PLAN.cliRuns).ms;
  let postconfVersion;
  try {
    postconfVersion = spawnSync(POSTCONF, ["-d", "-h", "mail_version"], {
      encoding: "utf8",
    }).stdout?.trim();
  } catch {
    postconfVersion = undefined;
  }
  return dirs.map(({ id, dir }) => {
    const cli = timeCommand(
      process.execPath,
      [join(work, "dist/cli.js"), "--print", "main", dir, "--postfix-version", "3.7"],
      PLAN.cliRuns,
    );
    if (!postconfVersion) {
      return { workload: id, postconf: "n/a", cliMs: cli.ms, nodeStartupMs: nodeStartup };
    }
    const postconf = timeCommand(POSTCONF, ["-n", "-c", dir], PLAN.cliRuns);
    // postconf -n also lists config_directory, which -c sets explicitly.
    const postconfLines = postconf.stdout
      .split("\n")
      .filter((line) => !line.startsWith("config_directory = "));
    return {
      workload: id,
      postconfVersion,
      postconfMs: postconf.ms,
      cliMs: cli.ms,
      nodeStartupMs: nodeStartup,
      ratio: round(cli.ms / postconf.ms, 2),
      sameOutput: postconfLines.join("\n") === cli.stdout,
      settingsPrinted: postconfLines.filter(Boolean).length,
    };
  });
}

// ---------------------------------------------------------------- targets

function targets(results) {
  const edit = (lines) =>
    results.edits.find((row) => row.lines === lines && /main/.test(row.workload));
  const largest = PLAN.mainSizes[PLAN.mainSizes.length - 1];
  const large = results.lsp.find((row) => row.lines === largest && row.hoverWhileEditing);
  const analysis = results.parse.find((row) => row.lines === largest);
  const cli = results.postconf.find((row) => row.workload.startsWith("main.cf"));
  const list = [];
  const add = (target, measured, met) => list.push({ target, measured, met });
  const e1 = edit(1000);
  const eLarge = edit(largest);
  if (e1) {
    add(
      "edit update p99 < 1 ms at 1k lines (updateConfig + text update)",
      `${fixed(e1.total.p99, 3)} ms`,
      e1.total.p99 < 1,
    );
  }
  if (e1 && eLarge) {
    add(
      `edit update p99 < 5 ms at ${largest / 1000}k lines`,
      `${fixed(eLarge.total.p99, 3)} ms (updateConfig alone ${fixed(eLarge.updateConfig.p99, 3)} ms)`,
      eLarge.total.p99 < 5,
    );
    // "Not in proportion": the p50 grows at most like the square root of the size.
    const sizes = largest / 1000;
    const growth = (part) => eLarge[part].p50 / e1[part].p50;
    add(
      "edit cost does not grow in proportion to file size",
      `p50 x${fixed(growth("total"), 1)} for x${sizes} lines (updateConfig alone x${fixed(growth("updateConfig"), 1)})`,
      growth("total") <= Math.sqrt(sizes),
    );
  }
  if (large) {
    add(
      `hover p99 < 10 ms at ${largest / 1000}k while editing`,
      `${fixed(large.hoverWhileEditing.p99)} ms`,
      large.hoverWhileEditing.p99 < 10,
    );
    if (typeof large.completionWhileEditing === "object") {
      add(
        `completion p99 < 10 ms at ${largest / 1000}k while editing`,
        `${fixed(large.completionWhileEditing.p99)} ms`,
        large.completionWhileEditing.p99 < 10,
      );
    } else {
      add("completion p99 < 10 ms while editing", "n/a", "n/a");
    }
    add(
      `hover during a validation pass at ${largest / 1000}k lines (no target; was up to 1 s)`,
      `${fixed(large.hoverDuringValidation.p50)} ms p50, ${fixed(large.hoverDuringValidation.max)} ms max`,
      "n/a",
    );
    const open = large.memoryAfterOpen;
    const edited = large.memoryAfterEditing;
    add(
      `server memory < 150 MB with ${largest / 1000}k lines open`,
      `${fixed(open.rssMiB * 1.048576, 1)} MB RSS after open; ` +
        `${fixed(edited.rssMiB * 1.048576, 1)} MB after editing (peak ${fixed(edited.peakMiB * 1.048576, 1)} MB)`,
      open.rssMiB * 1.048576 < 150,
    );
  }
  if (analysis) {
    add(
      `full analysis < 200 ms at ${largest / 1000}k lines`,
      `${fixed(analysis.analysisMs, 1)} ms warm; ${fixed(large?.openToDiagnosticsMs, 1)} ms on open`,
      analysis.analysisMs < 200,
    );
  }
  if (large?.roundTripFloor) {
    add(
      `round trip of a request with no work after an edit at ${largest / 1000}k lines (no target: the floor under the figures above)`,
      `${fixed(large.roundTripFloor.p50)} ms p50, ${fixed(large.roundTripFloor.p99)} ms p99`,
      "n/a",
    );
  }
  for (const [name, measured] of Object.entries(large?.navigation ?? {})) {
    const alone = large.answerTransport?.[name];
    const transport = alone
      ? `; the same ${fixed(alone.bytes / 1000, 1)} kB answer from a process that does no work: ` +
        `${fixed(alone.p99)} ms p99 (p50 ${fixed(alone.p50)} ms)`
      : "";
    add(
      `${name} p99 < 10 ms at ${largest / 1000}k while editing`,
      `${fixed(measured.p99)} ms (p50 ${fixed(measured.p50)} ms)${transport}`,
      measured.p99 < 10,
    );
  }
  const masterEditing = results.lsp.find((row) => row.options && row.hoverWhileEditing);
  if (masterEditing) {
    const size = `${masterEditing.options / 1000}k -o lines (master.cf)`;
    add(
      `edit + hover p99 < 20 ms at ${size} while editing`,
      `${fixed(masterEditing.hoverWhileEditing.p99)} ms`,
      masterEditing.hoverWhileEditing.p99 < 20,
    );
    if (typeof masterEditing.completionWhileEditing === "object") {
      add(
        `edit + completion p99 < 20 ms at ${size} while editing`,
        `${fixed(masterEditing.completionWhileEditing.p99)} ms`,
        masterEditing.completionWhileEditing.p99 < 20,
      );
    }
  }
  for (const spread of results.scalingSpread ?? []) {
    const worst = Math.max(spread.parse, spread.validation, spread.hover, spread.completion);
    add(
      `cost per unit grows at most x2 with size, ${spread.shape} (${spread.sizes.map((n) => `${n / 1000}k`).join(", ")})`,
      `growth: parse x${fixed(spread.parse)}, validation x${fixed(spread.validation)}, ` +
        `hover x${fixed(spread.hover)}, completion x${fixed(spread.completion)} ` +
        `(parse alone x${fixed(spread.parseAlone)})`,
      worst <= 2,
    );
  }
  const server = results.bundles["server.js"].bytes;
  add("server bundle < 1 MB", `${fixed(server / 1e6, 3)} MB`, server < 1e6);
  if (cli && typeof cli.ratio === "number") {
    add(
      "CLI at least as fast as postconf -n (large main.cf)",
      `x${fixed(cli.ratio)} (${cli.cliMs} ms vs ${cli.postconfMs} ms; node -e 0 takes ${cli.nodeStartupMs} ms)`,
      cli.ratio <= 1,
    );
  }
  return list;
}

// ---------------------------------------------------------------- main

async function main() {
  const startedAt = Date.now();
  const work = mkdtempSync(join(tmpdir(), "postfix-lsp-bench-"));
  try {
    console.log(`postfix-lsp benchmarks (${quick ? "quick" : "full"} run, seed ${seed})`);
    if (parserFile) console.log(`document.ts taken from ${parserFile}`);
    await buildProduction(work);
    const S = await loadService(work);
    const list = workloads();
    const results = {
      generatedBy: quick ? "npm run bench:quick" : "npm run bench",
      date: new Date().toISOString(),
      seed,
      parser: parserFile ? `document.ts from ${parserFile}` : "the working tree",
      machine: machine(),
      workloads: list.map(({ id, kind, lines, bytes }) => ({ id, kind, lines, bytes })),
    };
    const m = results.machine;
    console.log(
      `${m.model}, ${m.cpus} CPUs, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadAverageAtStart}`,
    );

    results.parse = list.map((workload) => parseAndAnalysis(S, workload));
    printTable(
      "Full parse and analysis (in-process, warm, median)",
      ["workload", "lines", "KB", "parse ms", "MB/s", "parse+validate ms", "diagnostics"],
      results.parse.map((r) => [
        r.workload,
        r.lines,
        fixed(r.bytes / 1000, 1),
        fixed(r.parseMs),
        fixed(r.parseMBps, 1),
        fixed(r.analysisMs),
        r.diagnostics,
      ]),
    );

    results.edits = list.filter((w) => w.edits).map((workload) => editLoop(S, workload));
    printTable(
      `One-character edits at random places: updateConfig + EditableText update (${PLAN.edits} edits, ms)`,
      [
        "workload",
        "p50",
        "p99",
        "max",
        "updateConfig p50/p99",
        "text update p50/p99",
        "= full parse",
      ],
      results.edits.map((r) => [
        r.workload,
        fixed(r.total.p50, 3),
        fixed(r.total.p99, 3),
        fixed(r.total.max, 3),
        `${fixed(r.updateConfig.p50, 3)} / ${fixed(r.updateConfig.p99, 3)}`,
        `${fixed(r.textUpdate.p50, 3)} / ${fixed(r.textUpdate.p99, 3)}`,
        r.incrementalEqualsFullParse ? "yes" : "NO",
      ]),
    );

    const shapes = scalingShapes();
    warmUpScaling(S, shapes);
    results.scaling = shapes.map((shape) => scalingRow(S, shape));
    results.scalingSpread = scalingSpread(results.scaling);
    printTable(
      "Scaling: cost per unit as the file grows (in-process, warm; parse and validation: least CPU time of the runs, with moving the result to the old generation; parse alone: without it; hover and completion: wall time per request at 200 places)",
      [
        "shape",
        "size",
        "KB",
        "parse CPU ms",
        "µs/unit",
        "parse alone µs/unit",
        "parse+validate CPU ms",
        "µs/unit",
        "hover p50/p99 ms",
        "completion p50/p99 ms",
      ],
      results.scaling.map((r) => [
        r.shape,
        `${r.n.toLocaleString("en")} ${r.unit}s`,
        fixed(r.bytes / 1000, 1),
        fixed(r.parseMs, 1),
        fixed(r.parseUsPerUnit),
        fixed(r.parseAloneUsPerUnit),
        fixed(r.validationMs, 1),
        fixed(r.validationUsPerUnit),
        `${fixed(r.hover.p50, 3)} / ${fixed(r.hover.p99, 3)}`,
        `${fixed(r.completion.p50, 3)} / ${fixed(r.completion.p99, 3)}`,
      ]),
    );

    results.lsp = [];
    for (const workload of list) {
      collect();
      const interactive = workload.edits && (workload.kind === "main" || workload.options);
      results.lsp.push(await lspWorkload(S, work, workload, interactive));
    }
    printTable(
      "Over stdio JSON-RPC (node dist/server.js --stdio), one server per workload",
      [
        "workload",
        "open→diags-200ms",
        "RSS idle/open/edited MiB",
        "hover idle p50/p99",
        "hover editing p50/p99",
        "completion p50/p99",
        "edit→diags-200ms p50/max",
        "hover during validation p50/max",
      ],
      results.lsp.map((r) => [
        r.workload,
        fixed(r.openToDiagnosticsMs, 1),
        [r.memoryIdle, r.memoryAfterOpen, r.memoryAfterEditing]
          .map((m) => (m ? fixed(m.rssMiB, 1) : "-"))
          .join(" / "),
        r.hoverIdle ? `${fixed(r.hoverIdle.p50)} / ${fixed(r.hoverIdle.p99)}` : "-",
        r.hoverWhileEditing
          ? `${fixed(r.hoverWhileEditing.p50)} / ${fixed(r.hoverWhileEditing.p99)}`
          : "-",
        typeof r.completionWhileEditing === "object"
          ? `${fixed(r.completionWhileEditing.p50)} / ${fixed(r.completionWhileEditing.p99)}`
          : r.hoverWhileEditing
            ? "n/a"
            : "-",
        r.editToDiagnostics
          ? `${fixed(r.editToDiagnostics.p50, 1)} / ${fixed(r.editToDiagnostics.max, 1)}`
          : "-",
        r.hoverDuringValidation
          ? `${fixed(r.hoverDuringValidation.p50, 1)} / ${fixed(r.hoverDuringValidation.max, 1)}`
          : "-",
      ]),
    );

    results.bundles = bundleSizes(work);
    results.clientActivation = clientActivation(work);
    const activation = results.clientActivation;
    printTable(
      "Production bundles (node scripts/build.mjs --production)",
      ["file", "KB", "gzip KB"],
      Object.entries(results.bundles).map(([name, size]) => [
        name,
        fixed(size.bytes / 1000, 1),
        fixed(size.gzipBytes / 1000, 1),
      ]),
    );
    console.log(
      activation.error
        ? `Client activation: not measured (${activation.error})`
        : `Client activation with a stand-in vscode module (median of ${activation.runs}): ` +
            `load dist/client.js ${fixed(activation.loadMs, 1)} ms, ` +
            `activate() until the server answered initialize ${fixed(activation.activateMs, 1)} ms`,
    );

    const largest = list.find((w) => w.lines === PLAN.lspLarge && w.kind === "main");
    const debianMain = list.find((w) => w.id === "Debian main.cf");
    const debianMaster = list.find((w) => w.id === "Debian master.cf");
    const dir = (name, main) => {
      const path = join(work, name);
      mkdirSync(path);
      writeFileSync(join(path, "main.cf"), main);
      writeFileSync(join(path, "master.cf"), debianMaster.text);
      return path;
    };
    results.postconf = postconfComparison(work, [
      { id: largest.id, dir: dir("large", largest.text) },
      { id: debianMain.id, dir: dir("debian", debianMain.text) },
    ]);
    printTable(
      `postconf -n -c DIR vs node dist/cli.js --print main DIR --postfix-version 3.7 (wall, median of ${PLAN.cliRuns})`,
      ["main.cf", "postconf ms", "cli ms", "of which node -e 0", "cli/postconf", "same output"],
      results.postconf.map((r) => [
        r.workload,
        fixed(r.postconfMs, 1),
        fixed(r.cliMs, 1),
        fixed(r.nodeStartupMs, 1),
        fixed(r.ratio),
        r.sameOutput === undefined ? "n/a" : r.sameOutput ? "yes" : "NO",
      ]),
    );

    results.targets = targets(results);
    printTable(
      "Targets from the issue",
      ["target", "measured", "met"],
      results.targets.map((t) => [
        t.target,
        t.measured,
        t.met === true ? "yes" : t.met === false ? "NO" : t.met,
      ]),
    );

    results.machine.loadAverageAtEnd = round(loadavg()[0], 2);
    results.durationSeconds = round((Date.now() - startedAt) / 1000, 1);
    await writeResults(results);
    console.log(
      `\nWrote ${relative(process.cwd(), outFile) || outFile} in ${results.durationSeconds} s`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** JSON formatted by the project's Prettier, so `npm run format:check` stays clean. */
async function writeResults(results) {
  let text = JSON.stringify(results, null, 2) + "\n";
  try {
    const prettier = await import("prettier");
    const config = (await prettier.resolveConfig(outFile)) ?? {};
    text = await prettier.format(text, { ...config, parser: "json" });
  } catch {
    // Prettier is a dev dependency; without it the plain JSON is still valid.
  }
  writeFileSync(outFile, text);
}

await main();
