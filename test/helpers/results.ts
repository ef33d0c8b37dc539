import { RunStore } from "../../src/sinks/run-store.js";
import type { Evaluation, ExampleResult, ExperimentResult } from "../../src/types.js";

/** Results as the engine makes them, for tests of what reads them. */
export function evaluation(name: string, score: number | null, error: string | null = null, label: string | null = null): Evaluation {
  return { name, score, label, explanation: null, error, durationMs: 1 };
}
export function result(exampleId: string, evaluations: Evaluation[], options: { repetition?: number; error?: string } = {}): ExampleResult {
  return {
    exampleId,
    repetition: options.repetition ?? 1,
    status: options.error ? "error" : "ok",
    output: options.error ? null : { answer: exampleId },
    error: options.error ?? null,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 5,
    evaluations: options.error ? [] : evaluations,
  };
}

/** Records a run in a runs folder through the real RunStore, as `evalwire run` would. */
export function recordRun(
  runsDir: string,
  options: {
    name: string;
    experiment: string;
    startedAt: string;
    evaluators: string[];
    results: ExampleResult[];
    planned?: number;
    status?: ExperimentResult["status"];
    unfinished?: boolean;
    shard?: string;
  },
): string {
  const planned = options.planned ?? options.results.length;
  const recording = new RunStore(runsDir).open({
    name: options.name,
    experiment: options.experiment,
    dataset: { name: options.experiment, version: "sha256:1", source: "dataset.jsonl" },
    metadata: {},
    evaluators: options.evaluators,
    settings: { timeoutMs: 1000, repetitions: 1, exampleConcurrency: 1 },
    planned,
    startedAt: options.startedAt,
    ...(options.shard ? { shard: options.shard } : {}),
  });
  for (const each of options.results) recording.record(each);
  if (!options.unfinished) {
    recording.finish({
      experiment: options.experiment,
      name: recording.name,
      dataset: { name: options.experiment, version: "sha256:1", source: "dataset.jsonl" },
      status: options.status ?? "passed",
      failure: null,
      planned,
      completed: options.results.length,
      taskErrors: 0,
      evaluatorErrors: 0,
      evaluators: {},
      durationMs: 10,
      runPath: recording.location,
      dryRun: false,
    });
  }
  return recording.location;
}
