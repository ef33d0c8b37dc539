import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { type RunHead, readRunFile } from "../sinks/run-folder.js";

/**
 * The shard run folders `evalwire merge` was given: each argument is a shard's run folder, or a
 * folder holding run folders (an artifact download, a runs folder), of which the shards are taken
 * and every other run is left alone. A folder given by name that is no shard is a UsageError.
 */
export function findShards(given: string[], cwd = process.cwd()): RunHead[] {
  if (given.length === 0) throw new UsageError("merge needs the shards' run folders, or a folder holding them, such as: evalwire merge .evalwire/runs");
  const found = new Map<string, RunHead>();
  const add = (dir: string, run: RunHead["run"]) => {
    if (found.has(dir)) throw new UsageError(`cannot merge: shard ${run.shard} of ${run.experiment} is given twice: ${run.name} (${shownPath(dir)})`);
    found.set(dir, { dir, run, skippedLines: [] });
  };
  for (const path of given) {
    const dir = resolve(cwd, path);
    if (!existsSync(dir)) throw new UsageError(`merge ${path}: no such folder; give shard run folders, or a folder holding them`);
    if (!statSync(dir).isDirectory()) throw new UsageError(`merge ${path}: is a file, not a shard run folder; give shard run folders, or a folder holding them`);
    if (existsSync(join(dir, "run.json"))) {
      const run = readRunFile(dir);
      if (run.shard === undefined) throw new UsageError(`merge ${path}: ${run.name} is no shard (its run.json has no "shard"); give the run folders written by evalwire run --shard I/N`);
      add(dir, run);
      continue;
    }
    const inside = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "run.json")))
      .map((entry) => join(dir, entry.name))
      .sort();
    let shards = 0;
    for (const runDir of inside) {
      const run = readRunFile(runDir);
      if (run.shard === undefined) continue;
      add(runDir, run);
      shards++;
    }
    if (shards === 0) throw new UsageError(`merge ${path}: ${shownPath(dir)} holds no shard run folder (written by evalwire run --shard I/N)`);
  }
  return [...found.values()];
}
