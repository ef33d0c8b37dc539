// Writes shard run folders as `evalwire run --shard I/N` does, through the real run store, for the
// merge tests: 20 examples × 2 repetitions, split by the real shard hash.
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { shardOf } from "../../../src/engine/shard.js";
import { UsageError } from "../../../src/errors.js";
import { RunStore } from "../../../src/sinks/run-store.js";
import type { ExampleResult, ExperimentResult } from "../../../src/types.js";
import { tempDir } from "../../helpers/cli.js";

/** A fresh runs folder per call, in a temporary folder removed after the test that made it. */
export function useRunsDirs(): () => string {
  let cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const remove of cleanup) remove();
    cleanup = [];
  });
  return () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    return join(dir, "runs");
  };
}

/** The message of the UsageError `fn` throws; fails the test when it throws none. */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("not refused");
}

export interface ShardSpec {
  index: number;
  count: number;
  experiment?: string;
  /** The run's name before its shard suffix (default: one per experiment and shard index). */
  name?: string;
}

export interface ShardChanges {
  /** null: a plain run (no shard), holding every call. */
  shard?: null;
  version?: string;
  taskHash?: string;
  runId?: string;
  unfinished?: boolean;
  evaluators?: string[];
  repetitions?: number;
}

export const examples = Array.from({ length: 20 }, (_, i) => `x${i + 1}`);

/** Every call's result: x3, x13 error on repetition 1; e scores 1 for even numbers, 0.5 for odd ones. */
export function resultOf(id: string, repetition: number): ExampleResult {
  const n = Number(id.slice(1));
  const failed = n % 10 === 3 && repetition === 1;
  return {
    exampleId: id,
    repetition,
    status: failed ? "error" : "ok",
    output: failed ? null : { n },
    error: failed ? `no answer for ${n}` : null,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 1,
    evaluations: failed ? [] : [{ name: "e", score: n % 2 === 0 ? 1 : 0.5, label: null, explanation: null, error: null, durationMs: 0 }],
  };
}

export function writeShard(runsDir: string, spec: ShardSpec, changes: ShardChanges = {}): string {
  const experiment = spec.experiment ?? "ds";
  const repetitions = changes.repetitions ?? 2;
  const sharded = changes.shard !== null;
  const calls = examples.flatMap((id) => Array.from({ length: repetitions }, (_, r) => [id, r + 1] as const)).filter(([id, r]) => !sharded || shardOf(id, r, spec.count) === spec.index - 1);
  const recording = new RunStore(runsDir).open({
    name: spec.name ?? `eval_${experiment}_2026-01-01T00:00:0${spec.index}`,
    experiment,
    dataset: { name: experiment, version: changes.version ?? "sha256:one", source: "/data.jsonl" },
    metadata: { run_by: "evalwire" },
    evaluators: changes.evaluators ?? ["e"],
    settings: { timeoutMs: 1000, repetitions, exampleConcurrency: 1 },
    planned: calls.length,
    startedAt: `2026-01-01T00:00:0${spec.index}.000Z`,
    task: { hash: changes.taskHash ?? "aaaaaaaaaaaaaaaa" },
    ...(sharded ? { shard: `${spec.index}/${spec.count}` } : {}),
    ...(changes.runId ? { runId: changes.runId } : {}),
  });
  for (const [id, repetition] of calls) recording.record(resultOf(id, repetition));
  if (!changes.unfinished) {
    const summary: ExperimentResult = {
      experiment,
      name: recording.name,
      dataset: { name: experiment, version: changes.version ?? "sha256:one", source: "/data.jsonl" },
      status: "passed",
      failure: null,
      planned: calls.length,
      completed: calls.length,
      taskErrors: 0,
      evaluatorErrors: 0,
      evaluators: {},
      durationMs: 100 * spec.index,
      runPath: recording.location,
      dryRun: false,
    };
    recording.finish(summary);
  }
  return recording.location;
}

/** Shards 1..count of one run (changes per shard index). */
export function writeShardsOf(runsDir: string, options: { count: number; experiment?: string; per?: Record<number, ShardChanges> }): string[] {
  return Array.from({ length: options.count }, (_, i) =>
    writeShard(runsDir, { index: i + 1, count: options.count, ...(options.experiment ? { experiment: options.experiment } : {}) }, options.per?.[i + 1] ?? {}),
  );
}
