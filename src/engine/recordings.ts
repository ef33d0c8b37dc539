import type { Examples } from "../datasets/dataset.js";
import { firstLine } from "../errors.js";
import type { ExperimentJudge } from "../judge/experiment-judge.js";
import type { WorkedTime } from "../resume/worked-time.js";
import type { ExperimentHeader, ExperimentRecording, Sink } from "../sinks/sink.js";
import type { ExampleResult, ExperimentResult } from "../types.js";
import type { Prior } from "./long-run.js";
import type { ExperimentContext } from "./run-experiment.js";
import type { Tally } from "./tally.js";
import { type ExperimentFacts, type Problem, verdict } from "./verdict.js";

// How one experiment's results reach its recordings (the run store, Phoenix): each result, the
// results a --retry-errors run carries, and the end, whatever happened.

/**
 * The run store first, added before anything waits: a checkpoint writes what was added before it
 * counts, so what the engine has counted is what results.jsonl holds; remote sinks after. Returns
 * a promise only when a remote sink has to be waited for.
 */
export function record(recordings: ExperimentRecording[], done: ExampleResult, unrecorded: Problem): Promise<void> | undefined {
  let remote = false;
  for (const recording of recordings) {
    if (recording.kind !== "store") {
      remote = true;
      continue;
    }
    try {
      // The run store's returns at once; notRecorded tells what it could not write.
      const pending = recording.record(done);
      if (pending) pending.then(undefined, (error) => note(unrecorded, firstLine(error)));
    } catch (error) {
      note(unrecorded, firstLine(error));
    }
  }
  return remote ? recordRemote(recordings, done, unrecorded) : undefined;
}

async function recordRemote(recordings: ExperimentRecording[], done: ExampleResult, unrecorded: Problem): Promise<void> {
  for (const recording of recordings) {
    if (recording.kind === "store") continue;
    try {
      await recording.record(done);
    } catch (error) {
      note(unrecorded, firstLine(error));
    }
  }
}

/** Counts what the recordings took but could not write (the run store writes after `record` returned). */
export function countNotRecorded(recordings: ExperimentRecording[], unrecorded: Problem): void {
  for (const recording of recordings) {
    const lost = recording.notRecorded?.();
    if (!lost) continue;
    if (unrecorded.count === 0) unrecorded.first = firstLine(lost.error);
    unrecorded.count += lost.count;
  }
}

/** Every recording opened is finished, whatever happened: run.json never stays "running". */
export async function finishRecordings(
  recordings: ExperimentRecording[],
  { result, facts, context, worked }: { result: ExperimentResult; facts: ExperimentFacts; context: Pick<ExperimentContext, "listener" | "stop">; worked: WorkedTime },
): Promise<void> {
  countNotRecorded(recordings, facts.unrecorded);
  for (const recording of recordings) {
    try {
      const drained = (await recording.drain?.({ name: result.name, runPath: result.runPath, interrupted: context.stop.aborted })) ?? { problem: null, warnings: [] };
      for (const warning of drained.warnings) context.listener.onWarning(`${result.experiment}: ${warning}`);
      // An interrupted experiment's status hides the problem (results the run store has and Phoenix lacks): say it.
      if (drained.problem && context.stop.aborted && facts.completed < facts.planned) context.listener.onWarning(`${result.experiment}: ${drained.problem}`);
      facts.drainProblem ??= drained.problem;
    } catch (error) {
      facts.drainProblem ??= firstLine(error);
    }
  }
  facts.interrupted = context.stop.aborted;
  Object.assign(result, verdict(facts), { durationMs: worked.ms() });
  for (const recording of recordings) {
    try {
      await recording.finish(result);
    } catch (error) {
      facts.failure ??= `cannot record the summary: ${firstLine(error)}`;
    }
  }
}

export function note(problem: Problem, message: string): void {
  if (problem.count++ === 0) problem.first = message;
}

/**
 * Opens each sink's recording, in order, so that a later one can link to an earlier one (run.json
 * to the Phoenix experiment); a resumed run goes on in the same run folder and the same Phoenix
 * experiment. What was opened before a failure is in `opened`, to be finished.
 */
export async function openRecordings(sinks: Sink[], prior: Prior | null, header: ExperimentHeader, opened: ExperimentRecording[]): Promise<void> {
  let links: Record<string, unknown> = {};
  for (const sink of sinks) {
    const recording = prior?.kind === "resume" ? await reopen(sink, prior, header) : await sink.open({ ...header, ...(Object.keys(links).length > 0 ? { links } : {}) });
    opened.push(recording);
    if (recording.link) links = { ...links, ...recording.link };
  }
}

async function reopen(sink: Sink, prior: Prior, header: ExperimentHeader): Promise<ExperimentRecording> {
  if (!sink.reopen) throw new Error(`this backend cannot resume run ${prior.folder.run.name}`);
  return sink.reopen(prior.folder, header);
}

/** The successful results --retry-errors carries: counted, and recorded in the new run. */
export async function carry(
  prior: Prior | null,
  examples: Examples,
  repetitions: number,
  to: { tally: Tally; judge: ExperimentJudge; recordings: ExperimentRecording[]; unrecorded: Problem },
): Promise<void> {
  if (prior?.kind !== "retry-errors") return;
  const ids = new Set<string>();
  for (const example of examples) ids.add(example.id);
  for (const result of prior.carried) {
    if (!ids.has(result.exampleId) || result.repetition > repetitions) continue;
    to.tally.add(result);
    to.judge.add(result);
    const recorded = record(to.recordings, result, to.unrecorded);
    if (recorded) await recorded;
  }
}
