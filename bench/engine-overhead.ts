/**
 * (a) Engine overhead: a no-op task and one evaluator that returns 1, over 100,000 local examples,
 * example concurrency 10, recording to the local run store (not a dry run). Figures: examples per
 * second of ExperimentRunner.run() and peak RSS of its process; targets ≥ 20,000/s and ≤ 300 MB.
 * In the same run, a baseline: a plain p-limit loop calling the same functions and writing one
 * JSON line per result with fs.writeSync, so the engine/baseline ratio can be stated. For
 * information, the same loop writing the records the engine writes (status, start time,
 * durations, the evaluation's fields) is timed too.
 *
 * Engine and baseline runs alternate, each in a fresh process; medians of --runs (default 3).
 *
 *   npx tsx bench/engine-overhead.ts [--examples N] [--runs N] [--profile | --no-profile]
 *
 * When the throughput target is missed (or with --profile), one more engine run is made under
 * `node --cpu-prof` and the functions with the most self time are printed.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { noopTask, oneEvaluator, writeExperiment } from "./fixtures.js";
import { checkBuild, childrenDir, cliBin, countLines, fmt, hotFunctions, isMain, log, makeTempDir, median, ms, type Row, removeTempDir, rowsTable, runChild, runNode } from "./lib.js";

const bench = "a engine overhead";
const targetPerSecond = 20_000;
const targetRssMb = 300;
const exampleConcurrency = 10;

interface EngineReport {
  runWallMs: number;
  runCpuMs: number;
  mainCpuMs: number | null;
  workerCpuMs: number | null;
  error: string | null;
  experiments: { status: string; failure: string | null; planned: number; completed: number; durationMs: number; runPath: string | null }[];
  maxRssKb: number;
}

interface BaselineReport {
  totalMs: number;
  totalCpuMs: number;
  setupMs: number;
  loopMs: number;
  completed: number;
  maxRssKb: number;
}

interface SetupReport {
  discoverMs: number;
  loadCodeMs: number;
  loadDatasetMs: number;
  examples: number;
  maxRssKb: number;
}

export interface EngineOverheadOptions {
  examples?: number;
  runs?: number;
  /** true: always profile; false: never; undefined: when the throughput target is missed. */
  profile?: boolean;
}

export async function engineOverhead(options: EngineOverheadOptions = {}): Promise<Row[]> {
  checkBuild();
  const examples = options.examples ?? 100_000;
  const runs = options.runs ?? 3;
  const tmp = makeTempDir("overhead");
  try {
    const experimentsDir = join(tmp, "experiments");
    const experimentDir = writeExperiment(experimentsDir, {
      name: "overhead",
      task: noopTask,
      evaluators: { always_one: oneEvaluator("always_one") },
      examples,
    });
    log(`\n== ${bench}: no-op task + 1 evaluator, ${fmt(examples)} examples, example concurrency ${exampleConcurrency}, recorded to the run store; ${runs} runs each`);
    log(`   fixtures in ${tmp}`);

    const engine = { wall: [] as number[], cpu: [] as number[], mainCpu: [] as number[], workerCpu: [] as number[], rss: [] as number[], ok: true, rssSource: "" };
    const baseline = { total: [] as number[], cpu: [] as number[], setup: [] as number[], loop: [] as number[], rss: [] as number[] };
    const sameRecords: number[] = [];
    const engineArgs = (runsDir: string) => JSON.stringify({ experimentsDir, runsDir, exampleConcurrency });
    const baselineArgs = {
      taskFile: join(experimentDir, "task.ts"),
      evaluatorFile: join(experimentDir, "always_one.ts"),
      evaluatorName: "always_one",
      datasetFile: join(experimentDir, "dataset.jsonl"),
      resultsFile: join(tmp, "baseline-results.jsonl"),
      concurrency: exampleConcurrency,
    };

    for (let run = 1; run <= runs; run++) {
      // The engine, through the library, in a process of its own.
      const runsDir = join(tmp, "runs");
      const child = await runChild<EngineReport>(join(childrenDir, "engine-run.mjs"), [engineArgs(runsDir)]);
      const result = child.report.experiments[0];
      const recorded = result?.runPath ? countLines(join(result.runPath, "results.jsonl")) : 0;
      const ok = child.report.error === null && result?.status === "passed" && result.completed === examples && recorded === examples;
      engine.ok &&= ok;
      engine.wall.push(child.report.runWallMs);
      engine.cpu.push(child.report.runCpuMs);
      if (child.report.mainCpuMs !== null && child.report.workerCpuMs !== null) {
        engine.mainCpu.push(child.report.mainCpuMs);
        engine.workerCpu.push(child.report.workerCpuMs);
      }
      engine.rss.push(child.peakRssMb);
      engine.rssSource = child.rssSource;
      log(
        `   run ${run} engine:   run() ${ms(child.report.runWallMs)} = ${fmt(examples / (child.report.runWallMs / 1000))} examples/s ` +
          `(CPU ${ms(child.report.runCpuMs)}${threadsCpu(child.report)}), peak RSS ${fmt(child.peakRssMb, 1)} MB, ` +
          `${result?.status} ${result?.completed}/${result?.planned}, ${fmt(recorded)} lines recorded${child.report.error ? `, error: ${child.report.error}` : ""}`,
      );
      removeTempDir(runsDir);

      // The baseline: the same functions in a plain p-limit loop.
      const base = await runChild<BaselineReport>(join(childrenDir, "baseline-run.mjs"), [JSON.stringify(baselineArgs)]);
      const written = countLines(baselineArgs.resultsFile);
      baseline.total.push(base.report.totalMs);
      baseline.cpu.push(base.report.totalCpuMs);
      baseline.setup.push(base.report.setupMs);
      baseline.loop.push(base.report.loopMs);
      baseline.rss.push(base.peakRssMb);
      log(
        `   run ${run} baseline: total ${ms(base.report.totalMs)} = ${fmt(examples / (base.report.totalMs / 1000))} examples/s ` +
          `(load code + parse ${ms(base.report.setupMs)}, loop ${ms(base.report.loopMs)}; CPU ${ms(base.report.totalCpuMs)}), ` +
          `peak RSS ${fmt(base.peakRssMb, 1)} MB, ${fmt(written)} lines written`,
      );
      removeTempDir(baselineArgs.resultsFile);

      // The same loop, writing the records the engine writes.
      const full = await runChild<BaselineReport>(join(childrenDir, "baseline-run.mjs"), [JSON.stringify({ ...baselineArgs, records: "full" })], { measureRss: false });
      sameRecords.push(full.report.totalMs);
      log(`   run ${run} baseline writing the engine's records: total ${ms(full.report.totalMs)} (CPU ${ms(full.report.totalCpuMs)}), ${fmt(countLines(baselineArgs.resultsFile))} lines written`);
      removeTempDir(baselineArgs.resultsFile);
    }

    // Where the engine's time goes before its first example, timed apart from the run.
    const setup = await runChild<SetupReport>(join(childrenDir, "setup-phases.mjs"), [JSON.stringify({ experimentsDir })], { measureRss: false });
    const setupMs = setup.report.discoverMs + setup.report.loadCodeMs + setup.report.loadDatasetMs;
    log(
      `   engine set-up alone (separate process): discover ${ms(setup.report.discoverMs)}, load task + evaluator ${ms(setup.report.loadCodeMs)}, ` +
        `load dataset ${ms(setup.report.loadDatasetMs)}`,
    );

    // What a CLI user sees: `evalwire run` with its plain (non-TTY) reporters.
    const cliCwd = join(tmp, "cli");
    mkdirSync(cliCwd);
    const cli = await runNode([cliBin, "run", "--experiments", experimentsDir, "--example-concurrency", String(exampleConcurrency), "--quiet"], {
      cwd: cliCwd,
      env: { ...process.env, CI: "true" },
    });
    const cliRssMb = cli.timedMaxRssKb === null ? Number.NaN : cli.timedMaxRssKb / 1024;
    log(`   CLI: evalwire run --example-concurrency ${exampleConcurrency} --quiet: process ${ms(cli.processWallMs)}, peak RSS ${fmt(cliRssMb, 1)} MB, exit ${cli.code}`);
    removeTempDir(cliCwd);

    const engineWall = median(engine.wall);
    const enginePerSecond = examples / (engineWall / 1000);
    const engineRss = median(engine.rss);
    const baselineTotal = median(baseline.total);
    const baselinePerSecond = examples / (baselineTotal / 1000);
    const ratio = enginePerSecond / baselinePerSecond;
    const engineLoopUs = ((engineWall - setupMs) * 1000) / examples;
    const baselineLoopUs = (median(baseline.loop) * 1000) / examples;
    const cpuRatio = median(engine.cpu) / median(baseline.cpu);
    const incomplete = engine.ok ? "" : " [RUN INCOMPLETE]";
    const throughputMet = engine.ok && enginePerSecond >= targetPerSecond;

    const rows: Row[] = [
      {
        bench,
        figure: `${fmt(enginePerSecond)} examples/s (${fmt(examples)} in ${ms(engineWall)}, run() wall, median of ${runs})${incomplete}`,
        target: `≥ ${fmt(targetPerSecond)} examples/s`,
        met: throughputMet,
      },
      {
        bench,
        figure: `peak RSS ${fmt(engineRss, 1)} MB (median of ${runs}; max ${fmt(Math.max(...engine.rss), 1)})`,
        target: `≤ ${targetRssMb} MB`,
        met: engine.ok && engineRss <= targetRssMb,
      },
      {
        bench: "a baseline loop",
        figure: `${fmt(baselinePerSecond)} examples/s (${ms(baselineTotal)}), peak RSS ${fmt(median(baseline.rss), 1)} MB`,
        target: "-",
        met: null,
      },
      {
        bench: "a engine/baseline",
        figure: `throughput ${fmt(ratio, 2)} (engine takes ${fmt(1 / ratio, 2)}x the wall time, ${fmt(cpuRatio, 2)}x the CPU time${engine.mainCpu.length > 0 ? `; main thread ${ms(median(engine.mainCpu))}, worker ${ms(median(engine.workerCpu))} of CPU` : ""})`,
        target: "-",
        met: null,
      },
      {
        bench: "a engine/baseline",
        figure: `against the loop writing the engine's records (${ms(median(sameRecords))}): throughput ${fmt(median(sameRecords) / engineWall, 2)}`,
        target: "-",
        met: null,
      },
      {
        bench: "a engine/baseline",
        figure: `per example after set-up: engine ≈ ${fmt(engineLoopUs, 1)} µs, baseline ${fmt(baselineLoopUs, 1)} µs`,
        target: "-",
        met: null,
      },
      {
        bench: "a engine set-up",
        figure: `${ms(setupMs)} before the first example (load dataset ${ms(setup.report.loadDatasetMs)}, load code ${ms(setup.report.loadCodeMs)})`,
        target: "-",
        met: null,
      },
      {
        bench: "a CLI run --quiet",
        figure: `${fmt(examples / (cli.processWallMs / 1000))} examples/s over the whole process (${ms(cli.processWallMs)}), peak RSS ${fmt(cliRssMb, 1)} MB`,
        target: "-",
        met: null,
      },
    ];

    if (options.profile === true || (options.profile === undefined && !throughputMet)) {
      log(`   ${throughputMet ? "profiling" : "throughput target missed: profiling"} one more engine run under node --cpu-prof…`);
      const profileDir = join(tmp, "profile");
      await runChild<EngineReport>(join(childrenDir, "engine-run.mjs"), [engineArgs(join(tmp, "runs-profiled"))], {
        measureRss: false,
        nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`],
      });
      const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
      if (file) {
        log("   functions with the most self time (whole process, including start-up):");
        for (const hot of hotFunctions(join(profileDir, file), 20)) {
          log(`     ${fmt(hot.selfShare * 100, 1).padStart(5)}%  ${ms(hot.selfMs).padStart(9)}  ${hot.name}  ${hot.where}`);
        }
      }
    }
    return rows;
  } finally {
    removeTempDir(tmp);
  }
}

function parseArgs(argv: string[]): EngineOverheadOptions {
  const options: EngineOverheadOptions = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === "--examples") options.examples = Number(argv[++index]);
    else if (arg === "--runs") options.runs = Number(argv[++index]);
    else if (arg === "--profile") options.profile = true;
    else if (arg === "--no-profile") options.profile = false;
  }
  return options;
}

if (isMain(import.meta.url)) {
  const rows = await engineOverhead(parseArgs(process.argv.slice(2)));
  log(`\n${rowsTable(rows)}`);
}

/** The main thread's and the worker's shares of a run's CPU, where /proc told them. */
function threadsCpu(report: EngineReport): string {
  if (report.mainCpuMs === null || report.workerCpuMs === null) return "";
  return `: main thread ${ms(report.mainCpuMs)}, worker ${ms(report.workerCpuMs)}`;
}
