import { basename } from "node:path";
import { milliseconds } from "../engine/run-example.js";
import { evaluatorsFor } from "../evaluators/rubric/example-rubric.js";
import type { Evaluation, ExampleResult } from "../types.js";
import type { Call } from "./protocol.js";
import { type CallInSlot, readTaskSlots, type TaskPart } from "./task-slots.js";

/** The call that blocked a worker's thread, and what the calls stopped with it are told. */
export interface Culprit {
  seq: number;
  /** 0: the task blocked it; n: the example's nth evaluator. */
  phase: number;
  /** For the example's other evaluators. */
  sameExample: string;
  /** For the other calls in flight. */
  bystander: string;
}

/** What the call that blocked a worker's thread (in `phase`, as the shared slots said) is told, and the calls stopped with it. */
export function blockedBy(job: Call, phase: number, { evaluators, taskFile, limitMs }: { evaluators: string[]; taskFile: string; limitMs: number }): { reason: string; culprit: Culprit } {
  const who = whoRan(job, phase, evaluators, taskFile);
  const id = job.example.id;
  return {
    reason: `blocked the event loop for more than ${limitMs} ms: ${who} never yields on example ${id}, so evalwire stopped it`,
    culprit: {
      seq: job.seq,
      phase,
      sameExample: `stopped: ${who} blocked the event loop for more than ${limitMs} ms on this example`,
      bystander: `stopped: ${who} blocked the event loop on example ${id} while this one was running`,
    },
  };
}

/** What the call that was running when its worker ran out of memory is told, and the calls stopped with it. */
export function outOfMemory(job: Call, phase: number, { evaluators, taskFile, heapMb }: { evaluators: string[]; taskFile: string; heapMb: number }): { reason: string; culprit: Culprit } {
  const who = whoRan(job, phase, evaluators, taskFile);
  const id = job.example.id;
  return {
    reason: `ran out of memory: ${who} filled the ${heapMb} MB heap its thread may use on example ${id}, so evalwire stopped it (${raiseHeap})`,
    culprit: {
      seq: job.seq,
      phase,
      sameExample: `stopped: ${who} ran out of memory on this example`,
      bystander: `stopped: ${who} ran out of memory on example ${id} while this one was running`,
    },
  };
}

/** What every call `running` is told when the thread ran out of memory outside any call's synchronous part. */
export function outOfMemoryOfNoOne(heapMb: number, running: Call[]): string {
  return `stopped: the experiment's code filled the ${heapMb} MB heap its thread may use after an await or in a timer or callback, ${during(running)} (${raiseHeap})`;
}

const raiseHeap = "NODE_OPTIONS=--max-old-space-size=MB sets it";

function whoRan(job: Call, phase: number, evaluators: string[], taskFile: string): string {
  const evaluator = phase === 0 ? null : (evaluatorNames(evaluators, job)[phase - 1] ?? `#${phase}`);
  return evaluator === null ? basename(taskFile) : `evaluator ${evaluator}`;
}

function during(running: Call[]): string {
  const ids = [...new Set(running.map((job) => job.example.id))];
  return ids.length === 0 ? "outside any call" : `while example${ids.length === 1 ? "" : "s"} ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""} ran`;
}

/** What every call `running` is told when the thread blocked outside any call's synchronous part. */
export function blockedByNoOne(limitMs: number, running: Call[]): string {
  return `stopped: the experiment's code blocked the event loop for more than ${limitMs} ms after an await or in a timer or callback, ${during(running)}`;
}

/** A call that was running in a worker when the worker was stopped. */
export interface StoppedCall {
  job: Call;
  /** performance.now() when it went to the worker. */
  sentAt: number;
  /** The task's part of its result, when the task had finished. */
  task?: ExampleResult | undefined;
  /** The evaluations that had answered (the others had not when the worker was stopped). */
  answered?: Evaluation[];
}

/** The evaluators that run on a call's example, in the order of their phases. */
export function evaluatorNames(evaluators: string[], job: Call): string[] {
  return evaluatorsFor(
    evaluators.map((name) => ({ name })),
    job.example,
  ).map((evaluator) => evaluator.name);
}

/** A task part read from the task slots, as the result it begins. */
export function taskResult(job: Call, part: TaskPart): ExampleResult {
  return { exampleId: job.example.id, repetition: job.repetition, status: "ok", error: null, evaluations: [], ...part };
}

/**
 * The result of a call whose worker was stopped: the task's output when the task had finished,
 * with the evaluations that had answered and an error for each other evaluator, else a timeout of
 * the whole call (or an error, `unfinished`, when the call that blocked cannot be told). `culprit`
 * null: the worker went for a reason of its own (`reason`), the same for every call.
 */
export function stoppedResult(call: StoppedCall, evaluators: string[], reason: string, culprit: Culprit | null, now: number, unfinished: "timeout" | "error" = "timeout"): ExampleResult {
  const isCulprit = culprit === null || call.job.seq === culprit.seq;
  const error = isCulprit ? reason : culprit.bystander;
  if (call.task) {
    // Since the task finished: the evaluators had that long.
    const durationMs = milliseconds(Math.max(0, Date.now() - Date.parse(call.task.startedAt) - call.task.durationMs));
    const answered = new Map((call.answered ?? []).map((evaluation) => [evaluation.name, evaluation]));
    const evaluations = evaluatorNames(evaluators, call.job).map(
      (name, index): Evaluation =>
        answered.get(name) ?? {
          name,
          score: null,
          label: null,
          explanation: null,
          error: !isCulprit || culprit === null || index + 1 === culprit.phase ? error : culprit.sameExample,
          durationMs,
        },
    );
    return { ...call.task, evaluations };
  }
  const { example, repetition } = call.job;
  const ranMs = now - call.sentAt;
  return {
    exampleId: example.id,
    repetition,
    status: unfinished,
    output: null,
    error,
    startedAt: new Date(Date.now() - ranMs).toISOString(),
    durationMs: milliseconds(ranMs),
    evaluations: [],
  };
}

/**
 * What the calls a stopped worker had started become, in their order: the result of one that had
 * ended (kept in its task slot until its message left the thread), else stoppedResult, with the
 * task's part and the evaluations that had answered read from its slot. `why` may name the calls
 * that had not ended.
 */
export function stoppedResults(
  stopped: StoppedCall[],
  taskSlots: SharedArrayBuffer,
  { evaluators, why, culprit, unfinished }: { evaluators: string[]; why: string | ((running: Call[]) => string); culprit: Culprit | null; unfinished: "timeout" | "error" },
): ExampleResult[] {
  const inSlots = readTaskSlots(taskSlots, new Set(stopped.map((call) => call.job.seq)));
  const running = stopped.filter((call) => !isWhole(inSlots.get(call.job.seq))).map((call) => call.job);
  const reason = typeof why === "string" ? why : why(running);
  const now = performance.now();
  return stopped.map((call) => {
    const part = inSlots.get(call.job.seq);
    if (isWhole(part)) return part.whole;
    if (!part) return stoppedResult(call, evaluators, reason, culprit, now, unfinished);
    const task = call.task ?? (part.task ? taskResult(call.job, part.task) : undefined);
    return stoppedResult({ ...call, task, answered: part.evaluations }, evaluators, reason, culprit, now, unfinished);
  });
}

function isWhole(part: CallInSlot | { whole: ExampleResult } | undefined): part is { whole: ExampleResult } {
  return part !== undefined && "whole" in part;
}

/** The results of the calls `seqs` that had ended in a stopped worker, kept in its task slots until their message left. */
export function endedInSlots(taskSlots: SharedArrayBuffer, seqs: ReadonlySet<number>): Map<number, ExampleResult> {
  const ended = new Map<number, ExampleResult>();
  for (const [seq, part] of readTaskSlots(taskSlots, seqs)) if (isWhole(part)) ended.set(seq, part.whole);
  return ended;
}

/** A call still to come when the experiment's code no longer loads in a new thread: an error saying why. */
export function notRestarted({ example, repetition }: Call, why: string): ExampleResult {
  return {
    exampleId: example.id,
    repetition,
    status: "error",
    output: null,
    error: `cannot restart the experiment's code: ${why}`,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    evaluations: [],
  };
}
