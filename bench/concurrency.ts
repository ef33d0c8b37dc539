/**
 * (b) Concurrency: a task that sleeps 20 ms (setTimeout) and one evaluator that returns 1, over
 * 1,000 examples at example concurrency 50, recorded to the local run store. Ideal wall time:
 * 1000 / 50 * 20 = 400 ms. Figure: the experiment's own duration (ExperimentResult.durationMs,
 * which includes loading its code and dataset) over 400 ms, target ≤ 1.15; also the whole run()
 * over 400 ms. Each run is a fresh node process, as a CLI run would be; the median of --runs
 * (default 5) is reported.
 *
 *   npx tsx bench/concurrency.ts [--runs N]
 */
import { join } from "node:path";
import { oneEvaluator, sleepTask, writeExperiment } from "./fixtures.js";
import { checkBuild, childrenDir, fmt, isMain, log, makeTempDir, median, ms, type Row, removeTempDir, rowsTable, runChild } from "./lib.js";

const bench = "b concurrency";
const examples = 1000;
const exampleConcurrency = 50;
const sleepMs = 20;
const idealMs = (examples / exampleConcurrency) * sleepMs;
const targetRatio = 1.15;

interface SetupReport {
  discoverMs: number;
  loadCodeMs: number;
  loadDatasetMs: number;
  maxRssKb: number;
}

interface EngineReport {
  runWallMs: number;
  /** run() start to the first task call: discovery, loading code and dataset, opening the run store. */
  setupMs: number | null;
  /** First task call to the end of run(): the engine's scheduling of the examples. */
  loopMs: number | null;
  error: string | null;
  experiments: { status: string; completed: number; durationMs: number }[];
  maxRssKb: number;
}

export async function concurrency(options: { runs?: number } = {}): Promise<Row[]> {
  checkBuild();
  const runs = options.runs ?? 5;
  const tmp = makeTempDir("concurrency");
  try {
    const experimentsDir = join(tmp, "experiments");
    writeExperiment(experimentsDir, { name: "sleepy", task: sleepTask(sleepMs), evaluators: { always_one: oneEvaluator("always_one") }, examples });
    log(`\n== ${bench}: task sleeps ${sleepMs} ms, ${fmt(examples)} examples, example concurrency ${exampleConcurrency}; ideal ${idealMs} ms; ${runs} fresh processes`);

    const durations: number[] = [];
    const walls: number[] = [];
    const setups: number[] = [];
    const loops: number[] = [];
    const processes: number[] = [];
    let allOk = true;
    for (let run = 1; run <= runs; run++) {
      const runsDir = join(tmp, `runs-${run}`);
      const child = await runChild<EngineReport>(join(childrenDir, "engine-run.mjs"), [JSON.stringify({ experimentsDir, runsDir, exampleConcurrency })], {
        measureRss: false,
      });
      const result = child.report.experiments[0];
      const ok = child.report.error === null && result?.status === "passed" && result.completed === examples;
      allOk &&= ok;
      durations.push(result?.durationMs ?? Number.NaN);
      walls.push(child.report.runWallMs);
      setups.push(child.report.setupMs ?? Number.NaN);
      loops.push(child.report.loopMs ?? Number.NaN);
      processes.push(child.processWallMs);
      log(
        `   run ${run}: experiment durationMs ${ms(result?.durationMs ?? Number.NaN)} (${fmt((result?.durationMs ?? Number.NaN) / idealMs, 3)}x), ` +
          `run() ${ms(child.report.runWallMs)} (${fmt(child.report.runWallMs / idealMs, 3)}x) = set-up ${ms(child.report.setupMs ?? Number.NaN)} ` +
          `+ loop ${ms(child.report.loopMs ?? Number.NaN)} (${fmt((child.report.loopMs ?? Number.NaN) / idealMs, 3)}x), process ${ms(child.processWallMs)}` +
          (ok ? "" : ` [status ${result?.status}, completed ${result?.completed}]`),
      );
      removeTempDir(runsDir);
    }

    // Where the set-up goes, timed apart from the runs.
    const phases = await runChild<SetupReport>(join(childrenDir, "setup-phases.mjs"), [JSON.stringify({ experimentsDir })], { measureRss: false });
    log(
      `   set-up alone (separate process): discover ${ms(phases.report.discoverMs)}, load task + evaluator ${ms(phases.report.loadCodeMs)}, ` + `load dataset ${ms(phases.report.loadDatasetMs)}`,
    );

    const duration = median(durations);
    const wall = median(walls);
    const setup = median(setups);
    const loop = median(loops);
    const note = allOk ? "" : " [SOME RUNS INCOMPLETE]";
    return [
      {
        bench,
        figure: `experiment durationMs ${ms(duration)} / ${idealMs} ms = ${fmt(duration / idealMs, 3)} (median of ${runs})${note}`,
        target: `≤ ${targetRatio}`,
        met: allOk && duration / idealMs <= targetRatio,
      },
      {
        bench,
        figure: `whole run() ${ms(wall)} / ${idealMs} ms = ${fmt(wall / idealMs, 3)} (median of ${runs})${note}`,
        target: `≤ ${targetRatio}`,
        met: allOk && wall / idealMs <= targetRatio,
      },
      {
        bench,
        figure: `whole process (spawn to exit, with node start-up) ${ms(median(processes))} / ${idealMs} ms = ${fmt(median(processes) / idealMs, 3)}`,
        target: "-",
        met: null,
      },
      {
        bench,
        figure: `of which set-up ${ms(setup)} (run() start to first task call; loading code alone ${ms(phases.report.loadCodeMs)}) and loop ${ms(loop)} = ${fmt(loop / idealMs, 3)}x ideal`,
        target: "-",
        met: null,
      },
    ];
  } finally {
    removeTempDir(tmp);
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--runs");
  const rows = await concurrency(at === -1 ? {} : { runs: Number(process.argv[at + 1]) });
  log(`\n${rowsTable(rows)}`);
}
