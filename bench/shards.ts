/**
 * Shards against one process, recording into one real Phoenix server, twice: Phoenix on SQLite
 * and Phoenix on PostgreSQL (test/phoenix/server.ts and postgres.ts start them on free ports and
 * stop them at the end). One dataset of N examples (default 200) whose task waits `--sleep` ms
 * (default 2000: a stand-in for an LLM call) and two cheap evaluators (the phoenix-echo fixture).
 * Contenders, each a fresh `evalwire run` from the built CLI recording a new Phoenix experiment:
 *
 *   1 process       one `evalwire run`, example concurrency 10
 *   4 shards        four `evalwire run --shard i/4 --run-id R` started at the same moment,
 *                   example concurrency 10 each; timed until the last one exits
 *   1 process ×40   one process with example concurrency 40, as many calls in flight as the shards
 *
 * After each run the server must hold N runs and 2N evaluations in exactly one experiment (every
 * shard's run.json links to it). Speed-up = 1 process's time / the contender's time, medians of
 * `--rounds` rounds (default 2) in rotating order.
 *
 *   npm run bench:shards -- [--examples N] [--sleep MS] [--rounds N] [--sqlite-only]
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { startPhoenixOnPostgres } from "../test/phoenix/postgres.js";
import { installPhoenix, startPhoenix } from "../test/phoenix/server.js";
import { checkBuild, cliBin, fmt, isMain, log, makeTempDir, median, ms, repoDir, table } from "./lib.js";

const fixture = join(repoDir, "test", "fixtures", "phoenix-echo");
type Contender = "1 process" | "4 shards" | "1 process ×40";
const contenders: Contender[] = ["1 process", "4 shards", "1 process ×40"];

interface Measured {
  contender: Contender;
  wallMs: number;
  held: { experiments: number; runs: number; evaluations: number };
  ok: boolean;
}

async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, { method, ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Runs the CLI in `cwd`; resolves with its exit code and output. */
function evalwire(args: string[], cwd: string, url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PHOENIX_") && key !== "CI" && !key.startsWith("GITHUB_")));
    const child = spawn(process.execPath, [cliBin, ...args], { cwd, env: { ...env, PHOENIX_HOST: url, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, output }));
  });
}

/** The Phoenix experiment ids that the run folders below `cwd` link to. */
function linkedExperiments(cwd: string): Set<string> {
  const runs = join(cwd, ".evalwire", "runs");
  const ids = new Set<string>();
  for (const name of existsSync(runs) ? readdirSync(runs) : []) {
    const run = JSON.parse(readFileSync(join(runs, name, "run.json"), "utf8")) as { links?: { phoenix?: { experimentId?: string } } };
    if (run.links?.phoenix?.experimentId) ids.add(run.links.phoenix.experimentId);
  }
  return ids;
}

/** Runs one contender in a fresh folder and checks what the server holds. */
async function measure(url: string, contender: Contender, root: string, datasetName: string, number: number, examples: number): Promise<Measured> {
  const cwd = join(root, `run-${number}`);
  const experiments = join(cwd, "experiments");
  cpSync(fixture, join(experiments, datasetName), { recursive: true });
  const base = ["run", "--experiments", experiments, "--quiet"];
  const runId = `bench-${Date.now()}-${number}`;
  const commands =
    contender === "4 shards" ? [1, 2, 3, 4].map((index) => [...base, "--shard", `${index}/4`, "--run-id", runId]) : [[...base, "--example-concurrency", contender === "1 process" ? "10" : "40"]];
  const start = performance.now();
  const results = await Promise.all(commands.map((args) => evalwire(args, cwd, url)));
  const wallMs = performance.now() - start;
  for (const result of results) if (result.code !== 0) throw new Error(`${contender}: evalwire exited ${result.code}\n${result.output}`);

  const ids = [...linkedExperiments(cwd)];
  let runs = 0;
  let evaluations = 0;
  for (const id of ids) {
    const held = await api<{ annotations: unknown[] }[]>(url, "GET", `/v1/experiments/${encodeURIComponent(id)}/json`);
    runs += held.length;
    evaluations += held.reduce((sum, run) => sum + run.annotations.length, 0);
  }
  const held = { experiments: ids.length, runs, evaluations };
  return { contender, wallMs, held, ok: held.experiments === 1 && runs === examples && evaluations === 2 * examples };
}

async function benchOne(backend: string, url: string, options: { examples: number; sleepMs: number; rounds: number }): Promise<string[][]> {
  const root = makeTempDir("shards");
  const datasetName = `bench_shards_${Date.now().toString(36)}`;
  await api(url, "POST", "/v1/datasets/upload?sync=true", {
    action: "create",
    name: datasetName,
    inputs: Array.from({ length: options.examples }, (_, i) => ({ n: i + 1, sleep_ms: options.sleepMs })),
    outputs: Array.from({ length: options.examples }, (_, i) => ({ answer: 2 * (i + 1) })),
    metadata: Array.from({ length: options.examples }, () => ({})),
  });
  const measured: Measured[] = [];
  let number = 0;
  for (let round = 1; round <= options.rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
    for (const contender of order) {
      const each = await measure(url, contender, root, datasetName, ++number, options.examples);
      log(
        `   ${backend}, round ${round}: ${contender.padEnd(13)} ${ms(each.wallMs).padStart(9)}; held ${each.held.runs} runs, ${each.held.evaluations} evaluations in ${each.held.experiments} experiment(s)${each.ok ? "" : "  (INCOMPLETE)"} (load average ${loadavg()[0]!.toFixed(2)})`,
      );
      measured.push(each);
    }
  }
  const timeOf = (contender: Contender) => median(measured.filter((each) => each.contender === contender).map((each) => each.wallMs));
  const single = timeOf("1 process");
  return contenders.map((contender) => [
    backend,
    contender,
    ms(timeOf(contender)),
    `${fmt(single / timeOf(contender), 2)}×`,
    measured.filter((each) => each.contender === contender).every((each) => each.ok) ? "yes" : "NO",
  ]);
}

export async function shardsBench(options: { examples?: number; sleepMs?: number; rounds?: number; sqliteOnly?: boolean } = {}): Promise<string> {
  checkBuild();
  const settings = { examples: options.examples ?? 200, sleepMs: options.sleepMs ?? 2000, rounds: options.rounds ?? 2 };
  log(
    `\n== shards: ${fmt(settings.examples)} examples, task ${settings.sleepMs} ms, 2 evaluators; ${settings.rounds} rounds in rotating order; ` +
      `${cpus().length} CPUs, load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(" ")}`,
  );
  await installPhoenix();
  const rows: string[][] = [];
  const sqlite = await startPhoenix({ timeoutMs: 240_000 });
  try {
    rows.push(...(await benchOne("Phoenix on SQLite", sqlite.url, settings)));
  } finally {
    await sqlite.stop();
  }
  if (!options.sqliteOnly) {
    const postgres = await startPhoenixOnPostgres({ timeoutMs: 240_000 });
    try {
      rows.push(...(await benchOne("Phoenix on PostgreSQL", postgres.phoenix.url, settings)));
    } finally {
      await postgres.stop();
    }
  }
  return table(["backend", "contender", "wall time (median)", "speed-up vs 1 process", "all recorded once, one experiment"], rows);
}

if (isMain(import.meta.url)) {
  const number = (flag: string) => {
    const index = process.argv.indexOf(flag);
    return index === -1 ? undefined : Number(process.argv[index + 1]);
  };
  log(`\n${await shardsBench({ examples: number("--examples"), sleepMs: number("--sleep"), rounds: number("--rounds"), sqliteOnly: process.argv.includes("--sqlite-only") })}`);
}
