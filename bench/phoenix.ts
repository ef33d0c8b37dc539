/**
 * (d) Phoenix recording, against a real Phoenix server (test/phoenix/server.ts: installed into
 * .cache/phoenix/venv on first use, started on free ports, stopped at the end, also on error).
 * One dataset of 500 examples, a no-op task ({answer: input.q}) and two cheap sync evaluators
 * (exact, length), concurrency 10, four contenders, each run a fresh node process and a new
 * Phoenix experiment:
 *
 *   evalwire       ExperimentRunner.run() from dist/ on a temp experiments folder, timed from the
 *                  call to resolve: loading the experiment's code, the dataset lookup and fetch,
 *                  creating the experiment, every post awaited, task spans flushed over OTLP.
 *   evalwire --no-traces  the same with `traces: false` (the CLI's --no-traces): no task spans.
 *   runExperiment  @arizeai/phoenix-client/experiments with the same task and evaluators,
 *                  concurrency 10, timed until its promise resolves. It does not await its
 *                  evaluation posts: what the server holds is counted when it resolves and ~2 s
 *                  later, and the moment its last request settled is reported beside it.
 *   POST loop      no engine: fetch the dataset's examples, create the experiment, then 10
 *                  workers each take the next example, call the same task and evaluators, POST the
 *                  run, then POST both evaluations side by side (as evalwire does), every post
 *                  awaited. Plain fetch, no traces: what the server can take.
 *
 * Rounds rotate the order (a b c d, b c d a, …) after one untimed warm-up; before each run the
 * bench waits until the server is idle again (its background work, such as ingesting spans, is
 * charged to the run that caused it). After every evalwire and POST-loop run the server must hold
 * 500 runs and 1,000 evaluations for that experiment (GET /v1/experiments/{id}/json).
 * Ratios are taken within each round (load on this shared machine changes more between rounds than
 * within one) and their median reported, beside the ratio of the medians.
 * Targets (issue 7 item 5): evalwire with traces ≤ 1.1× the POST loop, and faster than runExperiment.
 *
 *   npx tsx bench/phoenix.ts [--rounds N] [--examples N] [--diagnose | --no-diagnose] [--profile]
 *                            [--contenders evalwire,evalwireNoTraces,runExperiment,postLoop]
 *
 * Each contender's fetch calls are logged in its process (start, response headers, status), to
 * show where the time goes; the OTLP span export uses node:http and is not in that log. The
 * server's CPU time is read from /proc where there is one. When a target is missed (or with
 * --diagnose), two more runs: evalwire with its span export answered by a local sink instead of
 * Phoenix (what the tracer costs the server), and the POST loop with 20 workers (whether more
 * posts in flight would help). With --profile, one more evalwire run under node --cpu-prof.
 *
 * Slow (Phoenix answers some 45–70 posts a second here, so each run takes 20–40 s; 6–9 min in
 * all, plus ~90 s to install Phoenix the first time): not part of `npm run bench`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { type ClientRequest, createServer } from "node:http";
import { createRequire, syncBuiltinESMExports } from "node:module";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { installedPhoenixVersion, installPhoenix, type PhoenixServer, startPhoenix } from "../test/phoenix/server.js";
import { checkBuild, fmt, hotFunctions, isMain, log, makeTempDir, median, ms, type Row, removeTempDir, repoDir, rowsTable, runChild } from "./lib.js";

const bench = "d phoenix";
const datasetName = "phoenix_bench";
const concurrency = 10;
const targetVsLoop = 1.1;
const evaluatorNames = ["exact", "length"] as const;
const benchFile = fileURLToPath(import.meta.url);

type Contender = "evalwire" | "evalwireNoTraces" | "runExperiment" | "postLoop";
const label: Record<Contender, string> = { evalwire: "evalwire", evalwireNoTraces: "evalwire --no-traces", runExperiment: "runExperiment", postLoop: "POST loop" };
const allContenders: Contender[] = ["evalwire", "evalwireNoTraces", "runExperiment", "postLoop"];

// ---------------------------------------------------------------- the experiment's code

const taskSource = `export function task(example) {\n  return { answer: example.input.q };\n}\n`;
const exactSource = `export function exact({ output, expected }) {\n  return output?.answer === expected?.answer ? 1 : 0;\n}\n`;
const lengthSource = `export function length({ output }) {\n  return String(output?.answer ?? "").length;\n}\n`;

// ---------------------------------------------------------------- what a child reports

/** One fetch call, times in ms from the start of the timed section. */
interface HttpCall {
  kind: string;
  start: number;
  end: number;
  status: number;
}

interface ChildArgs {
  baseUrl: string;
  datasetId: string;
  experimentDir: string;
  experimentsDir: string;
  runsDir: string;
  experimentName: string;
  /** POST loop: workers (default 10). */
  workers?: number;
  /** evalwire: send the span export to a local sink instead of Phoenix. */
  divertTraces?: boolean;
  /** evalwire: export task spans (default true). */
  traces?: boolean;
  /** POST loop: ask for plain answers (accept-encoding: identity), as evalwire's posts do. */
  plainAnswers?: boolean;
}

interface Counts {
  runs: number;
  evaluations: number;
}

interface TimedCounts extends Counts {
  /** When the GET was sent and answered, ms from the start of the timed section. */
  sentMs: number;
  answeredMs: number;
}

interface ChildReport {
  /** The timed section: run() / runExperiment() / the loop, call to resolve. */
  wallMs: number;
  cpuMs: number;
  experimentId: string | null;
  problem: string | null;
  calls: HttpCall[];
  /** runExperiment only: what was done when it resolved, and what the server held then and later. */
  late?: { acknowledgedAtResolve: number; inFlightAtResolve: number; atResolve: TimedCounts; after2s: TimedCounts; settledMs: number; final: Counts };
  /** evalwire with divertTraces: span exports the local sink answered. */
  divertedExports?: number;
  maxRssKb: number;
}

/** Wraps globalThis.fetch (before any client captures it) to log every call. */
function trackFetch(): { calls: HttpCall[]; origin: number; inFlight: Set<Promise<unknown>>; realFetch: typeof fetch; experimentId: string | null } {
  const realFetch = globalThis.fetch;
  const state = { calls: [] as HttpCall[], origin: performance.now(), inFlight: new Set<Promise<unknown>>(), realFetch, experimentId: null as string | null };
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const entry: HttpCall = { kind: callKind(method, url.pathname), start: performance.now() - state.origin, end: Number.NaN, status: 0 };
    state.calls.push(entry);
    const call = realFetch(input, init).then(
      (response) => {
        entry.end = performance.now() - state.origin;
        entry.status = response.status;
        // The experiment's id, known even when the contender fails before saying it.
        if (entry.kind === "create experiment" && response.ok) {
          void response
            .clone()
            .json()
            .then(
              (body: unknown) => {
                state.experimentId ??= (body as { data?: { id?: string } }).data?.id ?? null;
              },
              () => undefined,
            );
        }
        return response;
      },
      (error: unknown) => {
        entry.end = performance.now() - state.origin;
        throw error;
      },
    );
    state.inFlight.add(call);
    const forget = () => void state.inFlight.delete(call);
    call.then(forget, forget);
    return call;
  };
  return state;
}

function callKind(method: string, path: string): string {
  if (method === "POST" && path.endsWith("/runs")) return "run";
  if (method === "POST" && path === "/v1/experiment_evaluations") return "evaluation";
  if (method === "POST" && path.endsWith("/experiments")) return "create experiment";
  if (method === "GET" && path === "/v1/datasets") return "dataset lookup";
  if (method === "GET" && path.endsWith("/examples")) return "dataset examples";
  if (method === "GET" && /^\/v1\/datasets\/[^/]+$/.test(path)) return "dataset info";
  if (method === "GET" && /^\/v1\/experiments\/[^/]+$/.test(path)) return "experiment info";
  return `${method} ${path}`;
}

async function countOnServer(baseUrl: string, experimentId: string, fetcher: typeof fetch = fetch): Promise<Counts> {
  const response = await fetcher(`${baseUrl}/v1/experiments/${encodeURIComponent(experimentId)}/json`);
  if (!response.ok) throw new Error(`GET /v1/experiments/${experimentId}/json answered ${response.status}`);
  const runs = (await response.json()) as { annotations?: unknown[] }[];
  return { runs: runs.length, evaluations: runs.reduce((sum, run) => sum + (run.annotations?.length ?? 0), 0) };
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

// ---------------------------------------------------------------- the children

/**
 * Sends OTLP exports to /v1/traces to a sink in this process that answers 200 at once: the
 * exporter loads http.request lazily through import("http"), so patching the builtin and
 * syncing its ESM exports reaches it. Diagnostics only.
 */
async function divertTraceExport(): Promise<{ exports: number }> {
  const state = { exports: 0 };
  const sink = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      state.exports++;
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((listening) => sink.listen(0, "127.0.0.1", listening));
  sink.unref();
  const port = (sink.address() as AddressInfo).port;
  const http = createRequire(import.meta.url)("node:http") as typeof import("node:http");
  const original = http.request as (...args: unknown[]) => ClientRequest;
  http.request = function (this: unknown, ...args: unknown[]) {
    if (args[0] instanceof URL && args[0].pathname === "/v1/traces") {
      const moved = new URL(args[0]);
      moved.host = `127.0.0.1:${port}`;
      args[0] = moved;
    }
    return original.apply(this, args);
  } as typeof http.request;
  syncBuiltinESMExports();
  return state;
}

async function childEvalwire(args: ChildArgs): Promise<Omit<ChildReport, "maxRssKb">> {
  const { ExperimentRunner } = (await import(pathToFileURL(join(repoDir, "dist", "index.js")).href)) as typeof import("../src/index.js");
  const diverted = args.divertTraces ? await divertTraceExport() : null;
  const http = trackFetch();
  const runner = new ExperimentRunner({
    experimentsDir: args.experimentsDir,
    phoenix: { baseUrl: args.baseUrl },
    traces: args.traces ?? true,
    exampleConcurrency: concurrency,
    runsDir: args.runsDir,
    listeners: [],
  });
  const cpu = process.cpuUsage();
  http.origin = performance.now();
  const run = await runner.run();
  const results = run.experiments;
  let problem: string | null = run.status === "passed" ? null : `the run ${run.status}`;
  const wallMs = performance.now() - http.origin;
  const used = process.cpuUsage(cpu);
  const result = results[0];
  if (result && result.status !== "passed") problem = `${result.status}: ${result.failure}`;
  const experimentId = (result?.url ? new URL(result.url).searchParams.get("experimentId") : null) ?? http.experimentId;
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    experimentId,
    problem,
    calls: http.calls,
    ...(diverted ? { divertedExports: diverted.exports } : {}),
  };
}

type EvaluatorFn = (args: { input: unknown; output: unknown; expected: unknown; metadata: unknown }) => number;
type TaskFn = (example: { input: Record<string, unknown> }) => Record<string, unknown>;

/** The experiment folder's own task and evaluators, so every contender calls the same code. */
async function loadCode(args: ChildArgs): Promise<{ task: TaskFn; evaluators: [string, EvaluatorFn][] }> {
  const { task } = (await import(pathToFileURL(join(args.experimentDir, "task.mjs")).href)) as { task: TaskFn };
  const evaluators: [string, EvaluatorFn][] = [];
  for (const name of evaluatorNames) {
    const module = (await import(pathToFileURL(join(args.experimentDir, `${name}.mjs`)).href)) as Record<string, EvaluatorFn>;
    evaluators.push([name, module[name]!]);
  }
  return { task, evaluators };
}

async function childRunExperiment(args: ChildArgs): Promise<Omit<ChildReport, "maxRssKb">> {
  const http = trackFetch();
  const { createClient } = await import("@arizeai/phoenix-client");
  const { runExperiment, asExperimentEvaluator } = await import("@arizeai/phoenix-client/experiments");
  const { task, evaluators } = await loadCode(args);
  const client = createClient({ options: { baseUrl: args.baseUrl } });
  const silent = { info() {}, warn() {}, error() {}, log() {}, debug() {}, table() {} };
  const cpu = process.cpuUsage();
  http.origin = performance.now();
  let problem: string | null = null;
  let ranId: string | null = null;
  try {
    const ran = await runExperiment({
      client,
      dataset: { datasetId: args.datasetId },
      experimentName: args.experimentName,
      task: (example) => task(example),
      evaluators: evaluators.map(([name, evaluate]) =>
        asExperimentEvaluator({ name, kind: "CODE", evaluate: ({ input, output, expected, metadata }) => ({ score: evaluate({ input, output, expected, metadata }) }) }),
      ),
      concurrency,
      logger: silent,
    });
    ranId = ran.id;
  } catch (error) {
    problem = `runExperiment rejected: ${message(error)}`;
  }
  const wallMs = performance.now() - http.origin;
  const used = process.cpuUsage(cpu);
  const calls = http.calls;
  const acknowledgedAtResolve = calls.filter((call) => call.kind === "evaluation" && call.end <= wallMs && call.status < 300).length;
  const inFlightAtResolve = http.inFlight.size;
  const experimentId = ranId ?? http.experimentId;
  if (experimentId === null) return { wallMs, cpuMs: (used.user + used.system) / 1000, experimentId, problem, calls };

  // What the server holds: a GET sent at once, another sent 2 s on (not waiting for the first).
  const countAfter = async (delayMs: number): Promise<TimedCounts> => {
    await sleep(delayMs);
    const sentMs = performance.now() - http.origin;
    const counts = await countOnServer(args.baseUrl, experimentId, http.realFetch);
    return { ...counts, sentMs, answeredMs: performance.now() - http.origin };
  };
  const counted = Promise.all([countAfter(0), countAfter(2000)]);
  while (http.inFlight.size > 0) await Promise.allSettled([...http.inFlight]);
  const settledMs = Math.max(...calls.map((call) => call.end));
  const [atResolve, after2s] = await counted;
  const final = await countOnServer(args.baseUrl, experimentId, http.realFetch);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    experimentId,
    problem,
    calls,
    late: { acknowledgedAtResolve, inFlightAtResolve, atResolve, after2s, settledMs, final },
  };
}

async function childPostLoop(args: ChildArgs): Promise<Omit<ChildReport, "maxRssKb">> {
  const http = trackFetch();
  const { task, evaluators } = await loadCode(args);
  const json = async (what: string, response: Response): Promise<{ data: Record<string, unknown> }> => {
    if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { data: Record<string, unknown> };
  };
  const headers = { "content-type": "application/json", ...(args.plainAnswers ? { "accept-encoding": "identity" } : {}) };
  const post = (path: string, body: unknown) => fetch(`${args.baseUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const cpu = process.cpuUsage();
  http.origin = performance.now();

  // The dataset's examples, fetched as the others fetch them, then the experiment.
  const dataset = await json("fetching the dataset", await fetch(`${args.baseUrl}/v1/datasets/${encodeURIComponent(args.datasetId)}/examples`));
  const examples = dataset.data.examples as { id: string; input: Record<string, unknown>; output: Record<string, unknown>; metadata: Record<string, unknown> }[];
  const created = await json(
    "creating the experiment",
    await post(`/v1/datasets/${encodeURIComponent(args.datasetId)}/experiments`, { name: args.experimentName, version_id: dataset.data.version_id }),
  );
  const experimentId = created.data.id as string;

  let next = 0;
  const worker = async () => {
    while (next < examples.length) {
      const example = examples[next++]!;
      const start = new Date();
      const output = task(example);
      const end = new Date();
      const scores = evaluators.map(([name, evaluate]) => ({ name, score: evaluate({ input: example.input, output, expected: example.output, metadata: example.metadata }) }));
      const run = await json(
        "posting a run",
        await post(`/v1/experiments/${encodeURIComponent(experimentId)}/runs`, {
          dataset_example_id: example.id,
          output,
          repetition_number: 1,
          start_time: start.toISOString(),
          end_time: end.toISOString(),
        }),
      );
      await Promise.all(
        scores.map(async ({ name, score }) =>
          json(
            "posting an evaluation",
            await post("/v1/experiment_evaluations", {
              experiment_run_id: run.data.id,
              name,
              annotator_kind: "CODE",
              start_time: end.toISOString(),
              end_time: new Date().toISOString(),
              result: { score },
            }),
          ),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: args.workers ?? concurrency }, worker));
  const wallMs = performance.now() - http.origin;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, experimentId, problem: null, calls: http.calls };
}

const children: Record<Contender, (args: ChildArgs) => Promise<Omit<ChildReport, "maxRssKb">>> = {
  evalwire: childEvalwire,
  evalwireNoTraces: (args) => childEvalwire({ ...args, traces: false }),
  runExperiment: childRunExperiment,
  postLoop: childPostLoop,
};

// ---------------------------------------------------------------- the parent

/** Where one run's time went, from its fetch log. */
interface Breakdown {
  /** Start to the first fetch call (loading code, for evalwire). */
  firstCall: number;
  /** Start to the first POST of a run. */
  firstRunPost: number;
  /** Start to the end of the last run or evaluation POST. */
  lastPostEnd: number;
  /** The last POST's end to resolve (negative: resolved before its posts were done). */
  tail: number;
  /** Calls made before the first run POST, by kind: their summed durations. */
  setup: Map<string, number>;
  runPost: { mean: number; count: number };
  evaluationPost: { mean: number; count: number };
  /** Run and evaluation POSTs answered per second, first run POST to last POST end. */
  postsPerSecond: number;
  /** POSTs in flight, averaged over first run POST → last POST end, and the most at once. */
  meanInFlight: number;
  maxInFlight: number;
}

function breakdown(report: ChildReport): Breakdown {
  const posts = report.calls.filter((call) => call.kind === "run" || call.kind === "evaluation");
  const runs = posts.filter((call) => call.kind === "run");
  const evaluations = posts.filter((call) => call.kind === "evaluation");
  const firstRunPost = Math.min(...runs.map((call) => call.start));
  const lastPostEnd = Math.max(...posts.map((call) => call.end));
  const setup = new Map<string, number>();
  for (const call of report.calls.filter((each) => each.start < firstRunPost)) setup.set(call.kind, (setup.get(call.kind) ?? 0) + call.end - call.start);
  const events: [number, number][] = posts.flatMap((call): [number, number][] => [
    [call.start, 1],
    [call.end, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let max = 0;
  let area = 0;
  let at = firstRunPost;
  for (const [time, change] of events) {
    area += level * (time - at);
    at = time;
    level += change;
    max = Math.max(max, level);
  }
  const mean = (list: HttpCall[]) => ({ mean: list.reduce((sum, call) => sum + call.end - call.start, 0) / Math.max(1, list.length), count: list.length });
  const span = Math.max(1e-9, lastPostEnd - firstRunPost);
  return {
    firstCall: Math.min(...report.calls.map((call) => call.start)),
    firstRunPost,
    lastPostEnd,
    tail: report.wallMs - lastPostEnd,
    setup,
    runPost: mean(runs),
    evaluationPost: mean(evaluations),
    postsPerSecond: (posts.length * 1000) / span,
    meanInFlight: area / span,
    maxInFlight: max,
  };
}

/** The server's CPU time so far (user + system, all its threads), in ms; null where /proc is not there. */
function serverCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // After "pid (comm) ", utime and stime (fields 14 and 15 of stat) are at indexes 11 and 12, in clock ticks (100 a second).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Waits until the server used under 5% of a core for half a second (at most 60 s; 2 s where /proc is missing). */
async function waitForIdleServer(pid: number): Promise<void> {
  let last = serverCpuMs(pid);
  if (last === null) {
    await sleep(2000);
    return;
  }
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    await sleep(500);
    const now = serverCpuMs(pid)!;
    if (now - last <= 25) return;
    last = now;
  }
}

interface Measured {
  contender: Contender;
  /** "round 2", "warm-up", "diagnostic: …". */
  what: string;
  report: ChildReport;
  parts: Breakdown;
  /** Server CPU while the child ran, and after it until the server was idle again. */
  serverCpu: { during: number; after: number } | null;
  /** What the server holds for the experiment after the run. */
  held: Counts | null;
  ok: boolean;
}

export interface PhoenixBenchOptions {
  rounds?: number;
  examples?: number;
  /** true: always run the diagnostic runs; false: never; undefined: when a target is missed. */
  diagnose?: boolean;
  /** One more evalwire run under node --cpu-prof: the functions with the most self time. */
  profile?: boolean;
  /** Which contenders each round runs (default all four). */
  contenders?: Contender[];
}

export async function phoenixBench(options: PhoenixBenchOptions = {}): Promise<Row[]> {
  checkBuild();
  const rounds = options.rounds ?? 3;
  const examples = options.examples ?? 500;
  const planned: Counts = { runs: examples, evaluations: examples * evaluatorNames.length };
  const tmp = makeTempDir("phoenix");
  const started = performance.now();
  let server: PhoenixServer | undefined;
  // Ctrl-C or process.exit() before stop(): the server must not outlive the bench.
  const killServer = () => {
    try {
      if (server) process.kill(server.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.on("exit", killServer);
  try {
    await installPhoenix();
    const startAt = performance.now();
    server = await startPhoenix();
    const { url: baseUrl, pid } = server;
    log(
      `\n== ${bench}: Phoenix ${await installedPhoenixVersion()} (started in ${ms(performance.now() - startAt)}), phoenix-client ${clientVersion()}; ` +
        `${fmt(examples)} examples × ${evaluatorNames.length} evaluators, no-op task, concurrency ${concurrency}; ${rounds} rounds in rotating order, ` +
        `each run a fresh node process and a new experiment, the server idle before each; ${cpus().length} CPUs, load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(" ")}`,
    );

    const upload = await fetch(`${baseUrl}/v1/datasets/upload?sync=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        action: "create",
        name: datasetName,
        description: "evalwire bench",
        inputs: Array.from({ length: examples }, (_, index) => ({ q: `question ${index + 1}` })),
        outputs: Array.from({ length: examples }, (_, index) => ({ answer: `question ${index + 1}` })),
        metadata: Array.from({ length: examples }, () => ({})),
      }),
    });
    if (!upload.ok) throw new Error(`uploading the dataset: ${upload.status} ${await upload.text()}`);
    const datasetId = ((await upload.json()) as { data: { dataset_id: string } }).data.dataset_id;

    const experimentsDir = join(tmp, "experiments");
    const experimentDir = join(experimentsDir, datasetName);
    mkdirSync(experimentDir, { recursive: true });
    writeFileSync(join(experimentDir, "task.mjs"), taskSource);
    writeFileSync(join(experimentDir, "exact.mjs"), exactSource);
    writeFileSync(join(experimentDir, "length.mjs"), lengthSource);

    let runNumber = 0;
    const measure = async (contender: Contender, what: string, extra: Partial<ChildArgs> = {}, nodeArgs: string[] = []): Promise<Measured> => {
      runNumber++;
      const args: ChildArgs = { baseUrl, datasetId, experimentDir, experimentsDir, runsDir: join(tmp, `runs-${runNumber}`), experimentName: `${contender} ${what} #${runNumber}`, ...extra };
      await waitForIdleServer(pid);
      const before = serverCpuMs(pid);
      const child = await runChild<ChildReport>(benchFile, ["--child", contender, JSON.stringify(args)], { nodeArgs: ["--import", "tsx", ...nodeArgs], measureRss: false });
      const afterChild = serverCpuMs(pid);
      await waitForIdleServer(pid);
      const afterIdle = serverCpuMs(pid);
      const report = child.report;
      const held = report.late?.final ?? (report.experimentId !== null ? await countOnServer(baseUrl, report.experimentId) : null);
      const complete = held !== null && held.runs === planned.runs && held.evaluations === planned.evaluations;
      const serverCpu = before !== null && afterChild !== null && afterIdle !== null ? { during: afterChild - before, after: afterIdle - afterChild } : null;
      const each: Measured = { contender, what, report, parts: breakdown(report), serverCpu, held, ok: report.problem === null && complete };
      log(describeRun(each, planned));
      return each;
    };

    log(`   warm-up (not counted):`);
    await measure("postLoop", "warm-up");

    const contenders = options.contenders ?? allContenders;
    const measured: Measured[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = contenders.map((_, index) => contenders[(index + round - 1) % contenders.length]!);
      log(`   round ${round} (load average ${loadavg()[0]!.toFixed(2)}):`);
      for (const contender of order) measured.push(await measure(contender, `round ${round}`));
    }

    // ---------------------------------------------------------------- summary
    // Medians over the runs that went through; a failed run is listed above and counted here.
    const all = (contender: Contender) => measured.filter((each) => each.contender === contender && each.what.startsWith("round"));
    const of = (contender: Contender) => all(contender).filter((each) => each.ok);
    const med = (contender: Contender, pick: (each: Measured) => number) => median(of(contender).map(pick));
    const wall = (contender: Contender) => med(contender, (each) => each.report.wallMs);
    const loop = wall("postLoop");
    // evalwire and the POST loop must record everything; runExperiment failing is a figure about it.
    const allOk = contenders.filter((contender) => contender !== "runExperiment").every((contender) => all(contender).every((each) => each.ok));
    const note = allOk ? "" : " [SOME EVALWIRE OR POST-LOOP RUNS INCOMPLETE OR FAILED: see above]";
    const failures = (contender: Contender) => {
      const failed = all(contender).filter((each) => !each.ok);
      return failed.length === 0 ? "" : ` (${failed.length} of ${all(contender).length} runs failed and are left out: ${failed.map((each) => each.report.problem ?? "incomplete").join("; ")})`;
    };
    /** Each round's a / b (both runs of the round ok): on a shared machine, load changes between rounds more than within one. */
    const roundRatios = (a: Contender, b: Contender, pick: (each: Measured) => number) => {
      const ratios: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        const inRound = (contender: Contender) => of(contender).find((each) => each.what === `round ${round}`);
        const [x, y] = [inRound(a), inRound(b)];
        if (x && y) ratios.push(pick(x) / pick(y));
      }
      return ratios;
    };
    const wallOf = (each: Measured) => each.report.wallMs;
    const serverCpuOf = (each: Measured) => (each.serverCpu ? each.serverCpu.during + each.serverCpu.after : Number.NaN);
    const serverCpu = (contender: Contender) => med(contender, serverCpuOf);

    log(`\n   medians:`);
    for (const contender of contenders) log(`     ${describeMedians(contender, of(contender))}${failures(contender)}`);
    const rows: Row[] = [];
    for (const contender of ["evalwire", "evalwireNoTraces"] as const) {
      if (!contenders.includes(contender) || !contenders.includes("postLoop")) continue;
      const ratios = roundRatios(contender, "postLoop", wallOf);
      rows.push({
        bench,
        figure:
          `${label[contender]} / POST loop, each round: ${list(ratios.map((ratio) => fmt(ratio, 2)))}; median ${fmt(median(ratios), 2)} ` +
          `(medians of the runs: ${ms(wall(contender))} / ${ms(loop)} = ${fmt(wall(contender) / loop, 2)})${note}`,
        target: contender === "evalwire" ? `≤ ${targetVsLoop}` : "-",
        met: contender === "evalwire" ? allOk && median(ratios) <= targetVsLoop : null,
      });
    }
    if (contenders.includes("postLoop")) {
      const cpuRatios = (contender: Contender) =>
        contenders.includes(contender) ? ` ${label[contender]} ${ms(serverCpu(contender))} (${fmt(median(roundRatios(contender, "postLoop", serverCpuOf)), 2)}×);` : "";
      rows.push({
        bench,
        figure: `server CPU per run (medians, idle to idle; × the POST loop's, median of rounds): POST loop ${ms(serverCpu("postLoop"))};${cpuRatios("evalwire")}${cpuRatios("evalwireNoTraces")}${cpuRatios("runExperiment")}`,
        target: "-",
        met: null,
      });
    }
    if (contenders.includes("runExperiment")) {
      const phoenixResolve = wall("runExperiment");
      const phoenixSettled = med("runExperiment", (each) => each.report.late!.settledMs);
      const late = all("runExperiment").flatMap((each) => (each.report.late ? [each.report.late] : []));
      log(
        `   runExperiment (phoenix-client ${clientVersion()}) still does not await its evaluation posts: evaluateExperiment in dist/esm/experiments/runExperiment.js calls ` +
          `client.POST("/v1/experiment_evaluations", …) without await ("We log this without awaiting (e.g. best effort)"); only its evaluator calls are queued at concurrency ${concurrency}. ` +
          `When it resolved, ${list(late.map((each) => each.acknowledgedAtResolve))} of ${fmt(planned.evaluations)} evaluation posts had been answered and ` +
          `${list(late.map((each) => each.inFlightAtResolve))} requests were still in flight. ` +
          `A GET sent at resolve counted ${list(late.map((each) => each.atResolve.evaluations))} evaluations on the server (answered ${list(late.map((each) => ms(each.atResolve.answeredMs - each.atResolve.sentMs)))} later); ` +
          `one sent ~2 s on counted ${list(late.map((each) => each.after2s.evaluations))}; its last request settled at ${list(late.map((each) => ms(each.settledMs)))} (resolved at ${list(all("runExperiment").map((each) => ms(each.report.wallMs)))}). ` +
          `Before resolving it flushes its evaluator spans and GETs the experiment, and a busy server may answer those after the queued posts or before them.`,
      );
      for (const contender of ["evalwire", "evalwireNoTraces"] as const) {
        if (!contenders.includes(contender)) continue;
        const ratios = roundRatios(contender, "runExperiment", wallOf);
        rows.push({
          bench,
          figure: `${label[contender]} / runExperiment (to resolve), each round: ${list(ratios.map((ratio) => fmt(ratio, 2)))}; median ${fmt(median(ratios), 2)} (medians of the runs: ${ms(wall(contender))} / ${ms(phoenixResolve)})${note}`,
          target: contender === "evalwire" ? "< 1" : "-",
          met: contender === "evalwire" ? allOk && median(ratios) < 1 : null,
        });
      }
      rows.push({ bench, figure: `evalwire / runExperiment until its last post settled (${ms(phoenixSettled)}) = ${fmt(wall("evalwire") / phoenixSettled, 2)}`, target: "-", met: null });
      if (of("runExperiment").length < rounds) {
        rows.push({ bench, figure: `runExperiment rejected or was incomplete in ${rounds - of("runExperiment").length} of ${rounds} runs${failures("runExperiment")}`, target: "-", met: null });
      }
      rows.push({
        bench,
        figure: `runExperiment at resolve: ${fmt(median(late.map((each) => each.acknowledgedAtResolve)))} of ${fmt(planned.evaluations)} evaluation posts answered, ${fmt(median(late.map((each) => each.inFlightAtResolve)))} requests in flight (medians)`,
        target: "-",
        met: null,
      });
    }

    const missed = rows.some((row) => row.met === false);
    if (options.diagnose ?? missed) {
      log(`\n   diagnostics${options.diagnose ? "" : " (a target was missed)"}:`);
      const diverted = await measure("evalwire", "diagnostic", { divertTraces: true });
      const wider = await measure("postLoop", "diagnostic", { workers: 20 });
      const plain = await measure("postLoop", "diagnostic: plain answers", { plainAnswers: true });
      const evalwire = wall("evalwire");
      const evalwireServer = serverCpu("evalwire");
      const divertedServer = diverted.serverCpu ? diverted.serverCpu.during + diverted.serverCpu.after : Number.NaN;
      const loopServer = serverCpu("postLoop");
      rows.push(
        {
          bench,
          figure: `diagnostic: evalwire with its span export answered locally ${ms(diverted.report.wallMs)} (${fmt(diverted.report.wallMs / evalwire, 2)}x its median); server CPU ${ms(divertedServer)} vs ${ms(evalwireServer)} with spans, POST loop ${ms(loopServer)}`,
          target: "-",
          met: null,
        },
        {
          bench,
          figure: `diagnostic: POST loop with 20 workers ${ms(wider.report.wallMs)} (${fmt(wider.report.wallMs / loop, 2)}x the 10-worker median), ${fmt(wider.parts.postsPerSecond, 0)} vs ${fmt(
            med("postLoop", (each) => each.parts.postsPerSecond),
            0,
          )} POSTs/s`,
          target: "-",
          met: null,
        },
      );
      rows.push({
        bench,
        figure: `diagnostic: POST loop asking for plain answers (accept-encoding: identity, as evalwire's posts do) ${ms(plain.report.wallMs)} (${fmt(plain.report.wallMs / loop, 2)}x the median); server CPU ${ms(serverCpuOf(plain))}, client CPU ${ms(plain.report.cpuMs)} vs ${ms(med("postLoop", (each) => each.report.cpuMs))}`,
        target: "-",
        met: null,
      });
      if (!diverted.ok || !wider.ok || !plain.ok) rows.push({ bench, figure: "a diagnostic run was incomplete: see above", target: "-", met: null });
    }
    if (options.profile) {
      const profileDir = join(tmp, "profile");
      log(`\n   profile: evalwire under node --cpu-prof`);
      await measure("evalwire", "profile", {}, ["--cpu-prof", "--cpu-prof-dir", profileDir]);
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader thread writes one too).
      const [file] = readdirSync(profileDir).filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name));
      if (file) {
        log(`   most self time in the evalwire process (whole process, start-up included):`);
        for (const hot of hotFunctions(join(profileDir, file), 15)) log(`     ${ms(hot.selfMs).padStart(9)} ${fmt(hot.selfShare * 100, 1).padStart(5)}%  ${hot.name}  ${hot.where}`);
      }
    }
    rows.push({ bench, figure: `whole bench ${fmt((performance.now() - started) / 1000, 1)} s (Phoenix start-up included)`, target: "-", met: null });
    return rows;
  } finally {
    await server?.stop();
    process.off("exit", killServer);
    removeTempDir(tmp);
  }
}

/** An error's message, or the messages of an array of them (an OTLP flush rejects with one). */
function message(error: unknown): string {
  if (Array.isArray(error)) return error.map(message).join("; ");
  return error instanceof Error ? error.message : String(error);
}

function list(values: (number | string)[]): string {
  return values.map((value) => (typeof value === "number" ? fmt(value) : value)).join(", ");
}

function serverCpuText(cpu: Measured["serverCpu"]): string {
  return cpu ? `server CPU ${ms(cpu.during + cpu.after)} (${ms(cpu.after)} of it after the run)` : "server CPU unknown";
}

function describeRun(each: Measured, planned: Counts): string {
  const { report, parts } = each;
  const setup = [...parts.setup].map(([kind, time]) => `${kind} ${ms(time)}`).join(", ");
  const held = each.held ? `server holds ${each.held.runs} runs, ${each.held.evaluations} evaluations` : "nothing on the server";
  const check = each.ok ? `[${held}: ok]` : `[${held}; expected ${planned.runs}, ${planned.evaluations}: NOT OK${report.problem ? `: ${report.problem}` : ""}]`;
  const name = `${label[each.contender]}${report.divertedExports !== undefined ? ` (span export to a local sink: ${report.divertedExports} exports)` : ""}${each.what === "diagnostic" && each.contender === "postLoop" ? " (20 workers)" : each.what === "diagnostic: plain answers" ? " (plain answers)" : ""}`;
  const late = report.late
    ? `\n       at resolve ${report.late.acknowledgedAtResolve} evaluation posts answered, ${report.late.inFlightAtResolve} requests in flight; ` +
      `GET at resolve: ${report.late.atResolve.runs} runs / ${report.late.atResolve.evaluations} evaluations (answered after ${ms(report.late.atResolve.answeredMs - report.late.atResolve.sentMs)}); ` +
      `GET at +2 s: ${report.late.after2s.evaluations} evaluations; last request settled at ${ms(report.late.settledMs)}`
    : "";
  return (
    `     ${name.padEnd(13)} ${ms(report.wallMs).padStart(9)} ${check}\n` +
    `       first request at ${ms(parts.firstCall)}; before the first run POST (at ${ms(parts.firstRunPost)}): ${setup}; last POST done at ${ms(parts.lastPostEnd)}, ` +
    `then ${ms(parts.tail)} to resolve; ${parts.runPost.count} run POSTs ${ms(parts.runPost.mean)} mean, ${parts.evaluationPost.count} evaluation POSTs ${ms(parts.evaluationPost.mean)} mean, ` +
    `${fmt(parts.postsPerSecond, 0)}/s; in flight ${fmt(parts.meanInFlight, 1)} mean / ${parts.maxInFlight} max; client CPU ${ms(report.cpuMs)}, ${serverCpuText(each.serverCpu)}` +
    late
  );
}

function describeMedians(contender: Contender, runs: Measured[]): string {
  const mid = (pick: (each: Measured) => number) => median(runs.map(pick));
  const serverCpu = runs.every((each) => each.serverCpu !== null) ? `, server CPU ${ms(mid((each) => each.serverCpu!.during + each.serverCpu!.after))}` : "";
  return (
    `${label[contender].padEnd(13)} ${ms(mid((each) => each.report.wallMs)).padStart(9)}: first request at ${ms(mid((each) => each.parts.firstCall))}, ` +
    `first run POST at ${ms(mid((each) => each.parts.firstRunPost))}, last POST done at ${ms(mid((each) => each.parts.lastPostEnd))}, then ${ms(mid((each) => each.parts.tail))} to resolve; ` +
    `run POST ${ms(mid((each) => each.parts.runPost.mean))}, evaluation POST ${ms(mid((each) => each.parts.evaluationPost.mean))} mean, ${fmt(
      mid((each) => each.parts.postsPerSecond),
      0,
    )} POSTs/s, ` +
    `${fmt(
      mid((each) => each.parts.meanInFlight),
      1,
    )} in flight; client CPU ${ms(mid((each) => each.report.cpuMs))}${serverCpu}`
  );
}

function clientVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoDir, "node_modules", "@arizeai", "phoenix-client", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--child");
  if (at !== -1) {
    const contender = process.argv[at + 1] as Contender;
    const report = await children[contender](JSON.parse(process.argv[at + 2]!) as ChildArgs).catch(
      (error: unknown): Omit<ChildReport, "maxRssKb"> => ({ wallMs: Number.NaN, cpuMs: Number.NaN, experimentId: null, problem: `crashed: ${message(error)}`, calls: [] }),
    );
    // Every request has settled by now; tracer providers or idle sockets must not keep the child alive.
    process.stdout.write(`${JSON.stringify({ ...report, maxRssKb: process.resourceUsage().maxRSS })}\n`, () => process.exit(0));
  } else {
    const number = (flag: string) => {
      const index = process.argv.indexOf(flag);
      return index === -1 ? undefined : Number(process.argv[index + 1]);
    };
    const diagnose = process.argv.includes("--diagnose") ? true : process.argv.includes("--no-diagnose") ? false : undefined;
    const at = process.argv.indexOf("--contenders");
    const contenders = at === -1 ? undefined : (process.argv[at + 1] ?? "").split(",");
    const unknown = contenders?.filter((name) => !allContenders.includes(name as Contender)) ?? [];
    if (unknown.length > 0 || contenders?.length === 0) {
      log(`--contenders: expected a comma-separated list of ${allContenders.join(", ")}; got "${process.argv[at + 1] ?? ""}"`);
      process.exit(2);
    }
    const rows = await phoenixBench({
      rounds: number("--rounds"),
      examples: number("--examples"),
      diagnose,
      profile: process.argv.includes("--profile"),
      contenders: contenders as Contender[] | undefined,
    });
    log(`\n${rowsTable(rows)}`);
  }
}
