import type { ExperimentInfo, RunInfo, RunListener } from "../../src/engine/events.js";
import { ExperimentJudge } from "../../src/judge/experiment-judge.js";
import { gatesFailure } from "../../src/judge/gate.js";
import { type Thresholds, thresholdsFromTable } from "../../src/judge/thresholds.js";
import type { ReportedExperiment } from "../../src/report/reported.js";
import type { Example, ExampleResult } from "../../src/types.js";
import { evaluation, result } from "./results.js";

export interface SimulatedExperiment {
  experiment: string;
  evaluators: string[];
  results: ExampleResult[];
  thresholds?: Thresholds;
  /** A failure of the experiment as a whole (a dataset that cannot be read, say). */
  failure?: string;
  planned?: number;
  /** Stopped by Ctrl-C (its results fewer than planned). */
  interrupted?: boolean;
}

export const runInfo = (experiments: string[], dryRun: number | false = false): RunInfo => ({
  backend: "local",
  location: "/tmp/runs",
  runsDir: "/tmp/runs",
  experimentsDir: "/tmp/experiments",
  experiments,
  dryRun,
  timestamp: "2026-01-02T03:04:05",
});

/**
 * Feeds listeners the hooks of a run, judged by the real ExperimentJudge, as the engine does: for
 * tests of reporters that must not depend on the engine's timing.
 */
export async function simulateRun(listeners: RunListener[], experiments: SimulatedExperiment[], dryRun: number | false = false): Promise<ReportedExperiment[]> {
  const run = runInfo(
    experiments.map((e) => e.experiment),
    dryRun,
  );
  for (const listener of listeners) listener.onRunStart?.(run);
  const results: ReportedExperiment[] = [];
  for (const spec of experiments) {
    const info: ExperimentInfo = { experiment: spec.experiment, dataset: spec.experiment, planned: spec.planned ?? spec.results.length, evaluators: spec.evaluators };
    for (const listener of listeners) listener.onExperimentStart?.(info);
    const judge = await ExperimentJudge.start({ experiment: spec.experiment, evaluators: spec.evaluators, thresholds: spec.thresholds ?? { evaluators: {} }, baseline: null, currentRun: null });
    for (const result of spec.results) {
      judge.add(result);
      const example: Example = { id: result.exampleId, input: { question: `q-${result.exampleId}` }, output: { answer: `a-${result.exampleId}` }, metadata: {} };
      for (const listener of listeners) (listener.onResult as ((i: ExperimentInfo, r: ExampleResult, e: Example) => void) | undefined)?.call(listener, info, result, example);
    }
    const judgement = judge.finish({ planned: info.planned, completed: spec.results.length, dryRun: dryRun !== false, interrupted: spec.interrupted === true });
    const taskErrors = spec.results.filter((r) => r.error !== null).length;
    const evaluatorErrors = spec.results.reduce((sum, r) => sum + r.evaluations.filter((e) => e.error !== null).length, 0);
    const failure = spec.failure ?? gatesFailure(judgement.gates);
    const result: ReportedExperiment = {
      experiment: spec.experiment,
      name: `eval_${spec.experiment}_${run.timestamp}`,
      dataset: { name: spec.experiment, version: "sha256:abc", source: "dataset.jsonl" },
      status: spec.interrupted ? "interrupted" : failure || taskErrors + evaluatorErrors > 0 ? "failed" : "passed",
      failure: failure ?? null,
      planned: info.planned,
      completed: spec.results.length,
      taskErrors,
      evaluatorErrors,
      evaluators: Object.fromEntries(
        spec.evaluators.map((name) => [name, { mean: judgement.scores[name]!.mean, scored: judgement.scores[name]!.scored, errors: judgement.scores[name]!.errors }]),
      ),
      durationMs: 1234,
      runPath: dryRun === false ? `/tmp/runs/eval_${spec.experiment}` : null,
      dryRun: dryRun !== false,
      judgement,
    };
    for (const listener of listeners) listener.onExperimentEnd?.(result);
    results.push(result);
  }
  for (const listener of listeners) await listener.onRunEnd?.(results, run);
  return results;
}

/** search fails its top_k mean gate; router has two errors, one more than max_errors; broken never ran. */
export const sampleExperiments: SimulatedExperiment[] = [
  {
    experiment: "search",
    evaluators: ["top_k", "exact"],
    thresholds: thresholdsFromTable({ top_k: 0.8, exact: { pass_rate: 0.5 } }),
    results: [1, 0.5, 0.5, 0.5, 0.5].map((score, i) => result(`s${i + 1}`, [evaluation("top_k", score), evaluation("exact", i === 4 ? 0 : 1)])),
  },
  {
    experiment: "router",
    evaluators: ["is_in"],
    thresholds: thresholdsFromTable({ max_errors: 1 }),
    results: [result("r1", [evaluation("is_in", 1)]), result("r2", [evaluation("is_in", null, "judge <unreachable> & gone")]), result("r3", [], { error: 'task threw: "bad" <input>' })],
  },
  { experiment: "broken", evaluators: [], results: [], failure: "dataset.jsonl:3: not a JSON line", planned: 0 },
];
