import type { Evaluation, ExampleResult } from "../types.js";

/** What the main thread needs of a task's result beside its job to record it. */
export type TaskPart = Pick<ExampleResult, "output" | "startedAt" | "durationMs" | "attempts" | "cached">;

/**
 * Bytes of one slot: a header (Int32: the call's seq, the text's byte length, the length of its
 * `startedAt` prefix, or -1 when the text is the whole part as JSON, -2 when it is the call's
 * whole result as JSON, -3 when there is no task part (it went as a message); the byte length of
 * the evaluations after the text; Float64: durationMs), then the text, then the evaluations that
 * have answered, each as its JSON and a comma.
 */
const slotBytes = 16 * 1024;
const headerBytes = 24;
/** More calls at once than this send their task parts the slower way (a message). */
const maxSlots = 256;
const wholePart = -1;
const wholeResult = -2;
const noPart = -3;

/**
 * The task's part of each call's result, written by the worker into memory shared with the main
 * thread before the call's evaluators run, and each evaluation as it answers while others of its
 * example still run. The main thread reads them only when it stops a worker (an evaluator blocked
 * it, or the thread died): the output and the scores given are not lost with the thread, and cost
 * no message.
 */
export function taskSlotsBuffer(concurrency: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.min(Math.max(concurrency, 1), maxSlots) * slotBytes);
}

/** The worker's side: a slot per call from its task's end until its result has left the thread. */
export class TaskSlots {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  /** Each slot's text part, made once: a view per write was a hot allocation. */
  private readonly texts: Uint8Array[] = [];
  private readonly freeSlots: number[] = [];
  private readonly encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer);
    this.floats = new Float64Array(buffer);
    for (let start = 0; start < buffer.byteLength; start += slotBytes) this.texts.push(new Uint8Array(buffer, start + headerBytes, slotBytes - headerBytes));
    for (let index = this.texts.length - 1; index >= 0; index--) this.freeSlots.push(index);
  }

  /** Slots free now. */
  get free(): number {
    return this.freeSlots.length;
  }

  /** Writes the call's task part; returns its slot, or -1 when none is free or it does not fit (send it another way). */
  write(seq: number, task: TaskPart): number {
    const index = this.freeSlots.pop();
    if (index === undefined) return -1;
    const start = index * slotBytes;
    // Most parts are an output and two stamps: the output alone as JSON is 4 times quicker to write.
    const lean = task.attempts === undefined && task.cached === undefined;
    const text = lean ? task.startedAt + JSON.stringify(task.output) : JSON.stringify(task);
    const { read, written } = this.encoder.encodeInto(text, this.texts[index]!);
    if (read < text.length) {
      this.freeSlots.push(index);
      return -1;
    }
    const ints = start / 4;
    this.ints[ints + 1] = written;
    this.ints[ints + 2] = lean ? task.startedAt.length : wholePart;
    this.ints[ints + 3] = 0;
    this.floats[start / 8 + 2] = task.durationMs;
    // Written last: a slot is the call's only once all of it is there.
    Atomics.store(this.ints, ints, seq);
    return index;
  }

  /**
   * Writes a call's whole result (`text`, its JSON), in the slot its task part is in (`index`) or a
   * free one; returns the slot, or -1 when it does not fit (the task part stays as it was). For a
   * call ended while other calls still run before its result leaves the thread: one of them may
   * block it for good.
   */
  writeResult(seq: number, text: string, index: number): number {
    const room = slotBytes - headerBytes;
    // A UTF-16 unit is at most 3 bytes of UTF-8: measured only when it might not fit.
    if (text.length > room || (text.length * 3 > room && this.encoder.encode(text).length > room)) return -1;
    const slot = index >= 0 ? index : this.freeSlots.pop();
    if (slot === undefined) return -1;
    const ints = (slot * slotBytes) / 4;
    Atomics.store(this.ints, ints, 0);
    const { written } = this.encoder.encodeInto(text, this.texts[slot]!);
    this.ints[ints + 1] = written;
    this.ints[ints + 2] = wholeResult;
    this.ints[ints + 3] = 0;
    Atomics.store(this.ints, ints, seq);
    return slot;
  }

  /**
   * Adds an evaluation that answered (`json`, its JSON) to the call's slot (`index`), or to a free
   * one when its task part went as a message (-1); returns the slot, or -1 when it does not fit
   * (that evaluation is then kept only once the call ends).
   */
  addEvaluation(seq: number, json: string, index: number): number {
    const slot = index >= 0 ? index : this.freeSlots.pop();
    if (slot === undefined) return -1;
    const ints = (slot * slotBytes) / 4;
    if (index < 0) {
      this.ints[ints + 1] = 0;
      this.ints[ints + 2] = noPart;
      this.ints[ints + 3] = 0;
      Atomics.store(this.ints, ints, seq);
    }
    const from = this.ints[ints + 1]! + this.ints[ints + 3]!;
    const text = `${json},`;
    const { read, written } = this.encoder.encodeInto(text, this.texts[slot]!.subarray(from));
    if (read < text.length) {
      if (index < 0) this.release(slot);
      return -1;
    }
    // Counted last: a stopped thread's half-written evaluation is not read.
    Atomics.add(this.ints, ints + 3, written);
    return slot;
  }

  /** The call's result has left the thread: its slot may be used again. */
  release(index: number): void {
    Atomics.store(this.ints, (index * slotBytes) / 4, 0);
    this.freeSlots.push(index);
  }
}

/** What a stopped worker's slots kept of a call that had not ended: its task's part (null when that went as a message), and the evaluations that had answered. */
export interface CallInSlot {
  task: TaskPart | null;
  evaluations: Evaluation[];
}

/**
 * The main thread's side, once the worker is stopped: what the slots hold of these calls, and the
 * whole results of those that had ended (their results had not left the thread).
 */
export function readTaskSlots(buffer: SharedArrayBuffer, seqs: ReadonlySet<number>): Map<number, CallInSlot | { whole: ExampleResult }> {
  const ints = new Int32Array(buffer);
  const floats = new Float64Array(buffer);
  const found = new Map<number, CallInSlot | { whole: ExampleResult }>();
  for (let start = 0; start < buffer.byteLength; start += slotBytes) {
    const seq = Atomics.load(ints, start / 4);
    if (!seqs.has(seq)) continue;
    const [length, prefix, evaluationsLength] = [ints[start / 4 + 1]!, ints[start / 4 + 2]!, ints[start / 4 + 3]!];
    // Copied out first: TextDecoder does not read shared memory.
    const bytes = new Uint8Array(buffer, start + headerBytes, length + evaluationsLength).slice();
    const text = new TextDecoder().decode(bytes.subarray(0, length));
    try {
      if (prefix === wholeResult) found.set(seq, { whole: JSON.parse(text) as ExampleResult });
      else {
        const evaluations = new TextDecoder().decode(bytes.subarray(length, -1));
        found.set(seq, { task: taskPart(text, prefix, floats[start / 8 + 2]!), evaluations: JSON.parse(`[${evaluations}]`) as Evaluation[] });
      }
    } catch {
      // Not whole (a worker stopped while writing it): that call is stopped without its output.
    }
  }
  return found;
}

function taskPart(text: string, prefix: number, durationMs: number): TaskPart | null {
  if (prefix === noPart) return null;
  if (prefix !== wholePart) return { output: JSON.parse(text.slice(prefix)), startedAt: text.slice(0, prefix), durationMs };
  const { output, startedAt, attempts, cached } = JSON.parse(text) as TaskPart;
  return { output, startedAt, durationMs, ...(attempts ? { attempts } : {}), ...(cached ? { cached } : {}) };
}
