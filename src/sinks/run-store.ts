import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseShard, shardSuffix } from "../engine/shard.js";
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
    // Shards of one run write beside each other (one CI artifact): each gets its own folder.
    const { name, dir } = this.claimFolder(header.name + (header.shard ? shardSuffix(parseShard(header.shard)) : ""));
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
