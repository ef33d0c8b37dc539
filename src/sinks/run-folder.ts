import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { readLines } from "../read-lines.js";
import { shownPath } from "../shown-path.js";
import type { ExampleResult } from "../types.js";
import type { ExperimentHeader } from "./sink.js";

/** run.json as the run store writes it: the header, the status, and the summary once finished. */
export interface RunFile extends ExperimentHeader {
  status: string;
  links?: { phoenix?: { experimentId?: string; url?: string; datasetId?: string } } & Record<string, unknown>;
  endedAt?: string;
  summary?: Record<string, unknown>;
}

/** A recorded run's folder and run.json, without its results. */
export interface RunHead {
  dir: string;
  run: RunFile;
  /** Lines of results.jsonl that could not be read: a last line torn by a crash, never a finished result. */
  skippedLines: number[];
}

/** A recorded run, read back whole. */
export interface RunFolder extends RunHead {
  /** One result per (example, repetition): a later line for the same pair wins. */
  results: ExampleResult[];
}

/**
 * Finds a run folder from what the user typed: a path to a folder holding run.json, else the name of
 * a run in the runs folder.
 */
export function findRunFolder(given: string, runsDir: string, cwd = process.cwd()): string {
  const candidates = isAbsolute(given) || given.includes("/") || given.includes("\\") ? [resolve(cwd, given)] : [join(runsDir, given), resolve(cwd, given)];
  const found = candidates.find((dir) => existsSync(join(dir, "run.json")) && statSync(dir).isDirectory());
  if (found) return found;
  throw new UsageError(`no run "${given}": give a run folder holding run.json, or the name of a run in ${shownPath(runsDir)}`);
}

export function readRunFile(dir: string): RunFile {
  const shown = join(shownPath(dir), "run.json");
  let run: RunFile;
  try {
    run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunFile;
  } catch (error) {
    throw new UsageError(`${shown}: cannot read it (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof run?.name !== "string" || typeof run.experiment !== "string" || typeof run.dataset?.name !== "string") {
    throw new UsageError(`${shown}: not a run evalwire recorded (no name, experiment or dataset)`);
  }
  return run;
}

/**
 * Calls `fn` with each result of results.jsonl, in order, reading a few MB at a time: a run of a
 * million results is never held whole. Returns the numbers of the lines that could not be read.
 */
export function scanResults(dir: string, fn: (result: ExampleResult) => void): number[] {
  const file = join(dir, "results.jsonl");
  if (!existsSync(file)) return [];
  const skipped: number[] = [];
  for (const line of readLines(file)) {
    if (line.text.trim() === "") continue;
    const result = parseResult(line.text);
    if (result) fn(result);
    else skipped.push(line.number);
  }
  return skipped;
}

/** One line of results.jsonl, or null when it is not a result (a line torn by a crash). */
export function parseResult(text: string): ExampleResult | null {
  try {
    const result = JSON.parse(text) as ExampleResult;
    return typeof result?.exampleId === "string" && typeof result.repetition === "number" ? result : null;
  } catch {
    return null;
  }
}

export function readRunFolder(dir: string): RunFolder {
  const run = readRunFile(dir);
  const byKey = new Map<string, ExampleResult>();
  const skippedLines = scanResults(dir, (result) => {
    const key = resultKey(result.exampleId, result.repetition);
    byKey.delete(key);
    byKey.set(key, result);
  });
  return { dir, run, results: [...byKey.values()], skippedLines };
}

export function resultKey(exampleId: string, repetition: number): string {
  return `${exampleId}\u0000${repetition}`;
}

/** Rewrites run.json with `change` applied, atomically (a reader sees the old file or the new one). */
export function updateRunFile(dir: string, change: (run: RunFile) => RunFile): RunFile {
  const file = join(dir, "run.json");
  const next = change(JSON.parse(readFileSync(file, "utf8")) as RunFile);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(temporary, file);
  return next;
}
