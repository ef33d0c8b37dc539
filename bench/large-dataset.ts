/**
 * (f) A dataset of a million examples on one machine (issue 10): a no-op task over a 1,000,000-line
 * JSONL file, recorded, in a process of its own: its peak RSS (target under 300 MB: datasets
 * streamed, results never all held). Then a second run is killed (SIGKILL) with about 1,000 calls to
 * go, and `--resume` finishes it: the time from run() to its first task call (target under 3 s),
 * with the run's checkpoint and, for comparison, without it. Baselines measured in the same run: a
 * plain Node reader that parses each line of the dataset, and of results.jsonl, and does nothing else.
 *
 *   npx tsx bench/large-dataset.ts [--examples N] [--profile]
 *
 * With --profile, the resume is made once more under `node --cpu-prof` and the functions with the
 * most self time are printed.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeExperiment } from "./fixtures.js";
import { checkBuild, childrenDir, countLines, fmt, hotFunctions, isMain, log, makeTempDir, ms, type Row, removeTempDir, repoDir, rowsTable, runChild } from "./lib.js";

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

export async function largeDataset(options: { examples?: number; profile?: boolean } = {}): Promise<Row[]> {
  checkBuild();
  const examples = options.examples ?? 1_000_000;
  const tmp = makeTempDir("large-dataset");
  try {
    const experimentsDir = join(tmp, "experiments");
    const dir = writeExperiment(experimentsDir, { name: "million", task: stampingNoopTask, evaluators: {}, examples });
    const dataset = join(dir, "dataset.jsonl");
    log(
      `\n== ${bench}: no-op task over ${fmt(examples)} JSONL examples (${fmt(statSync(dataset).size / 1e6, 0)} MB), recorded; then a run killed (SIGKILL) with about ${fmt(left)} to go, and --resume`,
    );
    // As the CLI runs: the cache folder given (the task cache off), where the dataset's check is remembered.
    const cache = { mode: "off", key: null, dir: join(tmp, "cache") };
    const childArgs = (runsDir: string, longRun: object = {}) => [
      JSON.stringify({ dist: pathToFileURL(join(repoDir, "dist", "index.js")).href, experimentsDir, runsDir, longRun: { cache, ...longRun } }),
    ];
    const child = (runsDir: string, longRun: object = {}, nodeArgs: string[] = []) =>
      runChild<FirstTaskReport>(join(childrenDir, "first-task.mjs"), childArgs(runsDir, longRun), nodeArgs.length > 0 ? { nodeArgs, measureRss: false } : {});

    const reader = await runChild<{ records: number; ms: number; maxRssKb: number }>(join(childrenDir, "plain-reader.mjs"), [dataset]);
    log(`   plain reader of the dataset: ${ms(reader.report.ms)}, peak RSS ${fmt(reader.peakRssMb, 0)} MB`);
    const wholeRuns = join(tmp, "runs-whole");
    const whole = await child(wholeRuns);
    log(
      `   evalwire run: ${ms(whole.report.runMs)} (first call after ${ms(whole.report.firstTaskMs ?? Number.NaN)}), ${whole.report.status} ${fmt(whole.report.completed)}, peak RSS ${fmt(whole.peakRssMb, 0)} MB (${whole.rssSource})`,
    );
    const wholeResults = join(wholeRuns, readdirSync(wholeRuns)[0]!, "results.jsonl");
    const lineBytes = statSync(wholeResults).size / examples;
    removeTempDir(wholeRuns);

    // A crash as it happens: the process killed mid-run, its last checkpoint a moment old, maybe a torn line.
    const runsDir = join(tmp, "runs");
    const killedAt = await killWhen(childArgs(runsDir), runsDir, Math.round(lineBytes * (examples - left)));
    const runDir = join(runsDir, readdirSync(runsDir)[0]!);
    const crashed = snapshotFolder(runDir, join(tmp, "crashed"));
    const checkpoint = readCheckpointBytes(runDir);
    log(
      `   killed after ${ms(killedAt)}: ${fmt(countLines(join(runDir, "results.jsonl")))} results recorded, checkpoint over ${checkpoint === null ? "none" : `${fmt(checkpoint / lineBytes)} of them`}`,
    );
    const resultsReader = await runChild<{ records: number; ms: number; maxRssKb: number }>(join(childrenDir, "plain-reader.mjs"), [join(runDir, "results.jsonl")]).catch(() => null);
    const resumed = await child(runsDir, { resume: true });
    const startMs = resumed.report.firstTaskMs ?? Number.NaN;
    log(
      `   --resume: first call after ${ms(startMs)} (run ${ms(resumed.report.runMs)}), ${resumed.report.status} ${fmt(resumed.report.completed)}, peak RSS ${fmt(resumed.peakRssMb, 0)} MB; plain reader of results.jsonl: ${resultsReader ? ms(resultsReader.report.ms) : "could not run (torn line)"}`,
    );
    // The same crash resumed without its checkpoint: every recorded result parsed again.
    restoreFolder(crashed, runDir);
    rmSync(join(runDir, "checkpoint.json"), { force: true });
    const parsed = await child(runsDir, { resume: true });
    const parsedMs = parsed.report.firstTaskMs ?? Number.NaN;
    log(`   --resume without the checkpoint: first call after ${ms(parsedMs)}, ${parsed.report.status} ${fmt(parsed.report.completed)}`);
    if (options.profile) {
      restoreFolder(crashed, runDir);
      const profileDir = join(tmp, "profile");
      await child(runsDir, { resume: true }, ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]);
      const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
      if (file) {
        log("   --resume under --cpu-prof, functions with the most self time (main thread):");
        for (const hot of hotFunctions(join(profileDir, file), 20)) log(`     ${fmt(hot.selfShare * 100, 1).padStart(5)}%  ${ms(hot.selfMs).padStart(9)}  ${hot.name}  ${hot.where}`);
      }
    }
    const complete = whole.report.status === "passed" && whole.report.completed === examples;
    const resumedComplete = resumed.report.status === "passed" && resumed.report.completed === examples && parsed.report.completed === examples;
    return [
      {
        bench,
        figure: `peak RSS ${fmt(whole.peakRssMb, 0)} MB over ${fmt(examples)} examples (a plain line reader: ${fmt(reader.peakRssMb, 0)} MB)${complete ? "" : " [RUN INCOMPLETE]"}`,
        target: `< ${targetRssMb} MB`,
        met: complete && whole.peakRssMb < targetRssMb,
      },
      {
        bench,
        figure: `--resume start-up ${ms(startMs)} after a SIGKILL (without the checkpoint ${ms(parsedMs)}${resultsReader ? `; a plain reader parses results.jsonl in ${ms(resultsReader.report.ms)}` : ""})${resumedComplete ? "" : " [RESUME INCOMPLETE]"}`,
        target: `< ${targetResumeMs / 1000} s`,
        met: resumedComplete && startMs < targetResumeMs,
      },
    ];
  } finally {
    removeTempDir(tmp);
  }
}

/** Runs the bench child and kills it (SIGKILL) once its results.jsonl holds `bytes`; resolves with when, in ms. */
async function killWhen(args: string[], runsDir: string, bytes: number): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, [join(childrenDir, "first-task.mjs"), ...args], { stdio: "ignore" });
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  for (;;) {
    await new Promise((wait) => setTimeout(wait, 10));
    const folder = existsSync(runsDir) ? readdirSync(runsDir)[0] : undefined;
    const size = folder ? (statSync(join(runsDir, folder, "results.jsonl"), { throwIfNoEntry: false })?.size ?? 0) : 0;
    if (size >= bytes || child.exitCode !== null) break;
  }
  child.kill("SIGKILL");
  await exited;
  return performance.now() - start;
}

function snapshotFolder(dir: string, to: string): string {
  mkdirSync(to);
  for (const name of readdirSync(dir)) copyFileSync(join(dir, name), join(to, name));
  return to;
}

function restoreFolder(from: string, dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name));
  for (const name of readdirSync(from)) copyFileSync(join(from, name), join(dir, name));
}

function readCheckpointBytes(runDir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(runDir, "checkpoint.json"), "utf8")) as { resultsBytes: number }).resultsBytes;
  } catch {
    return null;
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--examples");
  const rows = await largeDataset({ ...(at === -1 ? {} : { examples: Number(process.argv[at + 1]) }), profile: process.argv.includes("--profile") });
  log(`\n${rowsTable(rows)}`);
}
