import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeAtomically } from "../write-atomically.js";

/**
 * checkpoint.json in a run folder: what the engine had counted when results.jsonl held its first
 * `resultsBytes` bytes. `--resume` takes those counts instead of parsing every line again, and
 * reads only each earlier line's example id and repetition.
 */
export interface Checkpoint {
  resultsBytes: number;
  /** The engine's totals, as it snapshot them. */
  state: unknown;
}

const file = (dir: string) => join(dir, "checkpoint.json");

export function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  writeAtomically(file(dir), `${JSON.stringify({ version: 1, ...checkpoint })}\n`);
}

/** The run folder's checkpoint, or null when there is none or it cannot be read (then every line is parsed). */
export function readCheckpoint(dir: string): Checkpoint | null {
  try {
    const read = JSON.parse(readFileSync(file(dir), "utf8")) as { version?: unknown; resultsBytes?: unknown; state?: unknown };
    if (read.version !== 1 || !Number.isSafeInteger(read.resultsBytes) || (read.resultsBytes as number) < 0 || typeof read.state !== "object" || read.state === null) return null;
    return { resultsBytes: read.resultsBytes as number, state: read.state };
  } catch {
    return null;
  }
}

export function removeCheckpoint(dir: string): void {
  rmSync(file(dir), { force: true });
}
