import { setMaxListeners } from "node:events";
import { resolve } from "node:path";
import pLimit from "p-limit";
import { namePart, namePartRule } from "../config/name-part.js";
import { defaultCsvOptions, defaults, type CsvOptions, type RunOverrides } from "../config/settings.js";
import { discoverExperiments, requireValidConfig, selectExperiments } from "../discovery/discover.js";
import { LocalDatasets, type DatasetSource } from "../datasets/source.js";
import { ExperimentsFailedError, UsageError } from "../errors.js";
import type { PhoenixClient, PhoenixConnection, RetryPolicy } from "../phoenix/client.js";
import { RunStore } from "../sinks/run-store.js";
import type { ExperimentResult } from "../types.js";
import type { RunInfo, RunListener } from "./events.js";
import { runTimestamp } from "./naming.js";
import { runExperiment } from "./run-experiment.js";

export interface ExperimentRunnerOptions {
  experimentsDir: string;
  /** A client from `createClient` of `@arizeai/phoenix-client`: selects the Phoenix backend. */
  phoenixClient?: PhoenixClient;
  /** Where Phoenix is (the CLI's way): selects the Phoenix backend too. */
  phoenix?: PhoenixConnection;
  /** How Phoenix calls are retried (default: 5 retries, 250 ms doubling to 4 s). */
  retry?: Partial<RetryPolicy>;
  /** Experiments in parallel (default 1). */
  concurrency?: number;
  /** Examples in flight per experiment (default 10); an experiment's evalwire.toml may change it. */
  exampleConcurrency?: number;
  /** Per task and evaluator call, in ms (default 300000; 0 for none); an experiment's evalwire.toml may change it. */
  timeoutMs?: number;
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
}

export interface RunOptions {
  /** Only these experiments (folder names). */
  names?: string[];
  experimentNamePrefix?: string;
  /** Recorded with every experiment; wins over every other metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Runs every experiment found in a folder. Resolves with one result per experiment when all
 * passed; otherwise rejects with an ExperimentsFailedError carrying every result. Never exits
 * the process.
 */
export class ExperimentRunner {
  constructor(private readonly options: ExperimentRunnerOptions) {}

  async run(runOptions: RunOptions = {}): Promise<ExperimentResult[]> {
    const options = this.options;
    validateOptions(options, runOptions);
    const dryRun = dryRunCount(options.dryRun);
    const experimentsDir = resolve(options.experimentsDir);
    const folders = selectExperiments(discoverExperiments(options.experimentsDir), runOptions.names);
    requireValidConfig(folders);

    const stop = linkedSignal(options.signal);
    const listeners = options.listeners ?? [];
    const listener = fanOut(listeners);
    const runsDir = resolve(options.runsDir ?? defaults.runsDir);
    const phoenix = await phoenixFrom(options);
    const datasets: DatasetSource = phoenix?.datasets ?? new LocalDatasets(options.datasetsDir ?? null, { ...defaultCsvOptions(), ...options.csv });
    const info: RunInfo = {
      backend: phoenix ? "phoenix" : "local",
      location: phoenix ? phoenix.phoenix.baseUrl : runsDir,
      runsDir,
      experimentsDir,
      experiments: folders.map((folder) => folder.name),
      dryRun,
      timestamp: runTimestamp(),
    };
    const context = {
      knobs: {
        timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
        repetitions: options.repetitions ?? defaults.repetitions,
        exampleConcurrency: options.exampleConcurrency ?? defaults.exampleConcurrency,
        metadata: options.metadata ?? {},
      },
      overrides: options.overrides ?? {},
      prefix: runOptions.experimentNamePrefix ?? defaults.prefix,
      timestamp: info.timestamp,
      metadata: runOptions.metadata ?? {},
      datasets,
      store: dryRun === false ? new RunStore(runsDir) : null,
      remote: dryRun === false && phoenix ? phoenix.recorder : null,
      dryRun,
      listener,
      stop,
      experimentsDir,
    };

    listener.onRunStart?.(info);
    const limit = pLimit(options.concurrency ?? defaults.concurrency);
    const results = await Promise.all(folders.map((folder) => limit(() => runExperiment(folder, context))));
    for (const each of listeners) await each.onRunEnd?.(results, info);

    const failed = results.filter((result) => result.status !== "passed");
    if (stop.aborted) throw new ExperimentsFailedError("interrupted", results, true);
    if (failed.length > 0) {
      throw new ExperimentsFailedError(`${failed.length} of ${results.length} experiments failed: ${failed.map((r) => r.experiment).join(", ")}`, results);
    }
    return results;
  }
}

/** The Phoenix backend, when a client or a connection is given. Loaded on demand: local runs never pay for it. */
async function phoenixFrom(options: ExperimentRunnerOptions) {
  const from = options.phoenixClient ? { client: options.phoenixClient } : options.phoenix;
  if (!from) return null;
  const { phoenixBackend } = await import("../phoenix/backend.js");
  return phoenixBackend(from, options.retry);
}

/** Every in-flight call listens on the run's signal: a signal of our own, so no listener limit applies. */
function linkedSignal(outer: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
  return controller.signal;
}

/** The library's own checks, as the CLI's flags have theirs: a bad value is a UsageError naming the option. */
function validateOptions(options: ExperimentRunnerOptions, runOptions: RunOptions): void {
  const whole = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) throw new UsageError(`${name} takes a whole number from ${min} up (got ${value})`);
  };
  whole("concurrency", options.concurrency, 1);
  whole("exampleConcurrency", options.exampleConcurrency ?? options.overrides?.exampleConcurrency, 1);
  whole("repetitions", options.repetitions ?? options.overrides?.repetitions, 1);
  whole("timeoutMs", options.timeoutMs ?? options.overrides?.timeoutMs, 0);
  const prefix = runOptions.experimentNamePrefix;
  if (prefix !== undefined && !namePart.test(prefix)) throw new UsageError(`experimentNamePrefix ${namePartRule} (got ${JSON.stringify(prefix)})`);
}

function dryRunCount(dryRun: boolean | number | undefined): number | false {
  if (dryRun === undefined || dryRun === false) return false;
  if (dryRun === true) return 1;
  if (!Number.isInteger(dryRun) || dryRun < 1) throw new UsageError(`dryRun takes a whole number from 1 up (got ${dryRun})`);
  return dryRun;
}

/** One listener that calls every listener's hook in turn. */
function fanOut(listeners: RunListener[]): RunListener {
  const call =
    <K extends keyof RunListener>(hook: K) =>
    (...args: Parameters<NonNullable<RunListener[K]>>) => {
      for (const listener of listeners) (listener[hook] as ((...a: typeof args) => void) | undefined)?.(...args);
    };
  return {
    onRunStart: call("onRunStart"),
    onExperimentStart: call("onExperimentStart"),
    onResult: call("onResult"),
    onExperimentEnd: call("onExperimentEnd"),
    onWarning: call("onWarning"),
  };
}
