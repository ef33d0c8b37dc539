import type { RunKnobs } from "../config/settings.js";
import type { Dataset } from "../datasets/dataset.js";
import type { ExperimentHeader } from "../sinks/sink.js";
import type { ExperimentResult } from "../types.js";
import type { Prior } from "./long-run.js";
import { runMetadata } from "./metadata.js";
import { formatShard, type Shard } from "./shard.js";

/** What an experiment's recordings open with: its name, dataset, settings, and which calls it runs. */
export function experimentHeader(parts: {
  result: ExperimentResult;
  experiment: string;
  dataset: Dataset;
  evaluators: string[];
  knobs: RunKnobs;
  /** Pairs given to run(); they win over every other metadata. */
  metadata: Record<string, unknown>;
  /** Where the experiments live, for the git commit recorded. */
  cwd: string;
  taskHash: string | null;
  selection: ExperimentHeader["selection"];
  shard: Shard | null;
  runId: string | null;
  prior: Prior | null;
}): ExperimentHeader {
  const { result, dataset, knobs, prior } = parts;
  const header: ExperimentHeader = {
    name: result.name,
    experiment: parts.experiment,
    dataset: { ...result.dataset, ...(dataset.remote ? { remote: dataset.remote } : {}) },
    metadata: { ...runMetadata(dataset.name, parts.cwd), ...knobs.metadata, ...parts.metadata },
    evaluators: parts.evaluators,
    settings: { timeoutMs: knobs.timeoutMs, repetitions: knobs.repetitions, exampleConcurrency: knobs.exampleConcurrency },
    planned: result.planned,
    startedAt: new Date().toISOString(),
    ...(parts.taskHash ? { task: { hash: parts.taskHash } } : {}),
    ...(parts.selection ? { selection: parts.selection } : {}),
    ...(parts.shard ? { shard: formatShard(parts.shard) } : {}),
    ...(parts.runId ? { runId: parts.runId } : {}),
  };
  if (parts.selection?.partial) Object.assign(header.metadata, { evalwire_partial: true, evalwire_selection: parts.selection.description });
  if (prior?.kind === "retry-errors") header.metadata.evalwire_retry_errors_of = prior.folder.run.name;
  return header;
}

/** A --retry-errors run of a shard's run merges in its place, so it keeps that run's id unless given one. */
export function runIdOf(given: string | null, prior: Prior | null): string | null {
  return given ?? (prior?.kind === "retry-errors" ? (prior.folder.run.runId ?? null) : null);
}
