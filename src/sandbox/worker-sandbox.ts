import type { EventLoopUtilization } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { LineExample } from "../datasets/line-example.js";
import type { ExperimentFolder } from "../discovery/discover.js";
import type { Loader } from "../discovery/load-module.js";
import { inModulePackage } from "../discovery/native-hooks.js";
import type { Job, Sandbox, SandboxOptions } from "../engine/ports.js";
import { LoadError } from "../errors.js";
import { resultOfJson } from "../result-json.js";
import { shownPath } from "../shown-path.js";
import type { Evaluation, ExampleResult } from "../types.js";
import { chooseLoader } from "./loader-choice.js";
import { beatMs, type Call, type FromWorker, flatJobs, lineChanged, slot, type ToWorker, type WorkerAnswer, type WorkerJob } from "./protocol.js";
import { blockedBy, blockedByNoOne, type Culprit, endedInSlots, notRestarted, outOfMemory, outOfMemoryOfNoOne, stoppedResults } from "./stopped-calls.js";
import { taskSlotsBuffer } from "./task-slots.js";
import { park, runsFromSource, type SandboxThread, takeThread } from "./warm-worker.js";

export type WorkerSandboxOptions = SandboxOptions;

interface Pending {
  job: Call;
  /** performance.now() when it went to the worker; 0 while it waits to be sent. */
  sentAt: number;
  /** The task's part of the result, when it came as a message (too big for a task slot) and the evaluators still run. */
  task?: ExampleResult;
  resolve: (result: ExampleResult | null) => void;
  reject: (error: Error) => void;
}

/** Calls sent to the worker ahead of those running, so it never waits on the main thread between two. */
const sentAhead = 256;
/**
 * Calls asked for in one turn of the loop go in one message, but no more than this many wait for
 * the turn's end: a turn that answers hundreds of results would otherwise leave the worker without
 * calls until it is over (measured: 3 to 5% of a fast run's time).
 */
const sendAtOnce = 64;
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
  cacheKey: string | null = null;
  readonly window: number;
  /** The heap the worker's code may use, in MB, as the worker said once loaded. */
  private heapMb = 0;
  /** Calls the worker runs at once: the example concurrency, lower while rate-limited. */
  private concurrency: number;
  private worker!: Worker;
  private thread!: SandboxThread;
  private shared!: Int32Array;
  /** Where the worker writes each task's part of its result before the evaluators run. */
  private taskSlots!: SharedArrayBuffer;
  /** Native type stripping first where it can give what tsx gives; tsx once it could not. */
  private loader: Loader;
  /** Takes this sandbox's listeners off its thread, to give the thread back (`keepThread`). */
  private detach: () => void = () => {};
  /** Every call asked for and not yet answered, in the order asked (seq order). */
  private readonly pending = new Map<number, Pending>();
  private unsent: Pending[] = [];
  private flushScheduled = false;
  private seq = 0;
  private lastBeat = -1;
  private lastBeatAt = 0;
  private restarting: Promise<void> | null = null;
  private utilization: EventLoopUtilization | null = null;
  private closed = false;
  /** The run stops (its dataset changed): no call is sent from now on. */
  private startNone = false;
  private readonly ended = new WeakSet<Worker>();
  private readonly watchdog: NodeJS.Timeout;

  private constructor(
    private readonly folder: ExperimentFolder,
    private readonly options: WorkerSandboxOptions,
  ) {
    // A CommonJS package's TypeScript is tsx's to load (as CommonJS): no native try first.
    this.loader = !runsFromSource && chooseLoader() === "native" && inModulePackage(pathToFileURL(folder.taskFile).href) ? "native" : "tsx";
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
    if (this.closed || this.startNone || this.options.stop.aborted) return Promise.resolve(null);
    const call: Call = { seq: ++this.seq, example: job.example, repetition: job.repetition };
    if (job.retries) call.retries = job.retries;
    if (job.cached) call.cached = job.cached;
    return new Promise((resolve, reject) => {
      const entry: Pending = { job: call, sentAt: 0, resolve, reject };
      this.pending.set(call.seq, entry);
      this.unsent.push(entry);
      if (this.unsent.length >= sendAtOnce) this.flush();
      else this.scheduleFlush();
    });
  }

  busy(): number {
    if (!this.worker) return 1;
    const now = this.worker.performance.eventLoopUtilization();
    const since = this.utilization ? this.worker.performance.eventLoopUtilization(now, this.utilization) : now;
    this.utilization = now;
    return since.utilization;
  }

  stopStarting(): void {
    if (this.closed || this.startNone) return;
    this.startNone = true;
    for (const entry of this.unsent) this.answer(entry.job.seq, null);
    this.unsent = [];
    if (!this.restarting) this.send({ t: "start-none" });
  }

  setConcurrency(limit: number): void {
    this.concurrency = limit;
    if (this.worker && !this.restarting && !this.closed) this.send({ t: "concurrency", limit });
  }

  /**
   * Closes the sandbox and keeps its thread, for the next `open` in this process to load its
   * folder in (saving a thread's start). Only for code that is loaded and never ran: `list`.
   */
  async closeKeepingThread(): Promise<void> {
    if (this.seq > 0 || this.restarting || this.closed || this.options.stop.aborted) return this.close();
    this.closed = true;
    clearInterval(this.watchdog);
    this.detach();
    park(this.thread);
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
    this.send({ t: "jobs", jobs: flatJobs(entries.map((entry) => sent(entry.job))) });
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Stops a worker on purpose: its exit is then no news. */
  private end(worker: Worker): Promise<number> {
    this.ended.add(worker);
    return worker.terminate();
  }

  /**
   * A worker with the code loaded, within the time limit. Code the native loader could not load is
   * loaded again in a new worker with tsx: what tsx says of it is what the user sees.
   */
  private start(): Promise<void> {
    this.thread = takeThread();
    this.worker = this.thread.worker;
    this.shared = this.thread.shared;
    this.taskSlots = taskSlotsBuffer(this.options.concurrency);
    this.lastBeat = -1;
    const worker = this.worker;
    let loading = this.folder.taskFile;
    // What escapes while loading is told once the load is over: not at all when tsx loads the code again.
    let escaped: string[] | null = [];
    const tellEscaped = () => {
      for (const message of escaped ?? []) this.options.events.onEscaped(message);
      escaped = null;
    };
    return new Promise<void>((resolve, reject) => {
      const limit = this.options.loadTimeoutMs;
      const timer =
        limit > 0
          ? setTimeout(() => {
              tellEscaped();
              reject(
                new LoadError(
                  `${shownPath(loading)}: did not finish loading within ${limit} ms (a top-level await that never settles, or code that never yields?); raise --load-timeout if it needs longer`,
                ),
              );
              void this.end(worker);
            }, limit)
          : undefined;
      let settled = false;
      const settle = (done: () => void) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        done();
      };
      const failed = (error: LoadError, loader: Loader | null) => {
        if ((loader ?? this.thread.loader ?? this.loader) !== "native" || this.closed || this.options.stop.aborted) {
          settle(() => {
            tellEscaped();
            reject(error);
          });
          return;
        }
        settle(() => {
          escaped = null;
          this.loader = "tsx";
          void this.end(worker);
          this.start().then(resolve, reject);
        });
      };
      const onMessage = (message: FromWorker) => {
        switch (message.t) {
          case "loading":
            loading = message.file;
            return;
          case "loaded":
            this.thread.loader = message.loader;
            this.evaluators = message.evaluators;
            this.cacheKey = message.cacheKey;
            this.heapMb = message.heapMb;
            settle(() => {
              tellEscaped();
              resolve();
            });
            return;
          case "load-failed":
            this.thread.loader = message.loader;
            failed(new LoadError(message.message, { partial: message.partial }), message.loader);
            return;
          case "results":
            for (let index = 0; index < message.tasks.length; index += 2) this.taskDone(message.tasks[index] as number, message.tasks[index + 1] as string | ExampleResult);
            for (let index = 0; index < message.results.length; index += 2) this.answer(message.results[index] as number, message.results[index + 1] as WorkerAnswer);
            return;
          case "escaped":
            if (escaped) escaped.push(message.message);
            else this.options.events.onEscaped(message.message);
            return;
        }
      };
      let outOfHeap = false;
      const onError = (error: Error) => {
        outOfHeap = (error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY";
        const why = outOfHeap ? "ran out of memory while loading (NODE_OPTIONS=--max-old-space-size=MB sets the heap its thread may use)" : `cannot load: ${error.message}`;
        failed(new LoadError(`${shownPath(loading)}: ${why}`), null);
      };
      const onExit = (code: number) => {
        failed(new LoadError(`${shownPath(loading)}: stopped its thread while loading (exit code ${code})`), null);
        if (this.ended.has(worker) || this.closed) return;
        if (outOfHeap) this.ranOutOfMemory();
        else this.lost(`the worker running this experiment's code stopped (exit code ${code})`);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      this.detach = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      this.send({ t: "load", folder: this.folder, concurrency: this.concurrency, timeoutMs: this.options.timeoutMs, loader: this.loader, taskSlots: this.taskSlots });
    });
  }

  private taskDone(seq: number, task: string | ExampleResult): void {
    const entry = this.pending.get(seq);
    if (entry) entry.task = typeof task === "string" ? (JSON.parse(task) as ExampleResult) : task;
  }

  private answer(seq: number, result: WorkerAnswer): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    this.pending.delete(seq);
    // The dataset file changed during the run: the run stops, as when the main thread reads such a line.
    if (result === lineChanged) {
      entry.reject(entry.job.example instanceof LineExample ? entry.job.example.changed() : new Error("the dataset changed during the run"));
      // The worker starts no call from now on; those not sent yet are not sent.
      this.stopStarting();
      return;
    }
    if (typeof result === "string" && !entry.task) entry.resolve(resultOfJson(result));
    else if (typeof result === "string" || Array.isArray(result)) {
      // The evaluations of a call whose task part came ahead.
      entry.task!.evaluations = typeof result === "string" ? (JSON.parse(result) as Evaluation[]) : result;
      entry.resolve(entry.task!);
    } else entry.resolve(result);
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
      // No call was in its synchronous part: the code that blocked runs after an await, or in a
      // timer or callback. Which call it belongs to cannot be told: each running call is named.
      this.lost((running) => blockedByNoOne(limit, running), null, "error");
      return;
    }
    const blamed = blockedBy(culprit.job, Atomics.load(this.shared, slot.phase), { evaluators: this.evaluators, taskFile: this.folder.taskFile, limitMs: limit });
    this.lost(blamed.reason, blamed.culprit);
  }

  /** The worker ended as its code filled the heap it may use: the call running then is blamed, as for a blocked thread. */
  private ranOutOfMemory(): void {
    const culprit = this.pending.get(Atomics.load(this.shared, slot.seq));
    if (!culprit) {
      this.lost((running) => outOfMemoryOfNoOne(this.heapMb, running), null, "error");
      return;
    }
    const blamed = outOfMemory(culprit.job, Atomics.load(this.shared, slot.phase), { evaluators: this.evaluators, taskFile: this.folder.taskFile, heapMb: this.heapMb });
    this.lost(blamed.reason, blamed.culprit, "error");
  }

  /**
   * The worker is gone or must go: the calls it had started become errors (the culprit's saying
   * why), those it had not started go to a new worker with the calls still to come. A call whose
   * task had finished keeps the task's output: its evaluators that had not answered hold the error.
   */
  private lost(why: string | ((running: Call[]) => string), culprit: Culprit | null = null, unfinished: "timeout" | "error" = "timeout"): void {
    const started = Atomics.load(this.shared, slot.started);
    const stopped: Pending[] = [];
    const requeue: Pending[] = [];
    for (const [seq, entry] of this.pending) {
      if (entry.sentAt === 0) continue;
      if (seq > started) {
        entry.sentAt = 0;
        requeue.push(entry);
        continue;
      }
      this.pending.delete(seq);
      // The culprit first: its error is the one the summary shows first.
      if (seq === culprit?.seq) stopped.unshift(entry);
      else stopped.push(entry);
    }
    const results = stoppedResults(stopped, this.taskSlots, { evaluators: this.evaluators, why, culprit, unfinished });
    for (const [index, entry] of stopped.entries()) entry.resolve(results[index]!);
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
          entry.resolve(notRestarted(entry.job, error.message));
        }
        this.closed = true;
      },
    );
  }

  /**
   * Ctrl-C: calls in flight see their signal abort; a worker that does not answer in time is
   * stopped, and the calls it had finished (their results still in its task slots: a call blocked
   * the thread before they left it) are kept.
   */
  private interrupt(): void {
    if (this.closed) return;
    for (const entry of this.unsent) this.answer(entry.job.seq, null);
    this.unsent = [];
    if (!this.restarting) this.send({ t: "stop" });
    setTimeout(() => void this.stopKeepingFinished(), stopGraceMs).unref();
  }

  private async stopKeepingFinished(): Promise<void> {
    if (this.closed) return;
    // Stopped first (what it sent before it stopped is answered as it exits): its slots then hold still.
    if (this.worker) await this.end(this.worker);
    for (const [seq, result] of endedInSlots(this.taskSlots, new Set(this.pending.keys()))) {
      this.pending.get(seq)!.resolve(result);
      this.pending.delete(seq);
    }
    await this.close();
  }
}

/** A call as the worker is sent it: an example read from a JSONL line and not parsed here goes as that line. */
function sent(call: Call): WorkerJob {
  const { example } = call;
  if (!(example instanceof LineExample)) return call;
  if (example.parsed) return { ...call, example: example.toJSON() };
  const { seq, repetition, retries, cached } = call;
  return { seq, repetition, ...(retries ? { retries } : {}), ...(cached ? { cached } : {}), id: example.id, line: example.line };
}
