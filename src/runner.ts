import { join, resolve } from "node:path";
import { createBackend } from "./backends.js";
import { namePartProblem } from "./config/name-part.js";
import { type BaselineSettings, type CsvOptions, defaults, type RunKnobs, type RunOverrides } from "./config/settings.js";
import { isWholeNumber, ranges, type WholeRange, wholeNumberRule } from "./config/whole-number.js";
import { datasetNameOf, discoverExperiments, type ExperimentFolder, knobsFor, requireValidConfig, selectExperiments } from "./discovery/discover.js";
import type { RunListener } from "./engine/events.js";
import type { LongRunOptions } from "./engine/long-run.js";
import { readGitInfoAhead } from "./engine/metadata.js";
import type { ExperimentPlan } from "./engine/ports.js";
import { runExperiments } from "./engine/run-experiments.js";
import { formatShard, parseShard, type Shard } from "./engine/shard.js";
import { UsageError } from "./errors.js";
import { checkBaseline } from "./judge/check-baseline.js";
import { checkThresholds } from "./judge/check-thresholds.js";
import { planJudging } from "./judge/plan.js";
import type { Thresholds } from "./judge/thresholds.js";
import type { Phoenix } from "./phoenix/client.js";
import type { PhoenixClientLike, PhoenixConnection, RetryPolicy } from "./phoenix/connection.js";
import { startThreadAhead } from "./sandbox/warm-worker.js";
import { WorkerSandbox } from "./sandbox/worker-sandbox.js";
import { killCommandGroupsAtExit } from "./tasks/process-groups.js";
import type { RunResult } from "./types.js";
import { refuseUnknownOptions } from "./unknown-options.js";

export interface ExperimentRunnerOptions {
  experimentsDir: string;
  /** A client from `createClient` of `@arizeai/phoenix-client`: selects the Phoenix backend. */
  phoenixClient?: PhoenixClientLike;
  /** Where Phoenix is (the CLI's way): selects the Phoenix backend too. */
  phoenix?: PhoenixConnection | null;
  /** How Phoenix calls are retried (default: 5 retries, 250 ms doubling to 4 s). */
  retry?: Partial<RetryPolicy>;
  /** Export each task call as a span into the Phoenix experiment's project (default true). */
  traces?: boolean;
  /** Experiments in parallel (default 1). */
  concurrency?: number;
  /** Examples in flight per experiment (default 10); an experiment's evalwire.toml may change it. */
  exampleConcurrency?: number;
  /** Per task and evaluator call, and for loading an experiment's code, in ms (default 300000; 0 for none); an experiment's evalwire.toml may change it. */
  timeoutMs?: number;
  /** For loading an experiment's task and evaluator files, in ms (default 60000; 0 for none); an experiment's evalwire.toml may change it. */
  loadTimeoutMs?: number;
  /** Default 1; an experiment's evalwire.toml may change it. */
  repetitions?: number;
  /** Metadata for every experiment, under the folder's own. */
  metadata?: Record<string, string | number | boolean>;
  /** true: the first example of each experiment; N: the first N. Records nothing. */
  dryRun?: boolean | number;
  /** Default `.evalwire/runs` in the working directory. */
  runsDir?: string;
  datasetsDir?: string | null;
  csv?: Partial<CsvOptions>;
  /** Values that win over an experiment folder's evalwire.toml (the CLI's flags). */
  overrides?: RunOverrides;
  listeners?: RunListener[];
  /** Abort to interrupt: in-flight tasks see their signal abort, finished results are kept. */
  signal?: AbortSignal;
  /** Cache, retries, selection, resume, retry-errors (DESIGN.md section 18). */
  longRun?: LongRunOptions;
  /** Thresholds for every experiment that has the evaluator (§13); a folder's `[thresholds]` refines them. */
  thresholds?: Thresholds;
  /** Where `thresholds` came from, for error messages (default "evalwire.toml"). */
  thresholdsLabel?: string;
  /** The CLI's flags, which win over a folder's `[thresholds]`. */
  thresholdOverrides?: Thresholds;
  /** Compare each experiment with an earlier run (§14): `latest`, a run name or folder, or a Phoenix experiment id. */
  baseline?: BaselineSettings;
  /** Run only shard `index` of `count` (1-based) of every experiment's task calls; each shard records a run of its own. */
  shard?: Shard | null;
  /** Shards given one run id record into one Phoenix experiment. */
  runId?: string | null;
}

export interface RunOptions {
  /** Only these experiments (folder names). */
  names?: string[];
  experimentNamePrefix?: string;
  /** Recorded with every experiment; wins over every other metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Runs every experiment found in a folder, each experiment's code in a worker thread of its own.
 * Resolves with every experiment's result, failed or not (`status`, `exitCode`); rejects only with a
 * UsageError, before any work starts. Never exits the process.
 */
export class ExperimentRunner {
  constructor(private readonly options: ExperimentRunnerOptions) {}

  async run(runOptions: RunOptions = {}): Promise<RunResult> {
    const options = this.options;
    validateOptions(options, runOptions);
    // The first experiment's worker thread boots while the folders, settings and datasets are read.
    startThreadAhead();
    void readGitInfoAhead(resolve(options.experimentsDir));
    const found = discoverExperiments(options.experimentsDir);
    const folders = selectExperiments(found, runOptions.names);
    requireValidConfig(folders);
    const judging = planJudging(
      folders,
      { root: options.thresholds ?? { evaluators: {} }, rootLabel: options.thresholdsLabel ?? "evalwire.toml", flags: options.thresholdOverrides ?? { evaluators: {} } },
      options.baseline ?? { ref: null },
      found,
    );
    const runsDir = resolve(options.runsDir ?? defaults.runsDir);
    const cacheDir = options.longRun?.cache?.dir;
    const backend = await createBackend({ ...options, runsDir, datasetChecksDir: cacheDir ? join(resolve(cacheDir), "datasets") : null });
    const baseline = judging.baseline ? { ...judging.baseline, ref: judging.baseline.ref!, runsDir, phoenix: await phoenixForBaseline(options) } : null;
    const knobs: RunKnobs = {
      timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
      loadTimeoutMs: options.loadTimeoutMs ?? defaults.loadTimeoutMs,
      repetitions: options.repetitions ?? defaults.repetitions,
      exampleConcurrency: options.exampleConcurrency ?? defaults.exampleConcurrency,
      metadata: options.metadata ?? {},
    };
    return runExperiments({
      plans: folders.map((folder) => ({ ...folderPlan(folder, knobsFor(folder, knobs, options.overrides ?? {})), judging: { thresholds: judging.thresholds.get(folder.name)!, baseline } })),
      backend,
      listeners: options.listeners ?? [],
      concurrency: options.concurrency ?? defaults.concurrency,
      dryRun: dryRunCount(options.dryRun),
      prefix: runOptions.experimentNamePrefix ?? defaults.prefix,
      metadata: runOptions.metadata ?? {},
      signal: options.signal,
      runsDir,
      experimentsDir: resolve(options.experimentsDir),
      longRun: options.longRun,
      shard: options.shard ?? null,
      runId: options.runId ?? null,
    });
  }
}

/** With the Phoenix backend, a baseline that is no local run may be a Phoenix experiment id. */
async function phoenixForBaseline(options: ExperimentRunnerOptions): Promise<Phoenix | null> {
  if (!options.phoenixClient && !options.phoenix) return null;
  const { phoenixBackend } = await import("./phoenix/backend.js");
  return phoenixBackend(options.phoenixClient ? { client: options.phoenixClient } : options.phoenix!, options.retry).phoenix;
}

/** An experiment folder as the engine sees it: its dataset, its settings, and a worker for its code. */
export function folderPlan(folder: ExperimentFolder, knobs: RunKnobs): ExperimentPlan {
  return {
    experiment: folder.name,
    dataset: { name: datasetNameOf(folder), experimentDir: folder.dir, version: folder.config.dataset_version, splits: folder.config.splits },
    knobs,
    taskFile: folder.taskFile,
    openSandbox: (options) => {
      // A task.yaml may run programs: none may outlive evalwire, even when it ends at once (a second Ctrl-C).
      if (/\.ya?ml$/.test(folder.taskFile)) killCommandGroupsAtExit();
      return WorkerSandbox.open(folder, options);
    },
  };
}

// Every option, so that a misspelt one (a JavaScript caller has no compiler) is refused, not ignored.
const runnerOptionNames = Object.keys({
  experimentsDir: true,
  phoenixClient: true,
  phoenix: true,
  retry: true,
  traces: true,
  concurrency: true,
  exampleConcurrency: true,
  timeoutMs: true,
  loadTimeoutMs: true,
  repetitions: true,
  metadata: true,
  dryRun: true,
  runsDir: true,
  datasetsDir: true,
  csv: true,
  overrides: true,
  listeners: true,
  signal: true,
  longRun: true,
  thresholds: true,
  thresholdsLabel: true,
  thresholdOverrides: true,
  baseline: true,
  shard: true,
  runId: true,
} satisfies Record<keyof ExperimentRunnerOptions, true>);
const runOptionNames = Object.keys({ names: true, experimentNamePrefix: true, metadata: true } satisfies Record<keyof RunOptions, true>);

/** The library's own checks, as the CLI's flags have theirs: a bad value is a UsageError naming the option. */
function validateOptions(options: ExperimentRunnerOptions, runOptions: RunOptions): void {
  refuseUnknownOptions(options, runnerOptionNames);
  refuseUnknownOptions(runOptions, runOptionNames, "run(): ");
  const whole = (name: string, value: number | undefined, range: WholeRange) => {
    if (value !== undefined && !isWholeNumber(value, range)) throw new UsageError(`${name} takes ${wholeNumberRule(range)} (got ${value})`);
  };
  whole("concurrency", options.concurrency, ranges.atLeastOne);
  whole("exampleConcurrency", options.exampleConcurrency ?? options.overrides?.exampleConcurrency, ranges.atLeastOne);
  whole("repetitions", options.repetitions ?? options.overrides?.repetitions, ranges.atLeastOne);
  whole("timeoutMs", options.timeoutMs ?? options.overrides?.timeoutMs, ranges.timeout);
  whole("loadTimeoutMs", options.loadTimeoutMs ?? options.overrides?.loadTimeoutMs, ranges.timeout);
  if (options.shard && typeof options.shard !== "object") throw new UsageError(`shard takes { index, count }, such as { index: 1, count: 4 } (got ${JSON.stringify(options.shard)})`);
  if (options.shard) parseShard(formatShard(options.shard), "shard");
  for (const [name, value] of [
    ["experimentsDir", options.experimentsDir],
    ["runsDir", options.runsDir],
  ] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) throw new UsageError(`${name} takes a folder path (got ${JSON.stringify(value)})`);
  }
  if (options.listeners !== undefined && !Array.isArray(options.listeners)) throw new UsageError("listeners takes a list of listeners, such as [{ onResult }]");
  checkBaseline(options.baseline);
  checkThresholds(options.thresholds, "thresholds");
  checkThresholds(options.thresholdOverrides, "thresholdOverrides");
  const prefix = runOptions.experimentNamePrefix;
  const problem = prefix === undefined ? null : namePartProblem(prefix);
  if (problem) throw new UsageError(`experimentNamePrefix ${problem} (got ${JSON.stringify(prefix)})`);
}

function dryRunCount(dryRun: boolean | number | undefined): number | false {
  if (dryRun === undefined || dryRun === false) return false;
  if (dryRun === true) return 1;
  if (!isWholeNumber(dryRun, ranges.atLeastOne)) throw new UsageError(`dryRun takes ${wholeNumberRule(ranges.atLeastOne)} (got ${dryRun})`);
  return dryRun;
}
