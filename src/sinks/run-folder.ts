import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { ExampleResult } from "../types.js";
import type { ExperimentHeader } from "./sink.js";

/** run.json as the run store writes it: the header, the status, and the summary once finished. */
export interface RunFile extends ExperimentHeader {
  status: string;
  links?: Record<string, any>;
  endedAt?: string;
  summary?: Record<string, unknown>;
}

/** A recorded run, read back. */
export interface RunFolder {
  dir: string;
  run: RunFile;
  /** One result per (example, repetition): a later line for the same pair wins. */
  results: ExampleResult[];
  /** Lines that could not be read: a last line torn by a crash, never a finished result. */
  skippedLines: number[];
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

export function readRunFolder(dir: string): RunFolder {
  const shown = shownPath(dir);
  let run: RunFile;
  try {
    run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunFile;
  } catch (error) {
    throw new UsageError(`${join(shown, "run.json")}: cannot read it (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof run?.name !== "string" || typeof run.experiment !== "string" || typeof run.dataset?.name !== "string") {
    throw new UsageError(`${join(shown, "run.json")}: not a run evalwire recorded (no name, experiment or dataset)`);
  }
  const file = join(dir, "results.jsonl");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const byKey = new Map<string, ExampleResult>();
  const skippedLines: number[] = [];
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      const result = JSON.parse(line) as ExampleResult;
      if (typeof result.exampleId !== "string" || typeof result.repetition !== "number") throw new Error("not a result");
      byKey.delete(resultKey(result.exampleId, result.repetition));
      byKey.set(resultKey(result.exampleId, result.repetition), result);
    } catch {
      skippedLines.push(index + 1);
    }
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
