import type { EventLoopUtilization } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import type { ExperimentFolder } from "../discovery/discover.js";
import type { Loader } from "../discovery/load-module.js";
import { inModulePackage } from "../discovery/native-hooks.js";
import type { Job, Sandbox, SandboxOptions } from "../engine/ports.js";
import type { ExampleResult } from "../types.js";
import { CallsInFlight } from "./calls-in-flight.js";
import { loadInThread } from "./load-in-thread.js";
import { chooseLoader } from "./loader-choice.js";
import { beatMs, type Call, flatJobs, slot, type ToWorker, type WorkerAnswer } from "./protocol.js";
import { blockedBy, blockedByNoOne, type Culprit, endedInSlots, notRestarted, outOfMemory, outOfMemoryOfNoOne, stoppedResults } from "./stopped-calls.js";
import { taskSlotsBuffer } from "./task-slots.js";
import { park, runsFromSource, type SandboxThread, takeThread } from "./warm-worker.js";

export type WorkerSandboxOptions = SandboxOptions;

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
/** How long the run waits for a worker to answer "settle" (its code may keep the thread busy). */
const settleMs = 1000;

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
  private readonly calls = new CallsInFlight(() => this.stopStarting());
  private flushScheduled = false;
  /** Waiting for the worker's "settled". */
  private settling: (() => void)[] = [];
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
    const answered = this.calls.ask(job);
    if (this.calls.unsentCount >= sendAtOnce) this.flush();
    else this.scheduleFlush();
    return answered;
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
    // The worker starts no call from now on; those not sent yet are not sent.
    this.calls.dropUnsent();
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
    if (this.calls.asked > 0 || this.restarting || this.closed || this.options.stop.aborted) return this.close();
    this.closed = true;
    clearInterval(this.watchdog);
    this.detach();
    park(this.thread);
  }

  settle(): Promise<void> {
    if (!this.worker || this.closed || this.restarting || this.options.stop.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settled(), settleMs);
      this.settling.push(() => {
        clearTimeout(timer);
        resolve();
      });
      if (this.settling.length === 1) this.send({ t: "settle" });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    this.calls.answerAll(() => null);
    this.settled();
    if (this.worker) await this.end(this.worker);
  }

  private settled(): void {
    const waiting = this.settling;
    this.settling = [];
    for (const done of waiting) done();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Calls asked for in one turn of the loop go to the worker in one message. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.restarting || this.closed || this.calls.unsentCount === 0) return;
    this.send({ t: "jobs", jobs: flatJobs(this.calls.takeUnsent()) });
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
  private async start(): Promise<void> {
    this.thread = takeThread();
    this.worker = this.thread.worker;
    this.shared = this.thread.shared;
    this.taskSlots = taskSlotsBuffer(this.options.concurrency);
    this.lastBeat = -1;
    const worker = this.worker;
    const { loaded, detach } = loadInThread(
      this.thread,
      { folder: this.folder, loader: this.loader, concurrency: this.concurrency, timeoutMs: this.options.timeoutMs, loadTimeoutMs: this.options.loadTimeoutMs, taskSlots: this.taskSlots },
      {
        onEscaped: (message) => this.options.events.onEscaped(message),
        onSettled: () => this.settled(),
        onResults: (message) => {
          for (let index = 0; index < message.tasks.length; index += 2) this.calls.taskDone(message.tasks[index] as number, message.tasks[index + 1] as string | ExampleResult);
          for (let index = 0; index < message.results.length; index += 2) this.calls.answer(message.results[index] as number, message.results[index + 1] as WorkerAnswer);
        },
        onExit: (code, outOfHeap) => {
          this.settled();
          if (this.ended.has(worker) || this.closed) return;
          if (outOfHeap) this.ranOutOfMemory();
          else this.lost(`the worker running this experiment's code stopped (exit code ${code})`, null, "error");
        },
        end: (stopped) => void this.end(stopped),
        mayRetry: () => !this.closed && !this.options.stop.aborted,
      },
    );
    this.detach = detach;
    const code = await loaded;
    if (code === "retry with tsx") {
      this.loader = "tsx";
      return this.start();
    }
    this.evaluators = code.evaluators;
    this.cacheKey = code.cacheKey;
    this.heapMb = code.heapMb;
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
    if (limit <= 0 || !this.calls.waiting || now - this.lastBeatAt <= limit) return;
    const seq = Atomics.load(this.shared, slot.seq);
    const culprit = this.calls.get(seq);
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
    const culprit = this.calls.get(Atomics.load(this.shared, slot.seq));
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
    // The culprit first: its error is the one the summary shows first.
    const stopped = this.calls.takeStopped(Atomics.load(this.shared, slot.started), culprit?.seq);
    const results = stoppedResults(stopped, this.taskSlots, { evaluators: this.evaluators, why, culprit, unfinished });
    for (const [index, entry] of stopped.entries()) entry.resolve(results[index]!);
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
        this.calls.answerAll((job) => notRestarted(job, error.message));
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
    this.calls.dropUnsent();
    if (!this.restarting) this.send({ t: "stop" });
    setTimeout(() => void this.stopKeepingFinished(), stopGraceMs).unref();
  }

  private async stopKeepingFinished(): Promise<void> {
    if (this.closed) return;
    // Stopped first (what it sent before it stopped is answered as it exits): its slots then hold still.
    if (this.worker) await this.end(this.worker);
    this.calls.answerFound(endedInSlots(this.taskSlots, this.calls.seqs()));
    await this.close();
  }
}
