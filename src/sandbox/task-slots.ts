import type { ExampleResult } from "../types.js";

/** Bytes of one slot: its header (the call's seq and the length of its JSON), then the JSON. */
const slotBytes = 16 * 1024;
const headerBytes = 8;
/** More calls at once than this share the slower way (a message each). */
const maxSlots = 256;

/**
 * The task's part of each call's result (its output, status ok, no evaluations yet), written by
 * the worker into memory shared with the main thread before the call's evaluators run. The main
 * thread reads it only when it stops a worker that an evaluator blocked: the output is not lost
 * with the thread, and no message is spent on it otherwise.
 */
export function taskSlotsBuffer(concurrency: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.min(Math.max(concurrency, 1), maxSlots) * slotBytes);
}

/** The worker's side: a slot per call between its task's end and its result's leaving the thread. */
export class TaskSlots {
  private readonly headers: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly free: number[] = [];
  private readonly encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.headers = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    for (let index = buffer.byteLength / slotBytes - 1; index >= 0; index--) this.free.push(index);
  }

  /** Writes the call's task part; returns its slot, or -1 when none is free or it does not fit (send it another way). */
  write(seq: number, task: ExampleResult): number {
    const index = this.free.pop();
    if (index === undefined) return -1;
    const start = index * slotBytes;
    const json = JSON.stringify(task);
    const { read, written } = this.encoder.encodeInto(json, this.bytes.subarray(start + headerBytes, start + slotBytes));
    if (read < json.length) {
      this.free.push(index);
      return -1;
    }
    const header = start / 4;
    this.headers[header + 1] = written;
    // Written last: a slot is the call's only once all of it is there.
    Atomics.store(this.headers, header, seq);
    return index;
  }

  /** The call's result has left the thread: its slot may be used again. */
  release(index: number): void {
    Atomics.store(this.headers, (index * slotBytes) / 4, 0);
    this.free.push(index);
  }
}

/** The main thread's side, once the worker is stopped: the task parts of these calls that are in `buffer`. */
export function readTaskSlots(buffer: SharedArrayBuffer, seqs: ReadonlySet<number>): Map<number, ExampleResult> {
  const headers = new Int32Array(buffer);
  const found = new Map<number, ExampleResult>();
  for (let start = 0; start < buffer.byteLength; start += slotBytes) {
    const seq = Atomics.load(headers, start / 4);
    if (!seqs.has(seq)) continue;
    const length = headers[start / 4 + 1]!;
    try {
      // Copied out first: TextDecoder does not read shared memory.
      found.set(seq, JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, start + headerBytes, length).slice())));
    } catch {
      // Not whole (a worker stopped while writing it): that call is stopped without its output.
    }
  }
  return found;
}
