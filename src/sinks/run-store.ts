import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ExampleResult, ExperimentResult } from "../types.js";
import type { ExperimentHeader, ExperimentRecording, Sink } from "./sink.js";

/**
 * The local run store, the source of truth in every backend:
 * `<runs_dir>/<experiment name>/run.json` (header, then summary) and `results.jsonl`, one line
 * per result, written as each finishes so a crash loses only what was in flight.
 */
export class RunStore implements Sink {
  constructor(readonly runsDir: string) {}

  open(header: ExperimentHeader): ExperimentRecording {
    mkdirSync(this.runsDir, { recursive: true });
    const { name, dir } = this.claimFolder(header.name);
    const runFile = join(dir, "run.json");
    const run = { ...header, name, status: "running" };
    writeJsonAtomically(runFile, run);
    const fd = openSync(join(dir, "results.jsonl"), "a");
    return {
      name,
      location: dir,
      record(result: ExampleResult) {
        writeSync(fd, `${JSON.stringify(result)}\n`);
      },
      finish(result: ExperimentResult) {
        closeSync(fd);
        const { experiment: _e, name: _n, dataset, runPath: _r, ...summary } = result;
        writeJsonAtomically(runFile, { ...run, dataset: { ...run.dataset, ...dataset }, status: summary.status, endedAt: new Date().toISOString(), summary });
      },
    };
  }

  /**
   * Opens a run folder again to finish it (`--resume`): a last line torn by a crash is cut off, so
   * the next result starts on a line of its own, and results are appended after those recorded.
   */
  reopen(dir: string): ExperimentRecording {
    const runFile = join(dir, "run.json");
    const file = join(dir, "results.jsonl");
    const fd = openSync(file, "a+");
    cutTornLine(fd);
    const { endedAt: _e, summary: _s, ...run } = readRunFile(runFile);
    const reopened: Record<string, unknown> = { ...run, status: "running", resumedAt: [...((run.resumedAt as string[] | undefined) ?? []), new Date().toISOString()] };
    writeJsonAtomically(runFile, reopened);
    return {
      name: run.name as string,
      location: dir,
      record(result: ExampleResult) {
        writeSync(fd, `${JSON.stringify(result)}\n`);
      },
      finish(result: ExperimentResult) {
        closeSync(fd);
        const { experiment: _x, name: _n, dataset, runPath: _r, ...summary } = result;
        writeJsonAtomically(runFile, { ...reopened, dataset: { ...(reopened.dataset as object), ...dataset }, status: summary.status, endedAt: new Date().toISOString(), summary });
      },
    };
  }

  /** Two runs never share a folder: a taken name gets `-2`, `-3`… (mkdir is the atomic claim). */
  private claimFolder(wanted: string): { name: string; dir: string } {
    const safe = process.platform === "win32" ? wanted.replaceAll(":", "-") : wanted;
    for (let n = 1; ; n++) {
      const name = n === 1 ? safe : `${safe}-${n}`;
      const dir = join(this.runsDir, name);
      try {
        mkdirSync(dir);
        return { name, dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }
}

function writeJsonAtomically(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

function readRunFile(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** Cuts the file back to its last newline: what follows it is a line a crash left half-written. */
function cutTornLine(fd: number): void {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (newline >= 0) {
      if (start + newline + 1 < size) ftruncateSync(fd, start + newline + 1);
      return;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
}
