import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
import { ExitCode } from "../errors.js";
import type { ExperimentResult, RunResult } from "../types.js";
import type { RunInfo, RunListener } from "./events.js";
import { fanOut } from "./listeners.js";
import type { LongRunOptions } from "./long-run.js";
import { runTimestamp } from "./naming.js";
import type { Backend, ExperimentPlan } from "./ports.js";
import { runExperiment } from "./run-experiment.js";
import type { Shard } from "./shard.js";

export interface EngineRun {
  plans: ExperimentPlan[];
  backend: Backend;
  listeners: RunListener[];
  /** Experiments in parallel. */
  concurrency: number;
  /** Examples per experiment in a dry run (nothing is recorded), or false. */
  dryRun: number | false;
  prefix: string;
  /** Recorded with every experiment; wins over every other metadata. */
  metadata: Record<string, unknown>;
  /** Abort to interrupt: in-flight calls see their signal abort, finished results are kept. */
  signal?: AbortSignal | undefined;
  /** For the header: where the run store and the experiments are. */
  runsDir: string;
  experimentsDir: string;
  /** Cache, retries, selection, resume (DESIGN.md section 18). */
  longRun?: LongRunOptions | undefined;
  /** Run only this shard of every experiment's task calls. */
  shard?: Shard | null | undefined;
  /** Shards with one run id record into one Phoenix experiment. */
  runId?: string | null | undefined;
}

/** Runs experiments and resolves with every result, failed or not. Never throws for a failed experiment. */
export async function runExperiments(run: EngineRun): Promise<RunResult> {
  const stop = linkedSignal(run.signal);
  const listener = fanOut(run.listeners);
  const info: RunInfo = {
    backend: run.backend.kind,
    location: run.backend.location,
    runsDir: run.runsDir,
    experimentsDir: run.experimentsDir,
    experiments: run.plans.map((plan) => plan.experiment),
    dryRun: run.dryRun,
    timestamp: runTimestamp(),
  };
  const context = {
    backend: run.backend,
    prefix: run.prefix,
    timestamp: info.timestamp,
    metadata: run.metadata,
    dryRun: run.dryRun,
    listener,
    stop,
    cwd: run.experimentsDir,
    runsDir: run.runsDir,
    shard: run.shard ?? null,
    runId: run.runId ?? null,
    ...(run.longRun ? { longRun: run.longRun } : {}),
  };
  listener.onRunStart(info);
  const limit = pLimit(run.concurrency);
  const experiments = await Promise.all(run.plans.map((plan) => limit(() => runExperiment(plan, context))));
  await listener.onRunEnd(experiments, info);
  return runResult(experiments, stop.aborted);
}

export function runResult(experiments: ExperimentResult[], interrupted: boolean): RunResult {
  if (interrupted || experiments.some((result) => result.status === "interrupted")) return { status: "interrupted", exitCode: ExitCode.interrupted, experiments };
  // --resume or --retry-errors refused: the data changed under the run (a usage error, DESIGN.md section 18).
  if (experiments.some((result) => result.refused)) return { status: "failed", exitCode: ExitCode.usage, experiments };
  if (experiments.some((result) => result.status === "failed")) return { status: "failed", exitCode: ExitCode.failed, experiments };
  return { status: "passed", exitCode: ExitCode.ok, experiments };
}

/** Every in-flight call listens on the run's signal: a signal of our own, so no listener limit applies. */
function linkedSignal(outer: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
  return controller.signal;
}
