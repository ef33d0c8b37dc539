import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findShards } from "../../../src/runs/find-shards.js";
import { checkResults, groupShards } from "../../../src/runs/shard-groups.js";
import { shownPath } from "../../../src/shown-path.js";
import { updateRunFile } from "../../../src/sinks/run-folder.js";
import { refusal, useRunsDirs, writeShard, writeShardsOf } from "./shard-folders.js";

const runsDir = useRunsDirs();

describe("findShards", () => {
  it("takes the shard runs of a folder and leaves its other runs alone", () => {
    const runs = runsDir();
    writeShardsOf(runs, { count: 2 });
    writeShard(runs, { index: 1, count: 1, name: "eval_ds_2026-01-01T00:00:00" }, { shard: null });
    const found = findShards([runs]);
    expect(found.map((head) => head.run.shard).sort()).toEqual(["1/2", "2/2"]);
  });

  it("refuses a run folder that is no shard, a folder holding none, and a shard given twice", () => {
    const runs = runsDir();
    const plain = writeShard(runs, { index: 1, count: 1, name: "eval_ds_plain" }, { shard: null });
    expect(refusal(() => findShards([plain]))).toMatch(/eval_ds_plain is no shard \(its run.json has no "shard"\)/);
    expect(refusal(() => findShards([runs]))).toMatch(/holds no shard run folder/);
    const [one] = writeShardsOf(runs, { count: 2 });
    expect(refusal(() => findShards([runs, one!]))).toMatch(/shard 1\/2 of ds is given twice/);
    expect(refusal(() => findShards([join(runs, "nothing-here")]))).toMatch(/nothing-here: no such folder/);
    const file = join(one!, "run.json");
    expect(refusal(() => findShards([file]))).toBe(`merge ${file}: is a file, not a shard run folder; give shard run folders, or a folder holding them`);
  });
});

describe("groupShards", () => {
  it("groups by experiment, each with its shards in index order", () => {
    const runs = runsDir();
    writeShardsOf(runs, { count: 3, experiment: "b" });
    writeShardsOf(runs, { count: 3, experiment: "a" });
    const groups = groupShards(findShards([runs]));
    expect(groups.map((group) => [group.experiment, group.count, group.shards.map((shard) => shard.run.shard)])).toEqual([
      ["a", 3, ["1/3", "2/3", "3/3"]],
      ["b", 3, ["1/3", "2/3", "3/3"]],
    ]);
  });

  const cases: [string, (runs: string) => void, RegExp][] = [
    [
      "dataset versions differ",
      (runs) => writeShardsOf(runs, { count: 2, per: { 2: { version: "sha256:other" } } }),
      /ds shards differ in dataset version: eval_ds_\S+-shard-1-of-2 has sha256:one, eval_ds_\S+-shard-2-of-2 has sha256:other/,
    ],
    [
      "task hashes differ",
      (runs) => writeShardsOf(runs, { count: 2, per: { 2: { taskHash: "bbbbbbbbbbbbbbbb" } } }),
      /ds shards differ in task: .*-shard-1-of-2 has task hash aaaaaaaaaaaa, .*-shard-2-of-2 has bbbbbbbbbbbb/,
    ],
    [
      "shard counts differ",
      (runs) => {
        writeShard(runs, { index: 1, count: 2 });
        writeShard(runs, { index: 2, count: 3 });
      },
      /the shards split the run differently: .*-shard-1-of-2 is shard 1\/2, .*-shard-2-of-3 is shard 2\/3/,
    ],
    [
      "the same shard is there twice",
      (runs) => {
        writeShardsOf(runs, { count: 2 });
        writeShard(runs, { index: 2, count: 2, name: "eval_ds_2026-01-02T00:00:00" });
      },
      /ds shard 2\/2 is given twice: eval_ds_\S+ and eval_ds_\S+ \(shards of two runs\? give one run's folders, or run the shards with --run-id ID and merge --run-id ID\)$/,
    ],
    [
      "the same shard of one run id is there twice (run again, or rerun by a --resume after it had finished)",
      (runs) => {
        writeShardsOf(runs, { count: 2, per: { 1: { runId: "7" }, 2: { runId: "7" } } });
        writeShard(runs, { index: 2, count: 2, name: "eval_ds_2026-01-02T00:00:00" }, { runId: "7" });
      },
      /ds shard 2\/2 is given twice: eval_ds_\S+ and eval_ds_\S+, both of run id 7 \(that shard ran twice: again, or by a --resume after it had finished\); give merge one of the two folders$/,
    ],
    [
      "a shard is missing",
      (runs) => {
        for (const index of [1, 2, 4]) writeShard(runs, { index, count: 4 });
      },
      /ds shard 3\/4 missing \(given: 1\/4, 2\/4, 4\/4\)/,
    ],
    [
      "an experiment lacks a shard",
      (runs) => {
        writeShardsOf(runs, { count: 2, experiment: "a" });
        writeShard(runs, { index: 1, count: 2, experiment: "b" });
      },
      /b shard 2\/2 missing \(given: 1\/2\)/,
    ],
    [
      "a shard completed fewer calls than it planned (no failure of its own)",
      (runs) => {
        const [, two] = writeShardsOf(runs, { count: 2 });
        updateRunFile(two!, (run) => ({ ...run, summary: { ...run.summary, completed: 7 } }));
      },
      /^cannot merge: ds shard 2\/2 \(\S+-shard-2-of-2\) completed 7 of its \d+ planned calls; run that shard again$/,
    ],
    [
      "a shard is unfinished",
      (runs) => writeShardsOf(runs, { count: 2, per: { 2: { unfinished: true } } }),
      /-shard-2-of-2 is unfinished \(status running\); finish it where it ran \(evalwire run --resume \S+-shard-2-of-2\) or run shard 2\/2 again, then merge$/,
    ],
    ["evaluators differ", (runs) => writeShardsOf(runs, { count: 2, per: { 2: { evaluators: ["e", "f"] } } }), /ds shards differ in evaluators: .* has e, .* has e, f/],
    ["repetitions differ", (runs) => writeShardsOf(runs, { count: 2, per: { 2: { repetitions: 3 } } }), /ds shards differ in repetitions: .* has 2, .* has 3/],
  ];
  it.each(cases)("refuses, naming the runs, when %s", (_, write, message) => {
    const runs = runsDir();
    write(runs);
    const text = refusal(() => groupShards(findShards([runs])));
    expect(text).toMatch(/^cannot merge: /);
    expect(text).toMatch(message);
    expect(text.split("\n")).toHaveLength(1);
  });
});

describe("groupShards, a shard still being recorded", () => {
  it("says to wait for the process recording it, not to run the shard again (that would run it twice at once)", async () => {
    const runs = runsDir();
    const [, two] = writeShardsOf(runs, { count: 2, per: { 2: { unfinished: true } } });
    const recorder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      await new Promise((resolve) => recorder.on("spawn", resolve));
      writeFileSync(join(two!, "run.lock"), JSON.stringify({ pid: recorder.pid, host: hostname() }));
      expect(refusal(() => groupShards(findShards([runs])))).toMatch(
        new RegExp(`^cannot merge: \\S+-shard-2-of-2 is still being recorded by process ${recorder.pid}; wait for it to end, then merge$`),
      );
    } finally {
      recorder.kill("SIGKILL");
    }
  });
});

describe("checkResults", () => {
  it("refuses a task call recorded by two shards, naming it and both runs", () => {
    const runs = runsDir();
    const [one, two] = writeShardsOf(runs, { count: 2 });
    // A result of shard 1 copied into shard 2's results.jsonl.
    const line = readFileSync(join(one!, "results.jsonl"), "utf8").split("\n")[0]!;
    appendFileSync(join(two!, "results.jsonl"), `${line}\n`);
    const [group] = groupShards(findShards([runs]));
    const id = JSON.parse(line).exampleId;
    expect(refusal(() => checkResults(group!))).toMatch(new RegExp(`ds example ${id} repetition \\d is in two shards: eval_ds_\\S+-shard-1-of-2 and eval_ds_\\S+-shard-2-of-2`));
  });

  it("refuses a shard holding fewer results than its run.json says it completed, naming its folder and both counts", () => {
    const runs = runsDir();
    const [, , three] = writeShardsOf(runs, { count: 4 });
    const lines = readFileSync(join(three!, "results.jsonl"), "utf8").split("\n").filter(Boolean);
    writeFileSync(join(three!, "results.jsonl"), `${lines.slice(0, 3).join("\n")}\n`);
    const [group] = groupShards(findShards([runs]));
    expect(refusal(() => checkResults(group!))).toBe(`cannot merge: ds shard 3/4 (${shownPath(three!)}) holds 3 results, its run.json says ${lines.length} completed; run that shard again`);
    // No results.jsonl at all, and a line that cannot be read, are as few results.
    rmSync(join(three!, "results.jsonl"));
    expect(refusal(() => checkResults(group!))).toMatch(/ds shard 3\/4 \(.*\) holds 0 results, its run.json says \d+ completed/);
    writeFileSync(join(three!, "results.jsonl"), `${lines.slice(0, -1).join("\n")}\n{"torn\n`);
    expect(refusal(() => checkResults(group!))).toMatch(new RegExp(`holds ${lines.length - 1} results, its run.json says ${lines.length} completed`));
  });

  it("takes a call recorded twice within one shard (a later line wins) as one", () => {
    const runs = runsDir();
    const [one] = writeShardsOf(runs, { count: 2 });
    const line = readFileSync(join(one!, "results.jsonl"), "utf8").split("\n")[0]!;
    appendFileSync(join(one!, "results.jsonl"), `${line}\n`);
    const [group] = groupShards(findShards([runs]));
    expect(() => checkResults(group!)).not.toThrow();
  });
});
