import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import type { RemoteDataset } from "../datasets/dataset.js";
import { type RunHead, readRunFolder } from "../sinks/run-folder.js";
import type { ExperimentHeader, ExperimentRecording, Sink, TaskTracer } from "../sinks/sink.js";
import type { Evaluation, ExampleResult } from "../types.js";
import { callPhoenix, experimentUrl, type Phoenix, PhoenixError } from "./client.js";
import { type CreatedExperiment, findByToken, joinExperiment, runToken } from "./join.js";
import { phoenixTaskTracer, type TaskTracerOptions } from "./task-tracer.js";

/** A run as the run store recorded it, when its experiment drains. */
type RecordedAs = { name: string; runPath?: string | null; interrupted?: boolean };

/** What a recording needs to make its task tracer (its posts decide when spans leave). */
export type Tracing = Omit<TaskTracerOptions, "postsWaiting"> & { baseUrl: string; headers: Record<string, string> };

/** Results waiting to be posted before record() makes the engine wait: memory stays bounded. */
const backlog = 1000;

/**
 * Phoenix gzips every answer, even the 40 bytes answering a run or an evaluation post: compressing
 * and inflating them cost both sides more CPU than the bytes saved (bench:phoenix), so posts ask for
 * them plain.
 */
const plainAnswer = { "accept-encoding": "identity" };

/**
 * Records each experiment in Phoenix as a Phoenix experiment: its runs and evaluations are posted
 * as each example finishes, every post awaited and retried. A post that fails for good is counted
 * and reported when the experiment drains; the run store keeps the data either way.
 */
export class PhoenixRecorder implements Sink {
  constructor(
    private readonly phoenix: Phoenix,
    private readonly options: {
      headers: Record<string, string>;
      traces?: boolean;
      /** The node id to post a run against, for an example whose id is its own (see fetchExamples). */
      nodeIdOf?: (datasetId: string, exampleId: string) => string | undefined;
    } = { headers: {} },
  ) {}

  async open(header: ExperimentHeader): Promise<PhoenixExperiment> {
    const { phoenix } = this;
    const remote = header.dataset.remote;
    if (!remote) throw new PhoenixError(`experiment "${header.experiment}" has no Phoenix dataset to record against`, null);
    // Shards of one run (one run id) join one experiment; a lone process creates its own.
    const runId = header.runId ?? null;
    const token = runId ? runToken(runId, header.experiment, remote.datasetId) : randomUUID();
    const { experiment, warning } = runId
      ? await joinExperiment(phoenix, { datasetId: remote.datasetId, runId, token, create: () => this.create(header, remote, token) })
      : { experiment: await this.create(header, remote, token), warning: null };
    const tracing = this.tracing(experiment, header.experiment);
    const nodeIdOf = this.options.nodeIdOf;
    const exampleNodeId = (exampleId: string) => nodeIdOf?.(remote.datasetId, exampleId) ?? exampleId;
    const recording = new PhoenixExperiment(
      phoenix,
      experiment.id,
      header.name,
      experimentUrl(phoenix.baseUrl, remote.datasetId, experiment.id),
      tracing,
      Math.max(1, header.settings.exampleConcurrency),
      exampleNodeId,
    );
    if (warning) recording.warnings.push(warning);
    return recording;
  }

  /**
   * Records into an experiment that already exists (evalwire sync, --resume): the same posts,
   * retries and accounting as a run.
   */
  attach(experiment: { id: string; datasetId: string; name: string }, concurrency: number, tracing: Tracing | null = null): PhoenixExperiment {
    const nodeIdOf = this.options.nodeIdOf;
    const exampleNodeId = (exampleId: string) => nodeIdOf?.(experiment.datasetId, exampleId) ?? exampleId;
    return new PhoenixExperiment(
      this.phoenix,
      experiment.id,
      experiment.name,
      experimentUrl(this.phoenix.baseUrl, experiment.datasetId, experiment.id),
      tracing,
      Math.max(1, concurrency),
      exampleNodeId,
    );
  }

  /**
   * Goes on with the Phoenix experiment of an unfinished run (--resume): what the run store holds
   * and Phoenix does not (posts lost to the crash) is posted first, as `evalwire sync` does; then
   * new results are posted to the same experiment.
   */
  async reopen(head: RunHead, header: ExperimentHeader): Promise<PhoenixExperiment> {
    const { syncRun } = await import("./sync.js");
    const concurrency = Math.max(1, header.settings.exampleConcurrency);
    const folder = readRunFolder(head.dir);
    const synced = await syncRun(this.phoenix, folder, { concurrency });
    if (synced.problem) throw new PhoenixError(`cannot bring Phoenix up to date with run ${folder.run.name}: ${synced.problem}`, null);
    const { data } = await callPhoenix(
      `looking up experiment ${synced.experimentId}`,
      this.phoenix.baseUrl,
      (signal) => this.phoenix.client.GET("/v1/experiments/{experiment_id}", { params: { path: { experiment_id: synced.experimentId } }, signal }),
      this.phoenix.retry,
    );
    const experiment = data!.data;
    return this.attach({ id: experiment.id, datasetId: experiment.dataset_id, name: folder.run.name }, concurrency, this.tracing(experiment, header.experiment));
  }

  /** Task spans go into the Phoenix experiment's own project, unless traces are off. */
  private tracing(experiment: { id: string; project_name?: string | null }, experimentName: string): Tracing | null {
    if (this.options.traces === false) return null;
    return { baseUrl: this.phoenix.baseUrl, headers: this.options.headers, projectName: experiment.project_name ?? `Experiment-${experiment.id}`, experiment: experimentName };
  }

  /**
   * Creates the experiment. `token` goes into its metadata (`evalwire_run`): it finds the experiment
   * again when the answer to its creation was lost, so a retry does not leave an empty twin behind.
   */
  private async create(header: ExperimentHeader, remote: RemoteDataset, token: string): Promise<CreatedExperiment> {
    const { phoenix } = this;
    let attempt = 0;
    const { data } = await callPhoenix(
      `creating experiment "${header.name}"`,
      phoenix.baseUrl,
      async (signal) => {
        if (attempt++ > 0) {
          const created = await findByToken(phoenix, remote.datasetId, token);
          if (created) return { data: { data: created }, response: new Response(null, { status: 200 }) };
        }
        return phoenix.client.POST("/v1/datasets/{dataset_id}/experiments", {
          params: { path: { dataset_id: remote.datasetId } },
          body: {
            name: header.name,
            description: `evalwire run of ${header.experiment} (evaluators: ${header.evaluators.join(", ") || "none"})`,
            metadata: { ...header.metadata, evalwire_run: token, ...(header.runId ? { evalwire_run_id: header.runId } : {}) },
            repetitions: header.settings.repetitions,
            version_id: remote.versionId,
            ...(remote.splits.length > 0 ? { splits: remote.splits } : {}),
          },
          signal,
        });
      },
      phoenix.retry,
    );
    return data!.data as CreatedExperiment;
  }
}

export class PhoenixExperiment implements ExperimentRecording {
  private readonly limit;
  private readonly pending = new Set<Promise<void>>();
  private readonly counts = { runs: 0, evaluations: 0, runsLost: 0, evaluationsLost: 0 };
  private firstError: string | null = null;
  /** Said once the experiment drains. */
  readonly warnings: string[] = [];
  /** Set once a post failed after every retry because Phoenix is unreachable: later posts are not tried. */
  private down = false;
  readonly kind = "remote";
  readonly tracer: TaskTracer | null;

  constructor(
    private readonly phoenix: Phoenix,
    readonly experimentId: string,
    readonly name: string,
    readonly location: string,
    tracing: Tracing | null,
    private readonly concurrency: number,
    private readonly nodeId: (exampleId: string) => string,
  ) {
    this.limit = pLimit(concurrency);
    this.tracer = tracing ? phoenixTaskTracer({ ...tracing, postsWaiting: () => this.limit.activeCount + this.limit.pendingCount > 0 }) : null;
  }

  get link(): Record<string, unknown> {
    return { phoenix: { experimentId: this.experimentId, url: this.location } };
  }

  record(result: ExampleResult): Promise<void> | void {
    this.counts.runs++;
    this.counts.evaluations += result.evaluations.length;
    const job = this.limit(() => this.post(result));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    if (this.limit.pendingCount >= backlog) return job;
  }

  /** Posts evaluations of a run already in Phoenix (sync: the run got there, some of its evaluations did not). */
  recordEvaluations(runId: string, result: ExampleResult, evaluations: Evaluation[]): Promise<void> | void {
    this.counts.evaluations += evaluations.length;
    const job = this.limit(() => this.postEvaluations(runId, result, evaluations));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    if (this.limit.pendingCount >= backlog) return job;
  }

  /** What was posted so far, and what could not be. */
  get posted(): { runs: number; evaluations: number; runsLost: number; evaluationsLost: number } {
    return { ...this.counts };
  }

  /** `run`: the run as the run store recorded it (what `evalwire sync` takes), and whether Ctrl-C stopped it. */
  async drain(run?: RecordedAs): Promise<{ problem: string | null; warnings: string[] }> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    const caughtUp = run ? await this.catchUp(run) : null;
    // Spans after the catch-up: they wait for a Phoenix that answers again.
    const warning = this.tracer ? await this.tracer.close() : null;
    const { runs, evaluations, runsLost, evaluationsLost } = this.counts;
    const problem =
      runsLost + evaluationsLost > 0
        ? `${runsLost} of ${runs} runs and ${evaluationsLost} of ${evaluations} evaluations not recorded in Phoenix (kept in the run store): ${this.firstError}` +
          (run ? `; once Phoenix is back, \`evalwire sync ${run.name}\` posts them` : "")
        : null;
    return { problem, warnings: [...this.warnings, ...(caughtUp ? [caughtUp] : []), ...(warning ? [warning] : [])] };
  }

  /** What Phoenix missed while it was away, posted from the run store once it is back; not after Ctrl-C (`--resume` does it first). */
  private async catchUp(run: RecordedAs): Promise<string | null> {
    const { runsLost, evaluationsLost } = this.counts;
    if (runsLost + evaluationsLost === 0 || !run.runPath || run.interrupted) return null;
    const done = await (await import("./catch-up.js")).catchUp(this.phoenix, run.runPath, this.concurrency, this.firstError);
    if (done) Object.assign(this.counts, { runsLost: 0, evaluationsLost: 0 });
    return done;
  }

  finish(): void {}

  /** Posts one run, then its evaluations side by side. Never throws. */
  private async post(result: ExampleResult): Promise<void> {
    if (this.down) return this.lose(1, result.evaluations.length, null);
    let runId: string;
    try {
      runId = await this.postRun(result);
    } catch (error) {
      return this.lose(1, result.evaluations.length, error);
    }
    await this.postEvaluations(runId, result, result.evaluations);
  }

  private async postEvaluations(runId: string, result: ExampleResult, evaluations: Evaluation[]): Promise<void> {
    const end = Date.parse(result.startedAt) + result.durationMs;
    await Promise.all(
      evaluations.map(async (evaluation) => {
        if (this.down) return this.lose(0, 1, null);
        try {
          await this.postEvaluation(runId, evaluation, end);
        } catch (error) {
          this.lose(0, 1, error);
        }
      }),
    );
  }

  private lose(runs: 0 | 1, evaluations: number, error: unknown): void {
    this.counts.runsLost += runs;
    this.counts.evaluationsLost += evaluations;
    if (error === null) return;
    this.firstError ??= error instanceof Error ? error.message : String(error);
    if (error instanceof PhoenixError && error.unavailable) this.down = true;
  }

  private async postRun(result: ExampleResult): Promise<string> {
    const { phoenix } = this;
    const start = Date.parse(result.startedAt);
    const { data, status } = await callPhoenix(
      `posting run of example ${result.exampleId}`,
      phoenix.baseUrl,
      (signal) =>
        phoenix.client.POST("/v1/experiments/{experiment_id}/runs", {
          params: { path: { experiment_id: this.experimentId } },
          body: {
            dataset_example_id: this.nodeId(result.exampleId),
            output: result.output,
            repetition_number: result.repetition,
            start_time: new Date(start).toISOString(),
            end_time: new Date(start + result.durationMs).toISOString(),
            ...(result.traceId ? { trace_id: result.traceId } : {}),
            ...(result.error ? { error: result.error } : {}),
          },
          headers: plainAnswer,
          signal,
        }),
      phoenix.retry,
      // A retried post whose first try reached the server finds its run already there.
      (code, _error, attempt) => code === 409 && attempt > 1,
    );
    if (status === 409) return this.findRun(this.nodeId(result.exampleId), result.repetition);
    return data!.data.id;
  }

  private async findRun(exampleId: string, repetition: number): Promise<string> {
    const { phoenix } = this;
    let cursor: string | undefined;
    do {
      const { data } = await callPhoenix(
        `looking up the run of example ${exampleId}`,
        phoenix.baseUrl,
        (signal) =>
          phoenix.client.GET("/v1/experiments/{experiment_id}/runs", { params: { path: { experiment_id: this.experimentId }, query: { limit: 1000, ...(cursor ? { cursor } : {}) } }, signal }),
        phoenix.retry,
      );
      const run = data!.data.find((each) => each.dataset_example_id === exampleId && each.repetition_number === repetition);
      if (run?.id) return run.id;
      cursor = data!.next_cursor ?? undefined;
    } while (cursor);
    throw new PhoenixError(`the run of example ${exampleId} was refused as a duplicate but cannot be found`, 409);
  }

  private async postEvaluation(runId: string, evaluation: Evaluation, runEnd: number): Promise<void> {
    const { phoenix } = this;
    // Evaluators start when the task ends; Phoenix wants a start and an end for each.
    await callPhoenix(
      `posting evaluation ${evaluation.name}`,
      phoenix.baseUrl,
      (signal) =>
        phoenix.client.POST("/v1/experiment_evaluations", {
          body: {
            experiment_run_id: runId,
            name: evaluation.name,
            annotator_kind: "CODE",
            start_time: new Date(runEnd).toISOString(),
            end_time: new Date(runEnd + evaluation.durationMs).toISOString(),
            ...(evaluation.error ? { error: evaluation.error } : { result: { score: evaluation.score, label: evaluation.label, explanation: evaluation.explanation } }),
            metadata: evaluation.metadata ?? {},
          },
          headers: plainAnswer,
          signal,
        }),
      phoenix.retry,
    );
  }
}
