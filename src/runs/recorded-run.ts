import type { GateResult } from "../judge/gate.js";
import type { Evaluation, ExampleResult } from "../types.js";

/** One task call of a recorded run, as a local run store or Phoenix gives it back. */
export type RecordedResult = Pick<ExampleResult, "exampleId" | "repetition" | "output" | "error"> & {
  evaluations: Pick<Evaluation, "name" | "score" | "label" | "explanation" | "error">[];
};

/** A run recorded earlier: a local run folder or a Phoenix experiment, read the same way. */
export interface RecordedRun {
  /** What the user named it by: a run name, a folder, or a Phoenix experiment id. */
  ref: string;
  /** The run's name (`eval_search_2026-…`). */
  name: string;
  /** The experiment folder it ran, when known. */
  experiment: string | null;
  /** A folder path or a Phoenix URL. */
  location: string;
  /** Evaluator names, in the order the run knew them. */
  evaluators: string[];
  /** The gates the run was judged by, when it recorded them (local runs). */
  gates: GateResult[];
  /** The `pass` bar of each evaluator, when recorded (default 1). */
  passBars: Record<string, number>;
  /** A local run of one shard (`run --shard 2/4`): its shard, and its run id when it had one. */
  shard?: { shard: string; runId: string | null };
  /** A local run still running, or interrupted or killed before its end: its status and planned calls. */
  unfinished?: { status: string; planned: number };
  /** Read one result at a time: a run can be larger than memory. */
  results(): AsyncIterable<RecordedResult>;
}
