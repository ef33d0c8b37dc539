import { basename } from "node:path";
import { Worker } from "node:worker_threads";
import type { ExperimentFolder } from "../discovery/discover.js";
import type { Job, Sandbox, SandboxOptions } from "../engine/ports.js";
import { LoadError } from "../errors.js";
import { judgeHandoff, releaseJudgeSlotsOnExit } from "../evaluators/judge/settings.js";
import { shownPath } from "../shown-path.js";
import type { ExampleResult } from "../types.js";
import { beatMs, type FromWorker, slot, type ToWorker, type WorkerJob } from "./protocol.js";

export type WorkerSandboxOptions = SandboxOptions;

interface Pending {
  job: WorkerJob;
  /** performance.now() when it went to the worker; 0 while it waits to be sent. */
  sentAt: number;
  resolve: (result: ExampleResult | null) => void;
}

/** Calls sent to the worker ahead of those running, so it never waits on the main thread between two. */
const sentAhead = 256;
/** How long a worker may take to end its calls after Ctrl-C before it is stopped. */
const stopGraceMs = 1000;

/**
 * An experiment's code in a worker thread of its own. What the code does there cannot take evalwire
 * down: `process.exit` is an error of its call, an escaped error is reported, and a worker whose
 * event loop stays blocked longer than a call may take is stopped (the calls it had started become
 * errors) and a new one takes the calls still to come.
 */
export class WorkerSandbox implements Sandbox {
  evaluators: string[] = [];
  readonly window: number;
  /** Calls the worker runs at once: the example concurrency, lower while rate-limited. */
  private concurrency: number;
  private worker!: Worker;
  private shared!: Int32Array;
  /** Every call asked for and not yet answered, in the order asked (seq order). */
  private readonly pending = new Map<number, Pending>();
  private unsent: Pending[] = [];
  private flushScheduled = false;
  private seq = 0;
  private lastBeat = -1;
  private lastBeatAt = 0;
  private restarting: Promise<void> | null = null;
  private closed = false;
  private readonly ended = new WeakSet<Worker>();
  private readonly watchdog: NodeJS.Timeout;

  private constructor(
    private readonly folder: ExperimentFolder,
    private readonly options: WorkerSandboxOptions,
  ) {
    this.window = options.concurrency + sentAhead;
    this.concurrency = options.concurrency;
    this.watchdog = setInterval(() => this.watch(), Math.max(beatMs * 2, 100));
    this.watchdog.unref();
    options.stop.addEventListener("abort", () => this.interrupt(), { once: true });
  }

  /** Starts a worker and loads the folder's code there; rejects with a LoadError naming the file at fault. */
  static async open(folder: ExperimentFolder, options: WorkerSandboxOptions): Promise<WorkerSandbox> {
    const sandbox = new WorkerSandbox(folder, options);
    try {
      await sandbox.start();
    } catch (error) {
      await sandbox.close();
      throw error;
    }
    return sandbox;
  }

  run(job: Job): Promise<ExampleResult | null> {
    if (this.closed || this.options.stop.aborted) return Promise.resolve(null);
    const workerJob: WorkerJob = {
      seq: ++this.seq,
      experiment: this.folder.name,
      example: job.example,
      repetition: job.repetition,
      timeoutMs: this.options.timeoutMs,
      ...(job.retries ? { retries: job.retries } : {}),
      ...(job.cached ? { cached: job.cached } : {}),
    };
    return new Promise((resolve) => {
      const entry: Pending = { job: workerJob, sentAt: 0, resolve };
      this.pending.set(workerJob.seq, entry);
      this.unsent.push(entry);
      this.scheduleFlush();
    });
  }

  setConcurrency(limit: number): void {
    this.concurrency = limit;
    if (this.worker && !this.restarting && !this.closed) this.send({ t: "concurrency", limit });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const entry of this.pending.values()) entry.resolve(null);
    this.pending.clear();
    this.unsent = [];
    if (this.worker) await this.end(this.worker);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Calls asked for in one turn of the loop go to the worker in one message. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.restarting || this.closed || this.unsent.length === 0) return;
    const entries = this.unsent;
    this.unsent = [];
    const now = performance.now();
    for (const entry of entries) entry.sentAt = now;
    this.send({ t: "jobs", jobs: entries.map((entry) => entry.job) });
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Stops a worker on purpose: its exit is then no news. */
  private end(worker: Worker): Promise<number> {
    this.ended.add(worker);
    return worker.terminate();
  }

  /** A new worker with the code loaded, within the time limit. */
  private start(): Promise<void> {
    this.shared = new Int32Array(new SharedArrayBuffer(slot.size * Int32Array.BYTES_PER_ELEMENT));
    this.lastBeat = -1;
    this.worker = spawnWorker(this.shared);
    const worker = this.worker;
    let loading = this.folder.taskFile;
    return new Promise<void>((resolve, reject) => {
      const limit = this.options.loadTimeoutMs;
      const timer =
        limit > 0
          ? setTimeout(() => {
              reject(
                new LoadError(
                  `${shownPath(loading)}: did not finish loading within ${limit} ms (a top-level await that never settles, or code that never yields?); raise --load-timeout if it needs longer`,
                ),
              );
              void this.end(worker);
            }, limit)
          : undefined;
      const settle = (done: () => void) => {
        clearTimeout(timer);
        done();
      };
      worker.on("message", (message: FromWorker) => {
        switch (message.t) {
          case "loading":
            loading = message.file;
            return;
          case "loaded":
            this.evaluators = message.evaluators;
            settle(resolve);
            return;
          case "load-failed":
            settle(() => reject(new LoadError(message.message)));
            return;
          case "results":
            for (const [seq, result] of message.results) this.answer(seq, result);
            return;
          case "escaped":
            this.options.events.onEscaped(message.message);
            return;
        }
      });
      worker.on("error", (error) => settle(() => reject(new LoadError(`${shownPath(loading)}: cannot load: ${error.message}`))));
      worker.on("exit", (code) => {
        settle(() => reject(new LoadError(`${shownPath(loading)}: stopped its thread while loading (exit code ${code})`)));
        if (!this.ended.has(worker) && !this.closed) this.lost(`the worker running this experiment's code stopped (exit code ${code})`);
      });
      this.send({ t: "load", folder: this.folder, concurrency: this.concurrency });
    });
  }

  private answer(seq: number, result: ExampleResult | null): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    this.pending.delete(seq);
    entry.resolve(result);
  }

  /** Notices a worker whose event loop has not turned for longer than a call may take. */
  private watch(): void {
    if (this.restarting || this.closed) return;
    const beat = Atomics.load(this.shared, slot.beat);
    const now = performance.now();
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      this.lastBeatAt = now;
      return;
    }
    const limit = this.options.timeoutMs;
    const waiting = this.pending.size > this.unsent.length;
    if (limit <= 0 || !waiting || now - this.lastBeatAt <= limit) return;
    const seq = Atomics.load(this.shared, slot.seq);
    const culprit = this.pending.get(seq);
    if (!culprit) {
      this.lost(`stopped: the experiment's code blocked the event loop for more than ${limit} ms outside any call (in a timer or callback)`);
      return;
    }
    const phase = Atomics.load(this.shared, slot.phase);
    const who = phase === 0 ? basename(this.folder.taskFile) : `evaluator ${basename(this.folder.evaluatorFiles[phase - 1] ?? `#${phase}`)}`;
    const id = culprit.job.example.id;
    this.lost(
      `blocked the event loop for more than ${limit} ms: ${who} never yields on example ${id}, so evalwire stopped it`,
      seq,
      `stopped: ${who} blocked the event loop on example ${id} while this one was running`,
    );
  }

  /**
   * The worker is gone or must go: the calls it had started become errors (the culprit's saying
   * why), those it had not started go to a new worker with the calls still to come.
   */
  private lost(reason: string, culprit: number | null = null, bystander = reason): void {
    const started = Atomics.load(this.shared, slot.started);
    const now = performance.now();
    const requeue: Pending[] = [];
    for (const [seq, entry] of this.pending) {
      if (entry.sentAt === 0) continue;
      if (seq > started) {
        entry.sentAt = 0;
        requeue.push(entry);
        continue;
      }
      this.pending.delete(seq);
      const { example, repetition } = entry.job;
      const ranMs = now - entry.sentAt;
      entry.resolve({
        exampleId: example.id,
        repetition,
        status: "timeout",
        output: null,
        error: culprit === null || seq === culprit ? reason : bystander,
        startedAt: new Date(Date.now() - ranMs).toISOString(),
        durationMs: Math.round(ranMs * 1000) / 1000,
        evaluations: [],
      });
    }
    this.unsent = [...requeue, ...this.unsent];
    void this.end(this.worker);
    if (this.closed || this.options.stop.aborted) return;
    this.restarting = this.start().then(
      () => {
        this.restarting = null;
        this.flush();
      },
      (error: Error) => {
        // The code no longer loads: every call still to come is an error saying why.
        this.restarting = null;
        for (const [seq, entry] of this.pending) {
          this.pending.delete(seq);
          const { example, repetition } = entry.job;
          entry.resolve({
            exampleId: example.id,
            repetition,
            status: "error",
            output: null,
            error: `cannot restart the experiment's code: ${error.message}`,
            startedAt: new Date().toISOString(),
            durationMs: 0,
            evaluations: [],
          });
        }
        this.closed = true;
      },
    );
  }

  /** Ctrl-C: calls in flight see their signal abort; a worker that does not answer in time is stopped. */
  private interrupt(): void {
    if (this.closed) return;
    for (const entry of this.unsent) this.answer(entry.job.seq, null);
    this.unsent = [];
    if (!this.restarting) this.send({ t: "stop" });
    setTimeout(() => void this.close(), stopGraceMs).unref();
  }
}

/** The worker's entry: the built file, or its TypeScript source (tests run from src/) through tsx. */
function spawnWorker(shared: Int32Array): Worker {
  const entry = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);
  // The judges in the worker use the run's [judge] settings and share the run's judge limit.
  const workerData = { shared: shared.buffer, judge: judgeHandoff() };
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  const worker = entry.pathname.endsWith(".js") ? new Worker(entry, { workerData }) : new Worker(bootstrap, { eval: true, workerData });
  releaseJudgeSlotsOnExit(worker);
  return worker;
}
