import type { Worker } from "node:worker_threads";
import type { ExperimentFolder } from "../discovery/discover.js";
import type { Loader } from "../discovery/load-module.js";
import { LoadError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import type { SandboxThread } from "./warm-worker.js";

/** What a worker says of the code it loaded. */
export interface LoadedCode {
  evaluators: string[];
  cacheKey: string | null;
  /** The heap the code may use, in MB. */
  heapMb: number;
}

/** How the sandbox that owns the thread hears of it, during the load and after. */
export interface ThreadEvents {
  /** An error that escaped the code: told once the load is over, never when tsx loads the code again. */
  onEscaped(message: string): void;
  /** Results, once the code is loaded. */
  onResults(message: Extract<FromWorker, { t: "results" }>): void;
  /** The answer to a "settle". */
  onSettled(): void;
  /** The thread ended (after the load, or during it); `outOfHeap`: its code filled the heap it may use. */
  onExit(code: number, outOfHeap: boolean): void;
  /** Stops the thread on purpose (its exit is then no news). */
  end(worker: Worker): void;
  /** False once the sandbox is closed or the run stopped: a native load that failed is not tried again with tsx. */
  mayRetry(): boolean;
}

export interface LoadRequest {
  folder: ExperimentFolder;
  loader: Loader;
  concurrency: number;
  timeoutMs: number;
  loadTimeoutMs: number;
  taskSlots: SharedArrayBuffer;
}

/**
 * Loads the folder's code in `thread` within the time limit; rejects with a LoadError naming the
 * file at fault. "retry with tsx": the native loader could not load it, and another thread should
 * load it with tsx, whose word on it is what the user sees. The thread's listeners stay on for its
 * life (see ThreadEvents); the returned `detach` takes them off, to give the thread back.
 */
export function loadInThread(thread: SandboxThread, request: LoadRequest, events: ThreadEvents): { loaded: Promise<LoadedCode | "retry with tsx">; detach: () => void } {
  const { worker } = thread;
  let loading = request.folder.taskFile;
  // What escapes while loading is told once the load is over: not at all when tsx loads the code again.
  let escaped: string[] | null = [];
  const tellEscaped = () => {
    for (const message of escaped ?? []) events.onEscaped(message);
    escaped = null;
  };
  let resolve!: (outcome: LoadedCode | "retry with tsx") => void;
  let reject!: (error: Error) => void;
  const loaded = new Promise<LoadedCode | "retry with tsx">((yes, no) => {
    resolve = yes;
    reject = no;
  });
  const limit = request.loadTimeoutMs;
  const timer =
    limit > 0
      ? setTimeout(() => {
          tellEscaped();
          reject(
            new LoadError(
              `${shownPath(loading)}: did not finish loading within ${limit} ms (a top-level await that never settles, or code that never yields?); raise --load-timeout if it needs longer`,
            ),
          );
          events.end(worker);
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
    if ((loader ?? thread.loader ?? request.loader) !== "native" || !events.mayRetry()) {
      settle(() => {
        tellEscaped();
        reject(error);
      });
      return;
    }
    settle(() => {
      escaped = null;
      events.end(worker);
      resolve("retry with tsx");
    });
  };
  const onLoaded = (code: LoadedCode) =>
    settle(() => {
      tellEscaped();
      resolve(code);
    });
  const onMessage = (message: FromWorker) => {
    // User code in the thread can post too (parentPort.postMessage(null)): what is not evalwire's is let go.
    if (!isOwnMessage(message)) return;
    switch (message.t) {
      case "loading":
        loading = message.file;
        return;
      case "loaded":
        thread.loader = message.loader;
        onLoaded({ evaluators: message.evaluators, cacheKey: message.cacheKey, heapMb: message.heapMb });
        return;
      case "load-failed":
        thread.loader = message.loader;
        failed(new LoadError(message.message, { partial: message.partial }), message.loader);
        return;
      case "results":
        events.onResults(message);
        return;
      case "escaped":
        if (escaped) escaped.push(message.message);
        else events.onEscaped(message.message);
        return;
      case "settled":
        events.onSettled();
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
    events.onExit(code, outOfHeap);
  };
  worker.on("message", onMessage);
  worker.on("error", onError);
  worker.on("exit", onExit);
  const { folder, concurrency, timeoutMs, loader, taskSlots } = request;
  worker.postMessage({ t: "load", folder, concurrency, timeoutMs, loader, taskSlots } satisfies ToWorker);
  return {
    loaded,
    detach: () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    },
  };
}

function isOwnMessage(message: unknown): message is FromWorker {
  if (typeof message !== "object" || message === null) return false;
  const { t } = message as { t?: unknown };
  if (t === "results") return Array.isArray((message as { tasks?: unknown }).tasks) && Array.isArray((message as { results?: unknown }).results);
  if (t === "escaped") return typeof (message as { message?: unknown }).message === "string";
  return typeof t === "string";
}
