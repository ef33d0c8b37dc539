import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isDiskFull } from "../disk-full.js";
import { parseShard, shardSuffix } from "../engine/shard.js";
import { UsageError } from "../errors.js";
import { fileInTheWay } from "../file-in-the-way.js";
import { makeFolder } from "../make-folder.js";
import { takeResultJson } from "../result-json.js";
import { shownPath } from "../shown-path.js";
import type { ExampleResult, ExperimentResult } from "../types.js";
import { writeAtomically } from "../write-atomically.js";
import { removeCheckpoint, writeCheckpoint } from "./checkpoint-file.js";
import { LineBatch } from "./line-batch.js";
import type { RunHead } from "./run-folder.js";
import { lockRun, unlockRun } from "./run-lock.js";
import type { ExperimentHeader, ExperimentRecording, Sink } from "./sink.js";

/**
 * The local run store, the source of truth in every backend:
 * `<runs_dir>/<experiment name>/run.json` (header, then summary) and `results.jsonl`, one line
 * per result, the results finished in one turn of the event loop written together in one write
 * (line-batch.ts), so a crash loses only what was in flight or finished in the turn it hit.
 * A write that fails (a full disk) leaves no half line and no `*.tmp` file behind.
 */
export class RunStore implements Sink {
  /** Throws a UsageError, before any work starts, when a file stands where the runs folder goes. */
  constructor(readonly runsDir: string) {
    const file = fileInTheWay(runsDir);
    if (file) throw new UsageError(`${shownPath(file)} is a file, not a folder for runs: move it away, or set [local] runs_dir in evalwire.toml to a folder`);
  }

  open(header: ExperimentHeader): ExperimentRecording {
    makeFolder(this.runsDir);
    // Shards of one run write beside each other (one CI artifact): each gets its own folder.
    const { name, dir } = this.claimFolder(header.name + (header.shard ? shardSuffix(parseShard(header.shard)) : ""));
    const runFile = join(dir, "run.json");
    const run = { ...header, name, status: "running" };
    let fd: number;
    try {
      // The lock first: a bare --resume elsewhere takes a folder once its run.json says "running".
      lockRun(dir);
      writeJsonAtomically(runFile, run);
      fd = openSync(join(dir, "results.jsonl"), "a");
    } catch (error) {
      // Nothing was recorded: no empty run folder is left to be mistaken for a run.
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return recording(name, dir, run, fd, 0);
  }

  /**
   * Opens a run folder again to finish it (`--resume`): a last line torn by a crash is cut off, so
   * the next result starts on a line of its own, and results are appended after those recorded.
   */
  reopen({ dir }: Pick<RunHead, "dir">): ExperimentRecording {
    const runFile = join(dir, "run.json");
    lockRun(dir);
    const fd = openSync(join(dir, "results.jsonl"), "a+");
    const size = cutTornLine(fd);
    const { endedAt: _e, summary: _s, ...before } = JSON.parse(readFileSync(runFile, "utf8")) as Record<string, unknown>;
    const run: Record<string, unknown> & { dataset: object } = {
      ...before,
      dataset: before.dataset as object,
      status: "running",
      resumedAt: [...((before.resumedAt as string[] | undefined) ?? []), new Date().toISOString()],
    };
    writeJsonAtomically(runFile, run);
    return recording(before.name as string, dir, run, fd, size);
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

/** Where one experiment's results go in its run folder; `size` is what results.jsonl holds already. */
function recording(name: string, dir: string, run: { dataset: object }, fd: number, size: number): ExperimentRecording {
  const runFile = join(dir, "run.json");
  const lines = new LineBatch(fd, size);
  return {
    kind: "store",
    name,
    location: dir,
    record(result: ExampleResult) {
      lines.add(`${takeResultJson(result)}\n`);
    },
    notRecorded() {
      lines.write();
      return lines.unrecorded > 0 ? { count: lines.unrecorded, error: lines.error } : null;
    },
    checkpoint(state: unknown) {
      // The state counts every result added: the file must hold them all first.
      lines.write();
      // Past a result the engine counted and the file lacks, a resume would count it twice: the last checkpoint stands.
      if (lines.unrecorded > 0) return;
      try {
        writeCheckpoint(dir, { resultsBytes: lines.size, state });
      } catch {
        // Resume then reads every line, as without a checkpoint.
      }
    },
    finish(result: ExperimentResult) {
      try {
        finishRun(result);
      } finally {
        unlockRun(dir);
      }
    },
  };

  function finishRun(result: ExperimentResult): void {
    lines.close();
    closeSync(fd);
    // A finished run is never resumed; an interrupted one keeps its checkpoint.
    if (result.status !== "interrupted") {
      try {
        removeCheckpoint(dir);
      } catch {
        // Left behind, it is never read: only unfinished runs are resumed.
      }
    }
    const { experiment: _e, name: _n, dataset, runPath: _r, ...summary } = result;
    const final = { ...run, dataset: { ...run.dataset, ...dataset }, status: summary.status, endedAt: new Date().toISOString(), summary };
    try {
      writeJsonAtomically(runFile, final);
    } catch (error) {
      // No room for a second copy: the summary is written over run.json, whose blocks are already ours.
      if (!isDiskFull(error) || !writeInPlace(runFile, final, run)) throw withUnrecorded(error, lines.unrecorded);
    }
  }
}

/** Cuts results.jsonl back to its last newline (what follows is a line a crash left half-written); returns the size kept. */
function cutTornLine(fd: number): number {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (newline >= 0) {
      if (start + newline + 1 < size) ftruncateSync(fd, start + newline + 1);
      return start + newline + 1;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
  return 0;
}

function writeJsonAtomically(file: string, value: unknown): void {
  writeAtomically(file, json(value));
}

/**
 * True when the text fitted in the blocks the file already holds and was written there. Should a
 * write still fail, `before` is put back, so run.json is never half old and half new.
 */
function writeInPlace(file: string, value: unknown, before: unknown): boolean {
  const fd = openSync(file, "r+");
  try {
    const write = (text: string) => {
      const bytes = Buffer.from(text);
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written, written);
      ftruncateSync(fd, bytes.length);
    };
    const text = json(value);
    if (Buffer.byteLength(text) > fstatSync(fd).blocks * 512) return false;
    try {
      write(text);
      return true;
    } catch {
      write(json(before));
      return false;
    }
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

function withUnrecorded(error: unknown, unrecorded: number): unknown {
  if (unrecorded === 0 || !(error instanceof Error)) return error;
  error.message = `${error.message} (and ${unrecorded} result${unrecorded === 1 ? " was" : "s were"} not recorded)`;
  return error;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
