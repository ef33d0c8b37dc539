import { basename } from "node:path";
import type { Dataset, Examples } from "../datasets/dataset.js";
import { exampleView } from "../datasets/line-example.js";
import { firstLine } from "../errors.js";
import { withExampleRubricName } from "../evaluators/rubric/example-rubric.js";
import { ExperimentJudge } from "../judge/experiment-judge.js";
import { resultChanged } from "../result-json.js";
import { AdaptiveConcurrency, noteResult } from "../retry/adaptive-concurrency.js";
import { unlockRun } from "../sinks/run-lock.js";
import type { ExperimentHeader, ExperimentRecording } from "../sinks/sink.js";
import type { Example, ExampleResult, ExperimentResult } from "../types.js";
import { CallWindow } from "./call-window.js";
import { Checkpoints } from "./checkpoints.js";
import type { ExperimentInfo, RunListener } from "./events.js";
import { forEachConcurrently } from "./for-each-concurrently.js";
import { chooseExamples, continuing, ExperimentCache, jobsToRun, type LongRunOptions, type Prior, priorRun, taskHash } from "./long-run.js";
import { runMetadata } from "./metadata.js";
import { experimentName } from "./naming.js";
import type { Backend, ExperimentPlan, Job, Sandbox } from "./ports.js";
import { readRecorded } from "./read-recorded.js";
import { carry, finishRecordings, note, openRecordings, record } from "./recordings.js";
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
  const [code, data, task] = await Promise.allSettled([
    plan.openSandbox({
      timeoutMs: knobs.timeoutMs,
      loadTimeoutMs: knobs.loadTimeoutMs,
      concurrency: knobs.exampleConcurrency,
      stop: context.stop,
      events: { onEscaped: (message) => escaped(message) },
    }),
    context.backend.datasets.load(plan.dataset),
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
  const loaded: Loaded = { plan, context, sandbox, dataset: data.value, result, facts, start, taskHash: hashed, claimed: null };
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
  /** performance.now() when the experiment started. */
  start: number;
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
    });
    if (found.refusal) {
      facts.failure = found.refusal;
      result.refused = true;
      return finish();
    }
    if (found.note) context.listener.onNote(`${plan.experiment}: ${found.note}`);
    prior = found.prior;
    if (prior?.kind === "resume") loaded.claimed = prior.folder.dir;
  }
  const kept = continuing(prior, { shard: context.shard, repetitions: knobs.repetitions, selection: long.selection });
  if ("refusal" in kept) {
    facts.failure = kept.refusal;
    result.refused = true;
    return finish();
  }
  const { shard, selection } = kept;
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
  const runId = runIdOf(context.runId, prior);

  const header: ExperimentHeader = {
    name: result.name,
    experiment: plan.experiment,
    dataset: { ...result.dataset, ...(dataset.remote ? { remote: dataset.remote } : {}) },
    metadata: { ...runMetadata(dataset.name, context.cwd), ...knobs.metadata, ...context.metadata },
    evaluators: info.evaluators,
    settings: { timeoutMs: knobs.timeoutMs, repetitions: knobs.repetitions, exampleConcurrency: knobs.exampleConcurrency },
    planned: result.planned,
    startedAt: new Date().toISOString(),
    ...(hash ? { task: { hash } } : {}),
    ...(chosen.selection ? { selection: chosen.selection } : {}),
    ...(shard ? { shard: formatShard(shard) } : {}),
    ...(runId ? { runId } : {}),
  };
  if (chosen.selection?.partial) Object.assign(header.metadata, { evalwire_partial: true, evalwire_selection: chosen.selection.description });
  if (prior?.kind === "retry-errors") header.metadata.evalwire_retry_errors_of = prior.folder.run.name;
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
    context.listener.onNote(`${plan.experiment}: ${readRecorded(prior, { tally, judge })}`);
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

  const tracer = recordings.find((recording) => recording.tracer)?.tracer;
  const cache = ExperimentCache.open(long.cache, hash, sandbox.cacheKey ?? null);
  let cacheProblem = false;
  const concurrency = new AdaptiveConcurrency({ max: knobs.exampleConcurrency });
  concurrency.onChange((change) => {
    sandbox.setConcurrency?.(change.limit);
    context.listener.onConcurrency(info, { ...change, max: knobs.exampleConcurrency });
  });
  const checkpoints = new Checkpoints(recordings, tally, judge);
  const reported = (job: Job, done: ExampleResult) => {
    checkpoints.maybe();
    context.listener.onResult(info, done, exampleView(job.example));
  };
  const window = new CallWindow(sandbox.window, () => sandbox.busy?.() ?? 1);
  let inFlight = 0;
  try {
    await carry(prior, examples, knobs.repetitions, { tally, judge, recordings, unrecorded: facts.unrecorded });
    await forEachConcurrently(
      jobsToRun(examples, knobs.repetitions, prior, (id, repetition) => inShard(shard, id, repetition)),
      () => (concurrency.limit < knobs.exampleConcurrency ? concurrency.limit : window.limit),
      // Not an async function: its suspended frame, made for each of a fast run's calls, was the
      // main thread's largest garbage.
      (planned) => {
        if (context.stop.aborted) return Promise.resolve();
        const key = cache?.keyOf(planned);
        let job: Job = key ? cache!.lookUp(planned, key) : planned;
        if (long.retries) job = { ...job, retries: long.retries };
        const epoch = concurrency.epoch;
        const span = job.cached ? undefined : tracer?.start(job.example, job.repetition);
        inFlight++;
        return sandbox.run(job).then((done) => {
          window.ended(inFlight--);
          if (done && key) {
            try {
              cache!.keep(key, done);
            } catch (error) {
              if (!cacheProblem) context.listener.onWarning(`${plan.experiment}: cannot write to the task cache: ${firstLine(error)}`);
              cacheProblem = true;
            }
          }
          if (done && !done.cached) noteResult(concurrency, done, epoch);
          if (!done) {
            span?.end({ error: "interrupted" });
            return;
          }
          if (span) {
            done.traceId = span.traceId;
            resultChanged(done);
            span.end(done);
          }
          tally.add(done);
          judge.add(done);
          const recorded = record(recordings, done, facts.unrecorded);
          if (recorded) return recorded.then(() => reported(job, done));
          reported(job, done);
        });
      },
      // The dataset changed (or a result could not be recorded): the calls sent ahead do not start.
      () => sandbox.stopStarting?.(),
    );
  } catch (error) {
    // The examples could not be read to the end (a dataset file changed during the run).
    facts.failure ??= firstLine(error);
  } finally {
    // Resumed, an interrupted run counts from here and parses no result again.
    if (context.stop.aborted) checkpoints.write();
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

/** A --retry-errors run of a shard's run merges in its place, so it keeps that run's id unless given one. */
function runIdOf(given: string | null, prior: Prior | null): string | null {
  return given ?? (prior?.kind === "retry-errors" ? (prior.folder.run.runId ?? null) : null);
}
