import { createReadStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { firstLine, UsageError } from "../errors.js";
import type { GateResult } from "../judge/gate.js";
import { shownPath } from "../shown-path.js";
import type { RecordedResult, RecordedRun } from "./recorded-run.js";

/** What run.json holds (see RunStore): the header, then status and summary once finished. */
export interface RunFile {
  name: string;
  experiment: string;
  status: string;
  startedAt: string;
  endedAt?: string;
  evaluators: string[];
  planned: number;
  /** Set on a shard's run (`--shard i/n`): a part of a run, never a baseline by itself. */
  shard?: string;
  /** The run id a shard ran with (`--run-id`, or the CI's). */
  runId?: string | null;
  dataset?: { name?: string };
  /** Set when the run took some examples only (`--limit`, `--sample`, `--example`): `partial` then. */
  selection?: { partial?: boolean };
  links?: { phoenix?: { experimentId?: string; url?: string } };
  summary?: { planned: number; completed: number; dryRun?: boolean; status: string; judgement?: { gates?: GateResult[]; passBars?: Record<string, number> } };
}

/** A run folder's run.json, or a message saying why it cannot be read. */
export function readRunFile(dir: string): RunFile | string {
  const file = join(dir, "run.json");
  if (!existsSync(file)) return `${shownPath(dir)} is not an evalwire run folder (no run.json)`;
  try {
    const run = JSON.parse(readFileSync(file, "utf8")) as RunFile;
    if (typeof run.name !== "string" || !Array.isArray(run.evaluators)) return `${shownPath(file)}: not an evalwire run.json`;
    return run;
  } catch (error) {
    // JSON.parse quotes the text it choked on, newlines and all: the message stays one line.
    return `${shownPath(file)}: cannot read it (${error instanceof SyntaxError ? "not valid JSON" : firstLine(error)})`;
  }
}

/** A local run folder as a RecordedRun; its results stream from results.jsonl. */
export function localRun(dir: string, ref: string, run: RunFile): RecordedRun {
  return {
    ref,
    name: run.name,
    experiment: run.experiment ?? null,
    location: dir,
    evaluators: run.evaluators,
    gates: run.summary?.judgement?.gates ?? [],
    passBars: run.summary?.judgement?.passBars ?? {},
    ...(run.shard ? { shard: { shard: run.shard, runId: run.runId ?? null } } : {}),
    ...(run.status === "running" || run.status === "interrupted" ? { unfinished: { status: run.status, planned: run.planned } } : {}),
    results: () => readResults(join(dir, "results.jsonl")),
  };
}

async function* readResults(file: string): AsyncIterable<RecordedResult> {
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let number = 0;
  // A crash can cut the last line short: a bad line is an error only when another line follows it.
  let bad: number | null = null;
  for await (const line of lines) {
    number++;
    if (line.trim() === "") continue;
    if (bad !== null) throw new UsageError(`${shownPath(file)}:${bad}: not a JSON line (only a last line cut short by a crash is skipped)`);
    try {
      yield JSON.parse(line) as RecordedResult;
    } catch {
      bad = number;
    }
  }
}

/**
 * Finished: a summary was written. Complete: every planned task call finished, it was not
 * interrupted, it is no shard, and it ran every example (not `--limit`, `--sample`, `--example`).
 */
export function isFinishedAndComplete(run: RunFile): boolean {
  const summary = run.summary;
  return (
    summary !== undefined &&
    run.shard === undefined &&
    run.status !== "running" &&
    run.status !== "interrupted" &&
    run.selection?.partial !== true &&
    summary.completed === summary.planned &&
    summary.dryRun !== true
  );
}

/** The newest finished, complete run of an experiment in the runs folder, other than `exclude`. */
export function latestRun(runsDir: string, experiment: string, exclude: string | null): { dir: string; run: RunFile } | null {
  if (!existsSync(runsDir)) return null;
  let best: { dir: string; run: RunFile } | null = null;
  for (const entry of readdirSync(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === exclude) continue;
    const dir = join(runsDir, entry.name);
    const run = readRunFile(dir);
    if (typeof run === "string" || run.experiment !== experiment || !isFinishedAndComplete(run)) continue;
    if (!best || run.startedAt > best.run.startedAt || (run.startedAt === best.run.startedAt && entry.name > best.run.name)) best = { dir, run };
  }
  return best;
}
