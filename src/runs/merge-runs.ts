import { basename } from "node:path";
import type { ExperimentInfo, RunListener } from "../engine/events.js";
import { countNotRecorded, note } from "../engine/recordings.js";
import { Tally } from "../engine/tally.js";
import { type ExperimentFacts, verdict } from "../engine/verdict.js";
import { firstLine } from "../errors.js";
import { type BaselineOptions, ExperimentJudge } from "../judge/experiment-judge.js";
import type { Thresholds } from "../judge/thresholds.js";
import { readRunFolder } from "../sinks/run-folder.js";
import type { RunStore } from "../sinks/run-store.js";
import type { ExperimentHeader } from "../sinks/sink.js";
import type { Example, ExampleResult, ExperimentResult } from "../types.js";
import { ownFailure, type ShardGroup } from "./shard-groups.js";

export interface MergeContext {
  store: RunStore;
  thresholds: Thresholds;
  baseline: BaselineOptions | null;
  listener: Required<RunListener>;
  /** The dataset's examples by id, for reporters that show inputs; null when they could not be read. */
  examples: Map<string, Example> | null;
  /** Each example's place in the dataset (placesOf); null when it could not be read: the calls are then taken shard by shard. */
  places: ReadonlyMap<string, number> | null;
}

/** What a merged run's run.json adds to a run's header: the shards it was joined from. */
export interface MergedHeader extends ExperimentHeader {
  merged: { shards: number; from: string[] };
}

/**
 * Joins one experiment's shards into a new run folder of the run store, as `evalwire run` would
 * have written the whole: every result recorded once, the summary counted over all of them, and
 * one judge (thresholds, baseline) fed every result. Shard folders are only read. The group must
 * have passed groupShards and checkResults.
 */
export async function mergeShards(group: ShardGroup, context: MergeContext): Promise<ExperimentResult> {
  const { listener } = context;
  const header = mergedHeader(group);
  const first = group.shards[0]!.run;
  const durationMs = Math.max(...group.shards.map((shard) => Number((shard.run.summary as { durationMs?: number }).durationMs ?? 0)));
  const result: ExperimentResult = {
    experiment: group.experiment,
    name: header.name,
    dataset: { name: first.dataset.name, version: first.dataset.version, source: first.dataset.source },
    status: "passed",
    failure: null,
    planned: header.planned,
    completed: 0,
    taskErrors: 0,
    evaluatorErrors: 0,
    evaluators: {},
    durationMs,
    runPath: null,
    dryRun: false,
  };
  const phoenixUrl = (header.links as { phoenix?: { url?: string } } | undefined)?.phoenix?.url;
  if (phoenixUrl) result.url = phoenixUrl;
  const facts: ExperimentFacts = {
    planned: header.planned,
    completed: 0,
    taskErrors: 0,
    evaluatorErrors: 0,
    failure: shardFailures(group),
    interrupted: false,
    unrecorded: { count: 0, first: "" },
    escaped: { count: 0, first: "" },
    drainProblem: null,
    judgement: null,
  };
  const end = (): ExperimentResult => {
    Object.assign(result, verdict(facts));
    listener.onExperimentEnd(result);
    return result;
  };

  let recording: ReturnType<RunStore["open"]>;
  try {
    recording = context.store.open(header);
  } catch (error) {
    facts.failure = `cannot record the merged run: ${firstLine(error)}`;
    return end();
  }
  Object.assign(result, { name: recording.name, runPath: recording.location });
  const judge = await ExperimentJudge.start({
    experiment: group.experiment,
    evaluators: header.evaluators,
    thresholds: context.thresholds,
    baseline: context.baseline,
    currentRun: basename(recording.location),
  });
  const info: ExperimentInfo = { experiment: group.experiment, dataset: first.dataset.name, planned: header.planned, evaluators: header.evaluators };
  listener.onExperimentStart(info);
  const tally = new Tally(header.evaluators);
  for (const each of inRunOrder(group, context.places, listener)) {
    tally.add(each);
    judge.add(each);
    try {
      recording.record(each);
    } catch (error) {
      note(facts.unrecorded, firstLine(error));
    }
    // Without the dataset, reporters get the result alone (results.jsonl keeps no inputs).
    listener.onResult(info, each, context.examples?.get(each.exampleId) as Example);
  }
  countNotRecorded([recording], facts.unrecorded);
  Object.assign(facts, { completed: tally.completed, taskErrors: tally.taskErrors, evaluatorErrors: tally.evaluatorErrors });
  // Judged as a partial run, the whole would apply no gate and pass: fewer calls than planned fail it.
  if (tally.completed < header.planned) facts.failure ??= `the shards hold ${tally.completed} of the run's ${header.planned} planned calls (run the shards again)`;
  Object.assign(result, { completed: tally.completed, taskErrors: tally.taskErrors, evaluatorErrors: tally.evaluatorErrors, evaluators: tally.evaluators() });
  result.judgement = facts.judgement = judge.finish({
    planned: header.planned,
    completed: tally.completed,
    dryRun: false,
    interrupted: false,
    limited: header.selection?.partial === true,
  });
  Object.assign(result, verdict(facts));
  try {
    recording.finish(result);
  } catch (error) {
    facts.failure ??= `cannot record the summary: ${firstLine(error)}`;
  }
  return end();
}

/**
 * Every shard's results, in the order a whole run starts its calls (the dataset's, an example's
 * repetitions in turn), so that a merged run and a whole run whose calls ended in the order they
 * started list them line for line alike. Without the dataset's order, shard by shard.
 */
function inRunOrder(group: ShardGroup, places: ReadonlyMap<string, number> | null, listener: Required<RunListener>): ExampleResult[] {
  const results: ExampleResult[] = [];
  for (const shard of group.shards) {
    const folder = readRunFolder(shard.dir);
    if (folder.skippedLines.length > 0) listener.onWarning(`${group.experiment}: ${shard.run.name}/results.jsonl: line ${folder.skippedLines.join(", ")} cannot be read and is left out`);
    for (const each of folder.results) results.push(each);
  }
  if (!places) return results;
  // Stable: an id the dataset lacks (it cannot, at the version the shards ran on) stays in shard order, last.
  const place = (result: ExampleResult) => places.get(result.exampleId) ?? Number.MAX_SAFE_INTEGER;
  return results.sort((a, b) => place(a) - place(b) || a.repetition - b.repetition);
}

/**
 * The whole run's header: the first shard's, without its shard, planned summed over the shards.
 * When the first shard is a `--retry-errors` run, the run is named as the shard run it retried.
 */
export function mergedHeader(group: ShardGroup): MergedHeader {
  const runs = group.shards.map((shard) => shard.run);
  const first = runs[0]!;
  const { name: _n, status: _s, endedAt: _e, summary: _summary, shard: _shard, links, resumedAt: _r, ...rest } = first as typeof first & { resumedAt?: unknown };
  const { evalwire_retry_errors_of: retried, ...metadata } = first.metadata;
  const phoenix = runs.map((run) => run.links?.phoenix?.experimentId ?? null);
  const oneExperiment = phoenix[0] !== null && phoenix.every((id) => id === phoenix[0]);
  return {
    ...rest,
    metadata,
    name: unshardedName(typeof retried === "string" ? retried : first.name),
    planned: runs.reduce((sum, run) => sum + Number((run.summary as { planned?: number }).planned ?? run.planned), 0),
    startedAt: runs.map((run) => run.startedAt).sort()[0]!,
    ...(oneExperiment && links ? { links } : {}),
    merged: { shards: group.count, from: runs.map((run) => run.name) },
  };
}

/** `eval_numbers_2026-11-30T14:03:55-shard-1-of-3` (or `…-of-3-2`, a taken name) → `eval_numbers_2026-11-30T14:03:55`. */
export function unshardedName(name: string): string {
  return name.replace(/-shard-\d+-of-\d+(-\d+)?$/, "");
}

/** Why shards failed other than by their (not applied) gates: a load, dataset or recording error. */
function shardFailures(group: ShardGroup): string | null {
  const lines = group.shards.flatMap((shard) => {
    const failure = ownFailure(shard.run);
    return failure !== null ? [`shard ${shard.run.shard} (${shard.run.name}): ${failure}`] : [];
  });
  return lines.length > 0 ? lines.join("; ") : null;
}
