import type { Examples } from "../datasets/dataset.js";
import { exampleView } from "../datasets/line-example.js";
import { firstLine } from "../errors.js";
import type { ExperimentJudge } from "../judge/experiment-judge.js";
import { resultChanged } from "../result-json.js";
import type { WorkedTime } from "../resume/worked-time.js";
import { AdaptiveConcurrency, noteResult } from "../retry/adaptive-concurrency.js";
import type { ExperimentRecording } from "../sinks/sink.js";
import type { ExampleResult } from "../types.js";
import { CallWindow } from "./call-window.js";
import { Checkpoints } from "./checkpoints.js";
import type { ExperimentInfo, RunListener } from "./events.js";
import { forEachConcurrently } from "./for-each-concurrently.js";
import { ExperimentCache, jobsToRun, type LongRunOptions, type Prior } from "./long-run.js";
import type { Job, Sandbox } from "./ports.js";
import { carry, record } from "./recordings.js";
import { inShard, type Shard } from "./shard.js";
import type { Tally } from "./tally.js";
import type { Problem } from "./verdict.js";

/** One experiment's task calls, ready to run: its code loaded, its examples chosen, its recordings open. */
export interface Calls {
  info: ExperimentInfo;
  listener: Required<RunListener>;
  stop: AbortSignal;
  sandbox: Sandbox;
  examples: Examples;
  repetitions: number;
  exampleConcurrency: number;
  /** The run this one resumes (its done calls are not made again) or retries the errors of. */
  prior: Prior | null;
  shard: Shard | null;
  long: LongRunOptions;
  /** The task's content hash, the task cache's key. */
  taskHash: string | null;
  recordings: ExperimentRecording[];
  tally: Tally;
  judge: ExperimentJudge;
  unrecorded: Problem;
  /** The time spent on the run, which checkpoints keep for a resume. */
  worked: WorkedTime;
}

/**
 * Makes every task call still to make, a window of them at once, each result counted, judged,
 * recorded and told to the listeners as it ends. Rejects when the examples cannot be read to the
 * end (the dataset file changed during the run); an interrupted run leaves a checkpoint.
 */
export async function runCalls(calls: Calls): Promise<void> {
  const { info, listener, sandbox, examples, repetitions, prior, shard, long, recordings, tally, judge, unrecorded } = calls;
  const tracer = recordings.find((recording) => recording.tracer)?.tracer;
  const cache = ExperimentCache.open(long.cache, calls.taskHash, sandbox.cacheKey ?? null);
  let cacheProblem = false;
  const concurrency = new AdaptiveConcurrency({ max: calls.exampleConcurrency });
  concurrency.onChange((change) => {
    sandbox.setConcurrency?.(change.limit);
    listener.onConcurrency(info, { ...change, max: calls.exampleConcurrency });
  });
  const checkpoints = new Checkpoints(recordings, tally, judge, calls.worked);
  const reported = (job: Job, done: ExampleResult) => {
    checkpoints.maybe();
    listener.onResult(info, done, exampleView(job.example));
  };
  const window = new CallWindow(sandbox.window, () => sandbox.busy?.() ?? 1);
  let inFlight = 0;
  try {
    await carry(prior, examples, repetitions, { tally, judge, recordings, unrecorded });
    await forEachConcurrently(
      jobsToRun(examples, repetitions, prior, (id, repetition) => inShard(shard, id, repetition)),
      () => (concurrency.limit < calls.exampleConcurrency ? concurrency.limit : window.limit),
      // Not an async function: its suspended frame, made for each of a fast run's calls, was the
      // main thread's largest garbage.
      (planned) => {
        if (calls.stop.aborted) return Promise.resolve();
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
              if (!cacheProblem) listener.onWarning(`${info.experiment}: cannot write to the task cache: ${firstLine(error)}`);
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
          const recorded = record(recordings, done, unrecorded);
          if (recorded) return recorded.then(() => reported(job, done));
          reported(job, done);
        });
      },
      // The dataset changed (or a result could not be recorded): the calls sent ahead do not start.
      () => sandbox.stopStarting?.(),
    );
  } finally {
    // Resumed, an interrupted run counts from here and parses no result again.
    if (calls.stop.aborted) checkpoints.write();
  }
}
