// The entry point of an experiment's worker thread: loads the task and evaluators, runs the calls
// the main thread sends, and keeps user code from ending the process.
import { setMaxListeners } from "node:events";
import * as nodeModule from "node:module";
import { getHeapStatistics } from "node:v8";
import { parentPort, resourceLimits, workerData } from "node:worker_threads";
import { exampleOfLine } from "../datasets/line-example.js";
import { loadExperiment } from "../discovery/load-experiment.js";
import { type Loader, useLoader } from "../discovery/load-module.js";
import { type ExampleCall, type ExampleWatch, errorMessage, runExample, type UserCode } from "../engine/run-example.js";
import { LoadError } from "../errors.js";
import { receiveJudge } from "../evaluators/judge/settings.js";
import { andThen, type Maybe } from "../maybe.js";
import type { Evaluation, Example, ExampleResult } from "../types.js";
import { beatMs, type FlatPairs, type FromWorker, jobsOfFlat, lineChanged, slot, type ToWorker, type WorkerAnswer, type WorkerJob } from "./protocol.js";
import { TaskSlots } from "./task-slots.js";

if (workerData.judge) receiveJudge(workerData.judge);

// The timers as they were before any user code: a task module may fake the global ones (a
// fake-timers install()), and the worker's own loop must still turn.
const { setImmediate, setInterval, setTimeout } = globalThis;

const port = parentPort!;
const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
const post = (message: FromWorker) => port.postMessage(message);

setInterval(() => Atomics.add(shared, slot.beat, 1), beatMs).unref();
guardProcess();
// Node >= 22.1 keeps compiled code, and type-stripped TypeScript, in its cache folder (os.tmpdir(),
// or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): the next load skips that work.
const compileCache = nodeModule as { enableCompileCache?: () => unknown; flushCompileCache?: () => void };
compileCache.enableCompileCache?.();

let code: UserCode | null = null;
let experiment = "";
let timeoutMs = 0;
let concurrency = 1;
let running = 0;
/** Calls sent ahead, so the thread never waits on the main thread between two calls. */
let queue: WorkerJob[] = [];
let head = 0;
const stop = new AbortController();
// Every call in flight listens on it.
setMaxListeners(0, stop.signal);
/** Answers to send, as seq, answer, seq, answer, ... */
let outbox: FlatPairs<WorkerAnswer> = [];
let taskSlots: TaskSlots | null = null;
/** Task slots whose calls' results are in the outbox: free once it is sent. */
let releasing: number[] = [];
/** Task parts with no room in the slots, about to be sent (before their evaluators run). */
let tasksDone: FlatPairs<string | ExampleResult> = [];
/** The dataset changed (a line sent no longer parses, or the main thread found it): no call starts from now on. */
let startNone = false;
let ticking = false;

port.on("message", onMessage);

function onMessage(message: ToWorker): void {
  switch (message.t) {
    case "load":
      void load(message);
      return;
    case "jobs":
      for (const job of jobsOfFlat(message.jobs)) queue.push(job);
      if (startNone) dropQueue();
      tick();
      return;
    case "concurrency":
      concurrency = message.limit;
      tick();
      return;
    case "judge":
      receiveJudge(message.judge);
      return;
    case "stop":
      stop.abort(new Error("interrupted"));
      dropQueue();
      flush();
      return;
    case "start-none":
      startNone = true;
      dropQueue();
      flush();
      return;
    case "settle":
      // A timer due now runs before this one; an immediate it sets, before the answer.
      setTimeout(() => setImmediate(() => post({ t: "settled" })), 0);
      return;
  }
}

async function load({ folder, concurrency: limit, timeoutMs: limitMs, loader: wanted, taskSlots: buffer }: Extract<ToWorker, { t: "load" }>): Promise<void> {
  concurrency = limit;
  experiment = folder.name;
  timeoutMs = limitMs;
  taskSlots = new TaskSlots(buffer);
  code = null;
  let loader: Loader = wanted;
  try {
    loader = await useLoader(wanted);
    const loaded = await loadExperiment(folder, (file) => post({ t: "loading", file }));
    code = { task: loaded.task, evaluators: loaded.evaluators };
    post({ t: "loaded", evaluators: loaded.evaluators.map((evaluator) => evaluator.name), cacheKey: loaded.cacheKey, loader, heapMb: heapMb() });
    // Written now: a worker that is stopped never writes it.
    setImmediate(() => compileCache.flushCompileCache?.());
  } catch (error) {
    post({ t: "load-failed", message: errorMessage(error), partial: error instanceof LoadError ? error.partial : undefined, loader });
  }
}

/** The old generation this thread may use, as set for it (see heap-limits.ts): V8's heap_size_limit adds the young generation. */
function heapMb(): number {
  return resourceLimits.maxOldGenerationSizeMb ?? Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
}

/**
 * Results go back before the next call starts: a call that then blocks the thread for good cannot
 * keep the results finished before it from being recorded. Calls finished in one turn of the loop
 * go back in one message. While every call started ends at once (its code returned plain values),
 * the next ones start in the same turn, for up to `roundsMs`: a turn of the loop costs more than
 * such a call, and messages (a stop, more calls) still wait no longer than that. So do calls that
 * return a promise and end in the callbacks of the turn that started them (see ended).
 */
function tick(): void {
  ticking = false;
  const until = performance.now() + roundsMs;
  roundUntil = until;
  do {
    flush();
    startCalls();
  } while (running === 0 && head < queue.length && performance.now() < until);
}

const roundsMs = 1;
/** When this turn's round ends (see tick). */
let roundUntil = 0;
/** The call started last, when it returned a promise (see ended). */
let awaited = -1;

function scheduleTick(): void {
  if (ticking) return;
  ticking = true;
  setImmediate(tick);
}

function startCalls(): void {
  // A call whose code returns at once ends within this loop: no more than the free places start in
  // one round (see tick), so that what ends in it goes back before the next ones start.
  for (let free = concurrency - running; free > 0 && head < queue.length; free--) {
    const job = queue[head++]!;
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
    const before = running++;
    Atomics.store(shared, slot.started, job.seq);
    run(job);
    // It returned a promise (an async task): the next call starts in the next turn of the loop,
    // once this one's promise callbacks have run. Started now, a next call that blocks the thread
    // for good would take a call that had in fact finished (an async task that returned at once)
    // with it, to be recorded as stopped.
    if (running > before) {
      awaited = job.seq;
      scheduleTick();
      return;
    }
  }
}

function run(job: WorkerJob): void {
  const watch = new CallWatch(job.seq);
  let result: Maybe<ExampleResult | null | typeof lineChanged>;
  try {
    result = runJob(job, watch);
  } catch (error) {
    result = brokenCall(job, error);
  }
  // A call that never ends would hold its place, and the run, for good.
  if (result instanceof Promise) result = result.then(undefined, (error: unknown) => brokenCall(job, error));
  void andThen(result, (outcome) => ended(job, watch, outcome));
}

/** A call evalwire could not finish (user code it read threw where nothing expected it): an error of that example. */
function brokenCall(job: WorkerJob, error: unknown): ExampleResult {
  return {
    exampleId: "line" in job ? job.id : job.example.id,
    repetition: job.repetition,
    status: "error",
    output: null,
    error: `evalwire could not finish this call: ${errorMessage(error)}`,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    evaluations: [],
  };
}

function ended(job: WorkerJob, watch: CallWatch, result: ExampleResult | null | typeof lineChanged): void {
  running--;
  let kept = false;
  if (result === lineChanged || result === null) outbox.push(job.seq, result);
  // The main thread holds a task part that was sent: the evaluations complete it.
  else if (watch.taskSent) outbox.push(job.seq, evaluationsJson(result.evaluations));
  else {
    // As JSON: a string crosses threads for the price of a copy, and it is what the run store writes.
    const json = resultJson(job, result);
    outbox.push(job.seq, json);
    // Until the outbox is sent, other calls run (the rest of a round that ends at once): one that
    // blocks the thread for good (until a time limit or Ctrl-C stops it) would take this result
    // with it, so the main thread can read it here.
    const index = taskSlots!.writeResult(job.seq, json, watch.taskSlot);
    if (index >= 0) watch.taskSlot = index;
    kept = index >= 0;
  }
  if (watch.taskSlot >= 0) releasing.push(watch.taskSlot);
  // Not in the slots (too large for one, none free, or its task part went ahead): it leaves now.
  if (!kept && result !== null && result !== lineChanged) flush();
  scheduleTick();
  // The call started last ended (an async call that waited on nothing), and no other runs: no
  // call has callbacks due, so the next may start now, as in a round of calls that end at once (see
  // tick), and their results leave in one message. This one's waits in a task slot (or has left),
  // with a slot free for the next one's task part.
  if (job.seq === awaited) {
    awaited = -1;
    if (running === 0 && taskSlots!.free > 0 && performance.now() < roundUntil) startCalls();
  }
}

/** null when the value is not JSON as it is: the message carries it as an object. */
function jsonOf(value: ExampleResult): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

/**
 * A call's output and metadata were JSON when returned, but code still running (a task's timer)
 * may change them before the call ends, into what neither JSON nor a message can carry: the
 * result would be lost, or never leave the thread. Such a call is an error; such an evaluation too.
 */
function resultJson(job: WorkerJob, result: ExampleResult): string {
  try {
    return JSON.stringify(result);
  } catch (error) {
    return JSON.stringify(brokenCall(job, new Error(noLongerJson("its result", error))));
  }
}

function evaluationsJson(evaluations: Evaluation[]): string {
  try {
    return JSON.stringify(evaluations);
  } catch {
    return `[${evaluations.map(evaluationJson).join(",")}]`;
  }
}

function evaluationJson(evaluation: Evaluation): string {
  try {
    return JSON.stringify(evaluation);
  } catch (error) {
    const { name, durationMs } = evaluation;
    return JSON.stringify({ name, score: null, label: null, explanation: null, error: noLongerJson("its metadata", error), durationMs } satisfies Evaluation);
  }
}

function noLongerJson(what: string, error: unknown): string {
  return `${what} is no longer JSON (changed after it was returned): ${errorMessage(error).split("\n")[0]}`;
}

function runJob(job: WorkerJob, watch: CallWatch): Maybe<ExampleResult | null | typeof lineChanged> {
  if (!("line" in job)) return runExample(code!, callOf(job, job.example), watch);
  const example = exampleOfLine(job.id, job.line);
  if (example) return runExample(code!, callOf(job, example), watch);
  // The dataset file changed under the run, which stops: no call sent ahead, or later, starts.
  startNone = true;
  dropQueue();
  return lineChanged;
}

/** The calls sent and not started go back unanswered (null), as a stopped run's do. */
function dropQueue(): void {
  for (let index = head; index < queue.length; index++) outbox.push(queue[index]!.seq, null);
  queue = [];
  head = 0;
}

function callOf(job: WorkerJob, example: Example): ExampleCall {
  return { experiment, example, repetition: job.repetition, timeoutMs, stop: stop.signal, retries: job.retries, cached: job.cached };
}

/** Tells the main thread, through shared memory, which call's code runs; hands on its task's part. */
class CallWatch implements ExampleWatch {
  taskSlot = -1;
  taskSent = false;

  constructor(private readonly seq: number) {}

  enter(phase: number): void {
    // A beat per call: a call's time limit runs from its start, not from the last timer's beat
    // (calls that keep the CPU busy, back to back in one turn, were blamed for the ones before).
    Atomics.add(shared, slot.beat, 1);
    Atomics.store(shared, slot.seq, this.seq);
    Atomics.store(shared, slot.phase, phase);
  }

  /** No call in its synchronous part: what blocks the thread now runs after an await, or in a timer. */
  leave(): void {
    Atomics.store(shared, slot.seq, 0);
  }

  /**
   * The task's output leaves the thread before an evaluator, or a call after it in this round,
   * could block it for good (or crash it): in a task slot, or else in a message sent now (which
   * also frees the slots of the results it carries).
   */
  taskDone(result: ExampleResult): void {
    this.taskSlot = taskSlots!.write(this.seq, result);
    if (this.taskSlot >= 0) return;
    this.taskSent = true;
    tasksDone.push(this.seq, jsonOf(result) ?? result);
    flush();
  }

  /** An evaluation that answered while others of its example run: kept in a task slot, should the thread die before the call ends. */
  evaluated(evaluation: Evaluation): void {
    const index = taskSlots!.addEvaluation(this.seq, evaluationJson(evaluation), this.taskSlot);
    if (index >= 0) this.taskSlot = index;
  }
}

function flush(): void {
  if (outbox.length === 0 && tasksDone.length === 0) return;
  const results = outbox;
  const tasks = tasksDone;
  outbox = [];
  tasksDone = [];
  try {
    post({ t: "results", tasks, results });
  } catch {
    // Something cannot be cloned (a function in an evaluator's metadata, an output's toJSON method): send it as the JSON it is recorded as.
    post({
      t: "results",
      tasks: tasks.map((entry, index) => (index % 2 === 0 ? entry : asJson(entry))),
      results: results.map((entry, index) => (index % 2 === 0 ? entry : entry && asJson(entry))),
    });
  }
  for (const index of releasing) taskSlots!.release(index);
  releasing = [];
}

function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * User code runs here with the process's own objects. Ending the process or the thread (closing
 * its port) is turned into an error of the call that tried, and errors that escape a call are
 * reported, not fatal.
 */
function guardProcess(): void {
  /** An escaped error is being handled: user code's own handler for it (a logger's) may end the process. */
  let escaping = false;
  const refuse = (what: string) => () => {
    // Thrown from an uncaughtException handler, this would end the thread with every call in it;
    // the error was reported already.
    if (escaping) return;
    throw new Error(`${what} was called; a task or evaluator cannot end evalwire (throw an error instead)`);
  };
  process.exit = ((code?: number | string | null) => refuse(`process.exit(${code ?? ""})`)()) as typeof process.exit;
  process.abort = refuse("process.abort()") as typeof process.abort;
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number) => {
    if (pid === process.pid || pid === 0) return refuse(`process.kill(${pid})`)();
    return kill(pid, signal);
  }) as typeof process.kill;
  // Closing the port ends the thread too, with the results it had not sent yet.
  port.close = refuse("parentPort.close()") as typeof port.close;
  const later = queueMicrotask;
  const escaped = (error: unknown) => {
    post({ t: "escaped", message: errorMessage(error) });
    escaping = true;
    later(() => {
      escaping = false;
    });
  };
  // Without these, an escaped error ends the thread with every call running in it. User code may
  // take them off (a library calling process.removeAllListeners()): they are put back at once, and
  // again once that call is over (removeAllListeners() empties the list after its last event).
  // First in line, so that the flag is up before user code's own handlers run.
  const hook = () => {
    if (!process.listeners("uncaughtException").includes(escaped)) process.prependListener("uncaughtException", escaped);
    if (!process.listeners("unhandledRejection").includes(escaped)) process.prependListener("unhandledRejection", escaped);
    const emitter = process as NodeJS.EventEmitter;
    if (!emitter.listeners("removeListener").includes(rehook)) emitter.on("removeListener", rehook);
  };
  const rehook = (_event: string | symbol, listener: unknown) => {
    if (listener !== escaped && listener !== rehook) return;
    hook();
    later(hook);
  };
  hook();
}
