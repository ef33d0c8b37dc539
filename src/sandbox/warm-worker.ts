import { Worker } from "node:worker_threads";
import type { Loader } from "../discovery/load-module.js";
import { type JudgeHandoff, judgeHandoff, releaseJudgeSlotsOnExit } from "../evaluators/judge/settings.js";
import { workerHeapLimits } from "./heap-limits.js";
import { tsxOnly } from "./loader-choice.js";
import { slot, type ToWorker } from "./protocol.js";

/** A worker thread for an experiment's code, and the slots it shares with the main thread. */
export interface SandboxThread {
  worker: Worker;
  shared: Int32Array;
  /** The loader its module hooks are set for; null until it has loaded a folder. */
  loader: Loader | null;
  /** The [judge] settings and limit it judges with. */
  judge: JudgeHandoff;
}

/** How long a thread started ahead waits to be used before it is stopped. */
const idleMs = 10_000;

let parked: { thread: SandboxThread; alive: boolean; timer: NodeJS.Timeout } | null = null;

/**
 * Starts a thread ahead of need, so that it boots and loads evalwire's own code while the main
 * thread finds the experiments and their datasets. It keeps no process alive, and stops unused.
 * `preload` (for `list`, which loads every folder in it): where tsx loads the code (Node 20), it
 * also loads the rubric and task.yaml readers before tsx is set up (see worker-entry).
 */
export function startThreadAhead(options: { preload?: boolean } = {}): void {
  if (!parked) park(spawnThread(options.preload ?? false));
}

/**
 * The thread started ahead (or given back), else a new one. A thread started before the run read
 * its [judge] settings (`evalwire run` starts one first thing) is sent them before anything else.
 */
export function takeThread(): SandboxThread {
  const waiting = parked;
  parked = null;
  if (waiting) clearTimeout(waiting.timer);
  if (!waiting?.alive) return spawnThread();
  const { thread } = waiting;
  thread.worker.ref();
  thread.worker.removeAllListeners("error");
  const judge = judgeHandoff();
  if (judge.settings !== thread.judge.settings || judge.slots !== thread.judge.slots) {
    thread.worker.postMessage({ t: "judge", judge } satisfies ToWorker);
    thread.judge = judge;
    releaseJudgeSlotsOnExit(thread.worker);
  }
  return thread;
}

/** Keeps a thread whose loaded code is no longer needed for the next folder (`list` only: `run` gives each experiment a fresh one). */
export function park(thread: SandboxThread): void {
  if (parked) void parked.thread.worker.terminate();
  const entry = { thread, alive: true, timer: setTimeout(() => void thread.worker.terminate(), idleMs) };
  entry.timer.unref();
  thread.worker.unref();
  // A thread that fails while it waits is simply not used (an "error" event with no listener would throw).
  thread.worker.on("error", () => {
    entry.alive = false;
  });
  thread.worker.once("exit", () => {
    entry.alive = false;
    if (parked === entry) parked = null;
  });
  parked = entry;
}

/** The worker's entry: the built file, or its TypeScript source (tests run from src/) through tsx. */
export const runsFromSource = import.meta.url.endsWith(".ts");

function spawnThread(preload = false): SandboxThread {
  const shared = new Int32Array(new SharedArrayBuffer(slot.size * Int32Array.BYTES_PER_ELEMENT));
  const entry = new URL(runsFromSource ? "./worker.ts" : "./worker-entry.js", import.meta.url);
  // The judges in the worker use the run's [judge] settings and share the run's judge limit. Where
  // every folder loads with tsx, the thread sets tsx up at once, while the main thread finds the folders.
  const judge = judgeHandoff();
  const workerData = { shared: shared.buffer, judge, tsxAhead: tsxOnly(), preload };
  let worker: Worker;
  if (runsFromSource) {
    const tsx = import.meta.resolve("tsx/esm/api");
    const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
    worker = new Worker(bootstrap, { eval: true, workerData, resourceLimits: workerHeapLimits() });
  } else {
    worker = new Worker(entry, { workerData, resourceLimits: workerHeapLimits() });
  }
  releaseJudgeSlotsOnExit(worker);
  return { worker, shared, loader: null, judge };
}
