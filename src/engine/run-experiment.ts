import { basename } from "node:path";
import type { Dataset } from "../datasets/dataset.js";
import { firstLine } from "../errors.js";
import { ExperimentJudge } from "../judge/experiment-judge.js";
import { withExampleRubricName } from "../evaluators/rubric/example-rubric.js";
import type { ExperimentHeader, ExperimentRecording } from "../sinks/sink.js";
import type { ExampleResult, ExperimentResult } from "../types.js";
import type { ExperimentInfo, RunListener } from "./events.js";
import { forEachConcurrently } from "./for-each-concurrently.js";
import { runMetadata } from "./metadata.js";
import { experimentName } from "./naming.js";
import type { Backend, ExperimentPlan, Job, Sandbox } from "./ports.js";
import { formatShard, inShard, type Shard } from "./shard.js";
import { Tally } from "./tally.js";
import { escapedLine, verdict, type ExperimentFacts, type Problem } from "./verdict.js";

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
  /** Run only this shard of the task calls (a partial run), or all of them. */
  shard: Shard | null;
  /** Shards with one run id record into one Phoenix experiment. */
  runId: string | null;
}

/** Runs one experiment to its end. Never throws: a failure is part of the result. */
export async function runExperiment(plan: ExperimentPlan, context: ExperimentContext): Promise<ExperimentResult> {
  const start = performance.now();
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
    Object.assign(result, verdict(facts), { durationMs: performance.now() - start });
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
  const [code, data] = await Promise.allSettled([
    plan.openSandbox({ timeoutMs: knobs.timeoutMs, loadTimeoutMs: knobs.loadTimeoutMs, concurrency: knobs.exampleConcurrency, stop: context.stop, events: { onEscaped: (message) => escaped(message) } }),
    context.backend.datasets.load(plan.dataset),
  ]);
  if (code.status === "rejected" || data.status === "rejected") {
    if (code.status === "fulfilled") await code.value.close();
    facts.failure = firstLine(code.status === "rejected" ? code.reason : (data as PromiseRejectedResult).reason);
    return finish();
  }
  const sandbox = code.value;
  try {
    return await runLoaded({ plan, context, sandbox, dataset: data.value, result, facts, start }, finish);
  } finally {
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
  /** performance.now() when the experiment started. */
  start: number;
}

async function runLoaded(loaded: Loaded, finish: () => ExperimentResult): Promise<ExperimentResult> {
  const { plan, context, sandbox, dataset, result, facts } = loaded;
  const { knobs } = plan;
  for (const warning of dataset.warnings ?? []) context.listener.onWarning(`${plan.experiment}: ${warning}`);
  const examples = context.dryRun === false ? dataset.examples : dataset.examples.slice(0, context.dryRun);
  result.dataset = { name: dataset.name, version: dataset.version, source: dataset.source };
  // A shard runs the task calls whose (example id, repetition) hash to it: see shard.ts.
  const jobs = function* (): Generator<Job> {
    for (const example of examples) {
      for (let repetition = 1; repetition <= knobs.repetitions; repetition++) if (inShard(context.shard, example.id, repetition)) yield { example, repetition };
    }
  };
  result.planned = facts.planned = context.shard ? [...jobs()].length : examples.length * knobs.repetitions;
  let evaluators: string[];
  try {
    evaluators = withExampleRubricName(sandbox.evaluators, examples);
  } catch (error) {
    facts.failure = firstLine(error);
    return finish();
  }
  const info: ExperimentInfo = { experiment: plan.experiment, dataset: dataset.name, planned: result.planned, evaluators };

  const header: ExperimentHeader = {
    name: result.name,
    experiment: plan.experiment,
    dataset: { ...result.dataset, ...(dataset.remote ? { remote: dataset.remote } : {}) },
    metadata: { ...runMetadata(dataset.name, context.cwd), ...knobs.metadata, ...context.metadata },
    evaluators: info.evaluators,
    settings: { timeoutMs: knobs.timeoutMs, repetitions: knobs.repetitions, exampleConcurrency: knobs.exampleConcurrency },
    planned: result.planned,
    startedAt: new Date().toISOString(),
    ...(context.shard ? { shard: formatShard(context.shard) } : {}),
    ...(context.runId ? { runId: context.runId } : {}),
  };
  const recordings: ExperimentRecording[] = [];
  if (context.dryRun === false) {
    try {
      // In order, so that a later sink can link to an earlier one (run.json to the Phoenix experiment).
      let links: Record<string, unknown> = {};
      for (const sink of context.backend.sinks) {
        const recording = await sink.open({ ...header, ...(Object.keys(links).length > 0 ? { links } : {}) });
        recordings.push(recording);
        if (recording.link) links = { ...links, ...recording.link };
        if (recording.kind === "store") Object.assign(result, { name: recording.name, runPath: recording.location });
        else result.url = recording.location;
      }
    } catch (error) {
      facts.failure = `cannot record results: ${firstLine(error)}`;
      await finishRecordings(recordings, loaded);
      return finish();
    }
  }
  // Judged as results arrive; the baseline is read first (`latest` never finds this run's own folder).
  const judge = await ExperimentJudge.start({
    experiment: plan.experiment,
    evaluators: info.evaluators,
    thresholds: plan.judging?.thresholds ?? { evaluators: {} },
    baseline: plan.judging?.baseline ?? null,
    currentRun: result.runPath ? basename(result.runPath) : null,
  });
  context.listener.onExperimentStart(info);

  const tally = new Tally(info.evaluators);
  const tracer = recordings.find((recording) => recording.tracer)?.tracer;
  try {
    await forEachConcurrently(jobs(), sandbox.window, async (job) => {
      if (context.stop.aborted) return;
      const span = tracer?.start(job.example, job.repetition);
      const done = await sandbox.run(job);
      if (!done) {
        span?.end({ error: "interrupted" });
        return;
      }
      if (span) {
        done.traceId = span.traceId;
        span.end(done);
      }
      tally.add(done);
      judge.add(done);
      await record(recordings, done, facts.unrecorded);
      context.listener.onResult(info, done, job.example);
    });
  } finally {
    Object.assign(facts, { completed: tally.completed, taskErrors: tally.taskErrors, evaluatorErrors: tally.evaluatorErrors });
    Object.assign(result, { completed: tally.completed, taskErrors: tally.taskErrors, evaluatorErrors: tally.evaluatorErrors, evaluators: tally.evaluators() });
    // A shard is a part of the run: its gates are judged when the shards are merged, not here.
    result.judgement = facts.judgement = judge.finish({ planned: result.planned, completed: tally.completed, dryRun: context.dryRun !== false, interrupted: context.stop.aborted, limited: context.shard !== null });
    await finishRecordings(recordings, loaded);
  }
  return finish();
}

async function record(recordings: ExperimentRecording[], done: ExampleResult, unrecorded: Problem): Promise<void> {
  for (const recording of recordings) {
    try {
      await recording.record(done);
    } catch (error) {
      note(unrecorded, firstLine(error));
    }
  }
}

/** Every recording opened is finished, whatever happened: run.json never stays "running". */
async function finishRecordings(recordings: ExperimentRecording[], { result, facts, context, start }: Loaded): Promise<void> {
  for (const recording of recordings) {
    try {
      const drained = (await recording.drain?.()) ?? { problem: null, warnings: [] };
      for (const warning of drained.warnings) context.listener.onWarning(`${result.experiment}: ${warning}`);
      facts.drainProblem ??= drained.problem;
    } catch (error) {
      facts.drainProblem ??= firstLine(error);
    }
  }
  facts.interrupted = context.stop.aborted;
  Object.assign(result, verdict(facts), { durationMs: performance.now() - start });
  for (const recording of recordings) {
    try {
      await recording.finish(result);
    } catch (error) {
      facts.failure ??= `cannot record the summary: ${firstLine(error)}`;
    }
  }
}

function note(problem: Problem, message: string): void {
  if (problem.count++ === 0) problem.first = message;
}
