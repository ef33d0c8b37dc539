/**
 * (f) A dataset of a million examples on one machine (issue 10): a no-op task over a 1,000,000-line
 * JSONL file, recorded, in a process of its own: its peak RSS (target under 300 MB: datasets
 * streamed, results never all held). Then the run is made unfinished, as a crash leaves it (run.json
 * "running", the last 1,000 results gone, a torn last line), and `--resume` finishes it: the time
 * from run() to its first task call (target under 3 s). Baselines measured in the same run: a plain
 * Node reader that parses each line of the dataset, and of results.jsonl, and does nothing else.
 *
 *   npx tsx bench/large-dataset.ts [--examples N]
 */
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeExperiment } from "./fixtures.js";
import { checkBuild, childrenDir, fmt, isMain, log, makeTempDir, ms, type Row, removeTempDir, repoDir, rowsTable, runChild } from "./lib.js";

const bench = "f large dataset";
const targetRssMb = 300;
const targetResumeMs = 3000;
const left = 1000;

interface FirstTaskReport {
  firstTaskMs: number | null;
  runMs: number;
  status: string;
  completed: number;
  maxRssKb: number;
}

/** Posts the moment of its first call, from the worker, to the bench child. */
const stampingNoopTask = `let posted = false;
export function task() {
  if (!posted) {
    posted = true;
    const channel = new BroadcastChannel("evalwire-bench-first-task");
    channel.postMessage(performance.timeOrigin + performance.now());
    channel.close();
  }
  return { ok: true };
}
`;

export async function largeDataset(options: { examples?: number } = {}): Promise<Row[]> {
  checkBuild();
  const examples = options.examples ?? 1_000_000;
  const tmp = makeTempDir("large-dataset");
  try {
    const experimentsDir = join(tmp, "experiments");
    const dir = writeExperiment(experimentsDir, { name: "million", task: stampingNoopTask, evaluators: {}, examples });
    const dataset = join(dir, "dataset.jsonl");
    const runsDir = join(tmp, "runs");
    log(`\n== ${bench}: no-op task over ${fmt(examples)} JSONL examples (${fmt(statSync(dataset).size / 1e6, 0)} MB), recorded; then --resume of its last ${fmt(left)}`);
    // As the CLI runs: the cache folder given (the task cache off), where the dataset's check is remembered.
    const cache = { mode: "off", key: null, dir: join(tmp, "cache") };
    const child = (longRun: object = {}) =>
      runChild<FirstTaskReport>(join(childrenDir, "first-task.mjs"), [
        JSON.stringify({ dist: pathToFileURL(join(repoDir, "dist", "index.js")).href, experimentsDir, runsDir, longRun: { cache, ...longRun } }),
      ]);

    const reader = await runChild<{ records: number; ms: number; maxRssKb: number }>(join(childrenDir, "plain-reader.mjs"), [dataset]);
    log(`   plain reader of the dataset: ${ms(reader.report.ms)}, peak RSS ${fmt(reader.peakRssMb, 0)} MB`);
    const whole = await child();
    log(
      `   evalwire run: ${ms(whole.report.runMs)} (first call after ${ms(whole.report.firstTaskMs ?? Number.NaN)}), ${whole.report.status} ${fmt(whole.report.completed)}, peak RSS ${fmt(whole.peakRssMb, 0)} MB (${whole.rssSource})`,
    );

    const runDir = join(runsDir, readdirSync(runsDir)[0]!);
    const results = join(runDir, "results.jsonl");
    unfinish(runDir, results);
    const resultsReader = await runChild<{ records: number; ms: number; maxRssKb: number }>(join(childrenDir, "plain-reader.mjs"), [results]).catch(() => null);
    const resumed = await child({ resume: true });
    const startMs = resumed.report.firstTaskMs ?? Number.NaN;
    log(
      `   --resume: first call after ${ms(startMs)} (run ${ms(resumed.report.runMs)}), ${resumed.report.status} ${fmt(resumed.report.completed)}, peak RSS ${fmt(resumed.peakRssMb, 0)} MB; plain reader of results.jsonl: ${resultsReader ? ms(resultsReader.report.ms) : "could not run (torn line)"}`,
    );
    const complete = whole.report.status === "passed" && whole.report.completed === examples;
    const resumedComplete = resumed.report.status === "passed" && resumed.report.completed === examples;
    return [
      {
        bench,
        figure: `peak RSS ${fmt(whole.peakRssMb, 0)} MB over ${fmt(examples)} examples (a plain line reader: ${fmt(reader.peakRssMb, 0)} MB)${complete ? "" : " [RUN INCOMPLETE]"}`,
        target: `< ${targetRssMb} MB`,
        met: complete && whole.peakRssMb < targetRssMb,
      },
      {
        bench,
        figure: `--resume start-up ${ms(startMs)} over ${fmt(examples - left)} recorded results${resultsReader ? ` (a plain reader parses them in ${ms(resultsReader.report.ms)})` : ""}${resumedComplete ? "" : " [RESUME INCOMPLETE]"}`,
        target: `< ${targetResumeMs / 1000} s`,
        met: resumedComplete && startMs < targetResumeMs,
      },
    ];
  } finally {
    removeTempDir(tmp);
  }
}

/** Leaves the run as a crash would: "running", its last results lost, a torn last line. */
function unfinish(runDir: string, results: string): void {
  const run = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as Record<string, unknown>;
  const { summary: _s, endedAt: _e, ...rest } = run;
  writeFileSync(join(runDir, "run.json"), JSON.stringify({ ...rest, status: "running" }));
  const text = readFileSync(results);
  let end = text.length;
  for (let dropped = 0; dropped <= left; dropped++) end = text.lastIndexOf(10, end - 1);
  truncateSync(results, end + 1);
  appendFileSync(results, '{"exampleId":"ex-');
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--examples");
  const rows = await largeDataset(at === -1 ? {} : { examples: Number(process.argv[at + 1]) });
  log(`\n${rowsTable(rows)}`);
}
