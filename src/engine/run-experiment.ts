import { basename } from "node:path";
import type { Dataset, Examples } from "../datasets/dataset.js";
import { firstLine } from "../errors.js";
import { withExampleRubricName } from "../evaluators/rubric/example-rubric.js";
import { ExperimentJudge } from "../judge/experiment-judge.js";
import { WorkedTime, workedBefore } from "../resume/worked-time.js";
import { unlockRun } from "../sinks/run-lock.js";
import type { ExperimentRecording } from "../sinks/sink.js";
import type { Example, ExperimentResult } from "../types.js";
import type { ExperimentInfo, RunListener } from "./events.js";
import { experimentHeader, runIdOf } from "./experiment-header.js";
import { chooseExamples, continuing, jobsToRun, type LongRunOptions, type Prior, priorRun, taskHash } from "./long-run.js";
import { experimentName } from "./naming.js";
import type { Backend, ExperimentPlan, Sandbox } from "./ports.js";
import { readRecorded } from "./read-recorded.js";
import { finishRecordings, note, openRecordings } from "./recordings.js";
import { runCalls } from "./run-calls.js";
import { formatShard, inShard, type Shard } from "./shard.js";
import { Tally } from "./tally.js";
import { type ExperimentFacts, escapedLine, verdict } from "./verdict.js";

export interface ExperimentContext {
  backend: Backend;
  prefix: string;
  timestamp: string;
  /** Pairs given to run(); they win over every other metadata. */
  metadata: Record<string, unknown>;
  /** Examples per experiment in a dry run (nothing is recorded), or false. */
  dryRun: number | false;
  listener: Required<RunListener>;
  stop: AbortSignal;
  /** Where the experiments live, for the git commit recorded with each. */
  cwd: string;
  /** The run store folder, where --resume looks for unfinished runs. */
  runsDir?: string;
  /** Cache, retries, selection, resume (DESIGN.md section 18). */
  longRun?: LongRunOptions;
  /** Run only this shard of the task calls (a partial run), or all of them. */
  shard: Shard | null;
  /** Shards with one run id record into one Phoenix experiment. */
  runId: string | null;
}

/** Runs one experiment to its end. Never throws: a failure is part of the result. */
export async function runExperiment(plan: ExperimentPlan, context: ExperimentContext): Promise<ExperimentResult> {
  const worked = new WorkedTime();
  const { knobs } = plan;
  const datasetName = plan.dataset.name;
  const result: ExperimentResult = {
    experiment: plan.experiment,
    name: experimentName(context.prefix, datasetName, context.timestamp),
    dataset: { name: datasetName, version: null, source: null },
    status: "passed",
    failure: null,
    planned: 0,
    completed: 0,
    taskErrors: 0,
    evaluatorErrors: 0,
    evaluators: {},
    durationMs: 0,
    runPath: null,
    dryRun: context.dryRun !== false,
  };
  const facts: ExperimentFacts = {
    planned: 0,
    completed: 0,
    taskErrors: 0,
    evaluatorErrors: 0,
    failure: null,
    interrupted: false,
    unrecorded: { count: 0, first: "" },
    escaped: { count: 0, first: "" },
    drainProblem: null,
    judgement: null,
  };
  const finish = (): ExperimentResult => {
    facts.interrupted = context.stop.aborted;
    Object.assign(result, verdict(facts), { durationMs: worked.ms() });
    context.listener.onExperimentEnd(result);
    return result;
  };
  const escaped = (message: string) => {
    note(facts.escaped, message);
    context.listener.onWarning(`${plan.experiment}: ${escapedLine}: ${message}`);
  };
  if (context.stop.aborted) {
    facts.interrupted = true;
    facts.planned = 1;
    return finish();
  }

  // The code loads while the dataset is fetched; a load error is reported first when both fail.
  const [code, data, task] = await Promise.allSettled([
    plan.openSandbox({
      timeoutMs: knobs.timeoutMs,
      loadTimeoutMs: knobs.loadTimeoutMs,
      concurrency: knobs.exampleConcurrency,
      stop: context.stop,
      events: { onEscaped: (message) => escaped(message) },
    }),
    context.backend.datasets.load({ ...plan.dataset, stop: context.stop }),
    taskHash(plan.taskFile),
  ]);
  if (code.status === "rejected" || data.status === "rejected") {
    if (code.status === "fulfilled") await code.value.close();
    // Ctrl-C while loading: the load was cut short, not broken.
    if (context.stop.aborted) {
      facts.planned = 1;
      return finish();
    }
    facts.failure = firstLine(code.status === "rejected" ? code.reason : (data as PromiseRejectedResult).reason);
    return finish();
  }
  const sandbox = code.value;
  const hashed = task.status === "fulfilled" ? task.value : { hash: null, problem: firstLine(task.reason) };
  const loaded: Loaded = { plan, context, sandbox, dataset: data.value, result, facts, worked, taskHash: hashed, claimed: null };
  try {
    return await runLoaded(loaded, finish);
  } finally {
    // A resume that ends before the run store reopened its folder lets the folder go (else the store's finish does).
    if (loaded.claimed) unlockRun(loaded.claimed);
    await sandbox.close();
  }
}

/** One experiment in progress, its code loaded and its dataset fetched. */
interface Loaded {
  plan: ExperimentPlan;
  context: ExperimentContext;
  sandbox: Sandbox;
  dataset: Dataset;
  result: ExperimentResult;
  facts: ExperimentFacts;
  /** The time spent on the run: this process's, and a resumed run's earlier ones. */
  worked: WorkedTime;
  /** The content hash of the task file and its local imports (the cache key's and --resume's). */
  taskHash: { hash: string | null; problem: string | null };
  /** The run folder a --resume claimed (run.lock), until the run ends. */
  claimed: string | null;
}

async function runLoaded(loaded: Loaded, finish: () => ExperimentResult): Promise<ExperimentResult> {
  const { plan, context, sandbox, dataset, result, facts } = loaded;
  let { knobs } = plan;
  for (const warning of dataset.warnings ?? []) context.listener.onWarning(`${plan.experiment}: ${warning}`);
  const long = context.longRun ?? {};
  result.dataset = { name: dataset.name, version: dataset.version, source: dataset.source };
  const hash = loaded.taskHash.hash;
  if (loaded.taskHash.problem && (long.cache?.mode ?? "off") !== "off") context.listener.onWarning(`${plan.experiment}: no task cache: ${loaded.taskHash.problem}`);
  const tally = new Tally(sandbox.evaluators);
  let prior: Prior | null = null;
  if (context.dryRun === false && (long.resume || long.retryErrors)) {
    const found = priorRun(long, {
      experiment: plan.experiment,
      runsDir: context.runsDir ?? "",
      datasetVersion: dataset.version,
      taskHash: hash,
      shard: context.shard ? formatShard(context.shard) : null,
      runId: context.runId,
    });
    if (found.refusal) {
      facts.failure = found.refusal;
      result.refused = true;
      return finish();
    }
    if (found.note) context.listener.onNote(`${plan.experiment}: ${found.note}`);
    prior = found.prior;
    if (prior?.kind === "resume") {
      loaded.claimed = prior.folder.dir;
      loaded.worked.resumedAfter(workedBefore(prior.folder));
    }
  }
  const kept = continuing(prior, { shard: context.shard, repetitions: knobs.repetitions, selection: long.selection });
  if ("refusal" in kept) {
    facts.failure = kept.refusal;
    result.refused = true;
    return finish();
  }
  const { shard, selection } = kept;
  if (shard) result.shard = formatShard(shard);
  knobs = { ...knobs, repetitions: kept.repetitions };
  const chosen = chooseExamples(dataset, selection);
  if (chosen.problem) {
    facts.failure = chosen.problem;
    return finish();
  }
  const examples = context.dryRun === false ? chosen.examples : firstOf(chosen.examples, context.dryRun);
  if (prior?.kind === "resume") result.name = prior.folder.run.name;
  // A shard runs the task calls whose (example id, repetition) hash to it: see shard.ts.
  const jobs = () => jobsToRun(examples, knobs.repetitions, null, (id, repetition) => inShard(shard, id, repetition));
  result.planned = facts.planned = shard ? count(jobs()) : examples.length * knobs.repetitions;
  let evaluators: string[];
  try {
    evaluators = withExampleRubricName(sandbox.evaluators, examples);
  } catch (error) {
    facts.failure = firstLine(error);
    return finish();
  }
  tally.track(evaluators);
  const info: ExperimentInfo = { experiment: plan.experiment, dataset: dataset.name, planned: result.planned, evaluators };
  const header = experimentHeader({
    result,
    experiment: plan.experiment,
    dataset,
    evaluators: info.evaluators,
    knobs,
    metadata: context.metadata,
    cwd: context.cwd,
    taskHash: hash,
    selection: chosen.selection,
    shard,
    runId: runIdOf(context.runId, prior),
    prior,
  });
  // Judged as results arrive; the baseline is read before this run's folder exists, so `latest`
  // never finds it (a resumed run's folder is named).
  const judge = await ExperimentJudge.start({
    experiment: plan.experiment,
    evaluators: info.evaluators,
    thresholds: plan.judging?.thresholds ?? { evaluators: {} },
    baseline: plan.judging?.baseline ?? null,
    currentRun: prior?.kind === "resume" ? basename(prior.folder.dir) : null,
    repetitions: knobs.repetitions,
    shard,
  });
  // A resumed run's recorded results, and those --retry-errors carries, count in its summary and
  // its gates, as if it had never stopped.
  if (prior?.kind === "resume") {
    const recorded = readRecorded(prior, { tally, judge });
    // A finished run counted as it is was said so already (see priorRun): "resuming" would mislead.
    if (prior.folder.run.status !== "passed" && prior.folder.run.status !== "failed") context.listener.onNote(`${plan.experiment}: ${recorded}`);
  }
  const recordings: ExperimentRecording[] = [];
  if (context.dryRun === false) {
    try {
      await openRecordings(context.backend.sinks, prior, header, recordings);
    } catch (error) {
      facts.failure = `cannot record results: ${firstLine(error)}`;
      await finishRecordings(recordings, loaded);
      return finish();
    }
    for (const recording of recordings) {
      if (recording.kind === "store") Object.assign(result, { name: recording.name, runPath: recording.location });
      else result.url = recording.location;
    }
  }
  context.listener.onExperimentStart(info);
  try {
    await runCalls({
      info,
      listener: context.listener,
      stop: context.stop,
      sandbox,
      examples,
      repetitions: knobs.repetitions,
      exampleConcurrency: knobs.exampleConcurrency,
      prior,
      shard,
      long,
      taskHash: hash,
      recordings,
      tally,
      judge,
      unrecorded: facts.unrecorded,
      worked: loaded.worked,
    });
  } catch (error) {
    // The examples could not be read to the end (a dataset file changed during the run).
    facts.failure ??= firstLine(error);
  } finally {
    // An error thrown in a callback the last calls left (a 0 ms timer) fails the experiment too.
    await sandbox.settle?.();
    Object.assign(facts, { completed: tally.completed, taskErrors: tally.taskErrors, evaluatorErrors: tally.evaluatorErrors });
    Object.assign(result, { completed: tally.completed, taskErrors: tally.taskErrors, evaluatorErrors: tally.evaluatorErrors, evaluators: tally.evaluators() });
    // A shard is a part of the run: its gates are judged when the shards are merged, not here.
    result.judgement = facts.judgement = judge.finish({
      planned: result.planned,
      completed: tally.completed,
      dryRun: context.dryRun !== false,
      interrupted: context.stop.aborted,
      limited: shard !== null || chosen.selection?.partial === true,
    });
    await finishRecordings(recordings, loaded);
  }
  return finish();
}

function firstOf(examples: Examples, n: number): Example[] {
  const first: Example[] = [];
  for (const example of examples) {
    if (first.length === n) break;
    first.push(example);
  }
  return first;
}

function count(items: Iterable<unknown>): number {
  let n = 0;
  for (const _ of items) n++;
  return n;
}
