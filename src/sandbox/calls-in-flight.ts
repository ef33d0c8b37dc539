import { LineExample } from "../datasets/line-example.js";
import type { Job } from "../engine/ports.js";
import { resultOfJson } from "../result-json.js";
import type { Evaluation, ExampleResult } from "../types.js";
import { type Call, lineChanged, type WorkerAnswer, type WorkerJob } from "./protocol.js";

/** A call asked of the worker and not yet answered. */
export interface Pending {
  job: Call;
  /** performance.now() when it went to the worker; 0 while it waits to be sent. */
  sentAt: number;
  /** The task's part of the result, when it came as a message (too big for a task slot) and the evaluators still run. */
  task?: ExampleResult;
  resolve: (result: ExampleResult | null) => void;
  reject: (error: Error) => void;
}

/**
 * The calls a sandbox asked of its worker and that are not yet answered, in the order asked (seq
 * order): those still to be sent, and how each answer from the worker settles its call.
 */
export class CallsInFlight {
  private readonly pending = new Map<number, Pending>();
  private unsent: Pending[] = [];
  private seq = 0;

  /** `onLineChanged`: a call's JSONL line no longer parses (the dataset changed during the run), after that call failed. */
  constructor(private readonly onLineChanged: () => void) {}

  /** How many calls were ever asked. */
  get asked(): number {
    return this.seq;
  }

  /** How many wait to be sent. */
  get unsentCount(): number {
    return this.unsent.length;
  }

  /** Some call went to the worker and is not answered. */
  get waiting(): boolean {
    return this.pending.size > this.unsent.length;
  }

  get(seq: number): Pending | undefined {
    return this.pending.get(seq);
  }

  /** A new call, to be sent; answered through the promise. */
  ask(job: Job): Promise<ExampleResult | null> {
    const call: Call = { seq: ++this.seq, example: job.example, repetition: job.repetition };
    if (job.retries) call.retries = job.retries;
    if (job.cached) call.cached = job.cached;
    return new Promise((resolve, reject) => {
      const entry: Pending = { job: call, sentAt: 0, resolve, reject };
      this.pending.set(call.seq, entry);
      this.unsent.push(entry);
    });
  }

  /** The calls still to be sent, as the worker is sent them, marked sent now. */
  takeUnsent(): WorkerJob[] {
    const entries = this.unsent;
    this.unsent = [];
    const now = performance.now();
    for (const entry of entries) entry.sentAt = now;
    return entries.map((entry) => sent(entry.job));
  }

  /** The calls not yet sent are answered null (not run). */
  dropUnsent(): void {
    for (const entry of this.unsent) this.answer(entry.job.seq, null);
    this.unsent = [];
  }

  /** A call's task part, sent ahead of its evaluations (too big for a task slot). */
  taskDone(seq: number, task: string | ExampleResult): void {
    const entry = this.pending.get(seq);
    if (entry) entry.task = typeof task === "string" ? (JSON.parse(task) as ExampleResult) : task;
  }

  answer(seq: number, result: WorkerAnswer): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    this.pending.delete(seq);
    // The dataset file changed during the run: the run stops, as when the main thread reads such a line.
    if (result === lineChanged) {
      entry.reject(entry.job.example instanceof LineExample ? entry.job.example.changed() : new Error("the dataset changed during the run"));
      this.onLineChanged();
      return;
    }
    if (typeof result === "string" && !entry.task) entry.resolve(resultOfJson(result));
    else if (typeof result === "string" || Array.isArray(result)) {
      // The evaluations of a call whose task part came ahead.
      entry.task!.evaluations = typeof result === "string" ? (JSON.parse(result) as Evaluation[]) : result;
      entry.resolve(entry.task!);
    } else entry.resolve(result);
  }

  /** Answers every call left with what `answerOf` makes of it. */
  answerAll(answerOf: (job: Call) => ExampleResult | null): void {
    for (const [seq, entry] of this.pending) {
      this.pending.delete(seq);
      entry.resolve(answerOf(entry.job));
    }
    this.unsent = [];
  }

  /** Answers the calls found in `results` (by seq). */
  answerFound(results: Map<number, ExampleResult>): void {
    for (const [seq, result] of results) {
      const entry = this.pending.get(seq);
      if (!entry) continue;
      this.pending.delete(seq);
      entry.resolve(result);
    }
  }

  /** The seqs of the calls not answered. */
  seqs(): Set<number> {
    return new Set(this.pending.keys());
  }

  /**
   * The worker was stopped: the calls it had started (up to `started`) are taken out, to be
   * answered by the caller, `first` before the others; those it had been sent and not started are
   * to be sent again, first.
   */
  takeStopped(started: number, first: number | undefined): Pending[] {
    const stopped: Pending[] = [];
    const again: Pending[] = [];
    for (const [seq, entry] of this.pending) {
      if (entry.sentAt === 0) continue;
      if (seq > started) {
        entry.sentAt = 0;
        again.push(entry);
        continue;
      }
      this.pending.delete(seq);
      if (seq === first) stopped.unshift(entry);
      else stopped.push(entry);
    }
    this.unsent = [...again, ...this.unsent];
    return stopped;
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
