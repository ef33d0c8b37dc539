import type { ExperimentJudge } from "../judge/experiment-judge.js";
import type { WorkedTime } from "../resume/worked-time.js";
import type { ExperimentRecording } from "../sinks/sink.js";
import type { Tally } from "./tally.js";

/** What a run folder's checkpoint holds: the engine's totals over the results recorded so far. */
export interface CheckpointState {
  tally: ReturnType<Tally["snapshot"]>;
  judge: ReturnType<ExperimentJudge["snapshot"]>;
  /** The time spent on the run so far (see WorkedTime): a resume after a kill counts it. */
  workedMs?: number;
}

const everyMs = 2000;
/** A snapshot grows with the examples when repetitions keep bits per example: its writing takes at most this share of the run. */
const shareOfTime = 0.05;

/**
 * Snapshots an experiment's tally and judge into its run store now and then (and once more when the
 * run is interrupted), so `--resume` takes the counts from there and parses only the results
 * recorded after it. Called between results, never while one is half counted and half recorded.
 */
export class Checkpoints {
  private nextAt = performance.now() + everyMs;

  constructor(
    private readonly recordings: ExperimentRecording[],
    private readonly tally: Tally,
    private readonly judge: ExperimentJudge,
    private readonly worked: WorkedTime,
  ) {}

  /** After a result is recorded. */
  maybe(): void {
    const now = performance.now();
    if (now < this.nextAt) return;
    this.write();
    const tookMs = performance.now() - now;
    this.nextAt = performance.now() + Math.max(everyMs, tookMs / shareOfTime);
  }

  write(): void {
    const state: CheckpointState = { tally: this.tally.snapshot(), judge: this.judge.snapshot(), workedMs: this.worked.ms() };
    for (const recording of this.recordings) recording.checkpoint?.(state);
  }
}
