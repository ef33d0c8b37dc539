import { statSync } from "node:fs";
import { join } from "node:path";
import { readCheckpoint } from "../sinks/checkpoint-file.js";
import type { RunHead } from "../sinks/run-folder.js";

/**
 * The time spent on a run: this process's, plus, for a resumed run, that of the processes that
 * worked on it before (not the pauses between them). Its duration in run.json, the summary and the
 * reports is this.
 */
export class WorkedTime {
  private readonly start = performance.now();
  private before = 0;

  /** A resumed run: the time earlier processes spent on it (see workedBefore). */
  resumedAfter(ms: number): void {
    this.before = ms;
  }

  ms(): number {
    return this.before + performance.now() - this.start;
  }
}

/**
 * The time the processes that worked on a run before spent on it: the duration its last process
 * recorded when it ended (Ctrl-C, or a finished run counted as it is), which counts the ones
 * before it too; else (that process was killed) what its last checkpoint counted, and from then
 * (or from that process's start, when the checkpoint is an earlier process's) to the last result
 * it wrote. What a killed process did after its last result is not counted.
 */
export function workedBefore({ dir, run }: RunHead): number {
  const recorded = (run.summary as { durationMs?: unknown } | undefined)?.durationMs;
  if (isDuration(recorded)) return recorded;
  const resumedAt = (run as { resumedAt?: unknown }).resumedAt;
  const lastStart = Date.parse(Array.isArray(resumedAt) && typeof resumedAt.at(-1) === "string" ? resumedAt.at(-1) : run.startedAt);
  const lastWrite = modifiedAt(join(dir, "results.jsonl"));
  const counted = (readCheckpoint(dir)?.state as { workedMs?: unknown } | undefined)?.workedMs;
  const checkpointAt = modifiedAt(join(dir, "checkpoint.json"));
  if (isDuration(counted) && checkpointAt >= lastStart) return counted + Math.max(0, lastWrite - checkpointAt);
  return (isDuration(counted) ? counted : 0) + (Number.isFinite(lastStart) ? Math.max(0, lastWrite - lastStart) : 0);
}

function isDuration(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** A file's last change, in ms since the epoch; 0 when it cannot be read. */
function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
