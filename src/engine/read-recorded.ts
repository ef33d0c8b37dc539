import { join } from "node:path";
import type { ExperimentJudge } from "../judge/experiment-judge.js";
import { readLines } from "../read-lines.js";
import { callAtStart } from "../resume/result-head.js";
import { type Checkpoint, readCheckpoint } from "../sinks/checkpoint-file.js";
import { parseResult, scanResults } from "../sinks/run-folder.js";
import type { ExampleResult } from "../types.js";
import type { CheckpointState } from "./checkpoints.js";
import { DoneCalls } from "./done-calls.js";
import type { Prior } from "./long-run.js";
import type { Tally } from "./tally.js";

/**
 * A resumed run's recorded results, counted into `tally` and `judge` as if the run had never
 * stopped, and each call kept in `prior.done`. From the run's checkpoint when it has one that fits:
 * the results it covers give only their example id and repetition, and only those recorded after it
 * are parsed. Returns the note to show.
 */
export function readRecorded(prior: Prior, into: { tally: Tally; judge: ExperimentJudge }): string {
  const { folder } = prior;
  const checkpoint = readCheckpoint(folder.dir);
  if (!checkpoint || !fromCheckpoint(prior, checkpoint, into)) {
    prior.done = new DoneCalls();
    folder.skippedLines = scanResults(folder.dir, (result) => keep(prior.done, result, into));
  }
  const { done } = prior;
  const torn = folder.skippedLines.length > 0 ? ` (an unreadable line ${folder.skippedLines.join(", ")} dropped)` : "";
  return `resuming ${folder.run.name}: ${done.size} task call${done.size === 1 ? "" : "s"} already recorded${torn}`;
}

function keep(done: DoneCalls, result: ExampleResult, into: { tally: Tally; judge: ExperimentJudge }): void {
  if (!done.add(result.exampleId, result.repetition)) return;
  into.tally.add(result);
  into.judge.add(result);
}

/**
 * False, with `tally` and `judge` untouched, when the checkpoint does not fit the results (fewer
 * bytes than it covers, a line it covers unreadable, another count of calls) or the judging.
 */
function fromCheckpoint(prior: Prior, checkpoint: Checkpoint, into: { tally: Tally; judge: ExperimentJudge }): boolean {
  const state = checkpoint.state as CheckpointState;
  if (!isState(state)) return false;
  const { done, folder } = prior;
  let fits = true;
  let restored = false;
  let covered = 0;
  const restore = () => {
    restored = true;
    fits = covered === checkpoint.resultsBytes && done.size === state.tally.completed && into.judge.restore(state.judge, (id, repetition) => done.has(id, repetition));
    if (fits) into.tally.restore(state.tally);
  };
  const skipped: number[] = [];
  const lines = readLines(join(folder.dir, "results.jsonl"), undefined, (bytes, start, end, offset) => {
    if (offset >= checkpoint.resultsBytes || !fits) return false;
    covered = offset + end - start + 1;
    // A line evalwire wrote ends its object; one damaged since is parsed, and then does not fit.
    const call = bytes[end - 1] === 0x7d ? callAtStart(bytes, start, end) : null;
    if (call) done.add(call.exampleId, call.repetition);
    else {
      const text = bytes.toString("utf8", start, end);
      const result = text.trim() === "" ? "blank" : parseResult(text);
      if (result === null) fits = false;
      else if (result !== "blank") done.add(result.exampleId, result.repetition);
    }
    return true;
  });
  try {
    for (const line of lines) {
      if (!restored) restore();
      if (!fits) return false;
      if (line.text.trim() === "") continue;
      const result = parseResult(line.text);
      if (result) keep(done, result, into);
      else skipped.push(line.number);
    }
    if (!restored) restore();
  } catch (error) {
    // No results.jsonl, or it cannot be read: as without a checkpoint, unless counts were taken.
    if (restored && fits) throw error;
    return false;
  }
  folder.skippedLines = skipped;
  return fits;
}

/** Every part of the state as the engine writes it, so that restoring it cannot fail half way. */
function isState(state: CheckpointState): boolean {
  const { tally, judge } = state ?? {};
  const count = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
  const sum = (value: unknown) => typeof value === "number" && Number.isFinite(value);
  const strings = (value: unknown) => Array.isArray(value) && value.every((each) => typeof each === "string");
  const tuple = (value: unknown, ...checks: ((part: unknown) => boolean)[]) => Array.isArray(value) && value.length === checks.length && checks.every((check, index) => check(value[index]));
  if (!tally || !judge?.scorecard || typeof judge.judgedBy !== "string") return false;
  if (![tally.completed, tally.taskErrors, tally.evaluatorErrors].every(count)) return false;
  if (!Array.isArray(tally.sums) || !tally.sums.every((entry) => tuple(entry, (name) => typeof name === "string", sum, count, count))) return false;
  const { scorecard, baseline } = judge;
  if (!count(scorecard.calls) || !count(scorecard.errors) || !Array.isArray(scorecard.counts)) return false;
  if (!scorecard.counts.every((entry) => tuple(entry, sum, count, count, count, count))) return false;
  if ((scorecard.examples === undefined) !== (scorecard.bits === undefined)) return false;
  if (scorecard.examples !== undefined && (!strings(scorecard.examples) || new Set(scorecard.examples).size !== scorecard.examples.length || typeof scorecard.bits !== "string")) return false;
  if (baseline === undefined) return true;
  return (
    typeof baseline.baseline === "string" &&
    [baseline.counts?.regressed, baseline.counts?.fixed, baseline.counts?.new].every(count) &&
    strings(baseline.regressedIds) &&
    strings(baseline.fixedIds)
  );
}
