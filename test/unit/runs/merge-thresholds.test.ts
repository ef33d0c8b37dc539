import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultCsvOptions } from "../../../src/config/settings.js";
import { UsageError } from "../../../src/errors.js";
import type { Judgement } from "../../../src/judge/experiment-judge.js";
import { findShards } from "../../../src/runs/find-shards.js";
import { examplesOf } from "../../../src/runs/merge-examples.js";
import { barsNotApplied, experimentFolders, mergeThresholds } from "../../../src/runs/merge-thresholds.js";
import { groupShards, type ShardGroup } from "../../../src/runs/shard-groups.js";
import { fixtures, tempDir } from "../../helpers/cli.js";
import { writeShardsOf } from "./shard-folders.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});
function temp(): string {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  return dir;
}
/** Two shards of experiment `graded` with evaluators exact and closeness. */
function gradedShards(): ShardGroup {
  const runs = join(temp(), "runs");
  writeShardsOf(runs, { count: 2, experiment: "graded", per: { 1: { evaluators: ["exact", "closeness"] }, 2: { evaluators: ["exact", "closeness"] } } });
  return groupShards(findShards([runs]))[0]!;
}
const experimentsDir = join(fixtures, "merge", "experiments");
const none = { root: { evaluators: {} }, rootLabel: "evalwire.toml", flags: { evaluators: {} } };

describe("mergeThresholds", () => {
  it("reads the experiment folder's own [thresholds] under the root's, and lets the flags win", () => {
    const warnings: string[] = [];
    const group = gradedShards();
    const thresholds = mergeThresholds(
      [group],
      experimentFolders(experimentsDir),
      { experimentsDir, thresholds: { ...none, root: { maxErrors: { count: 3 }, evaluators: {} }, flags: { evaluators: { closeness: { mean: 0.9 } } } } },
      (m) => warnings.push(m),
    );
    expect(thresholds.get("graded")).toEqual({ maxErrors: { count: 3 }, evaluators: { exact: { pass_rate: 0.5, pass_at_k: 0.6 }, closeness: { mean: 0.9 } } });
    expect(warnings).toEqual([]);
  });

  it("warns when the experiment has no folder, and refuses a threshold naming an evaluator the shards did not run", () => {
    const warnings: string[] = [];
    const group = gradedShards();
    const elsewhere = join(temp(), "experiments");
    expect(mergeThresholds([group], experimentFolders(elsewhere), { experimentsDir: elsewhere, thresholds: none }, (m) => warnings.push(m)).get("graded")).toEqual({ evaluators: {} });
    expect(warnings).toEqual([expect.stringMatching(/^graded: no such experiment folder in .*experiments: its own \[thresholds\] are not read/)]);
    expect(() => mergeThresholds([group], [], { experimentsDir: elsewhere, thresholds: { ...none, flags: { evaluators: { nope: { mean: 1 } } } } }, () => {})).toThrow(UsageError);
  });
});

describe("experimentFolders", () => {
  it("finds none in a default folder that is not there, and refuses a named one that is not there or holds no experiment", () => {
    const missing = join(temp(), "nonexist");
    expect(experimentFolders(missing)).toEqual([]);
    expect(() => experimentFolders(missing, "--experiments nonexist")).toThrow(UsageError);
    expect(() => experimentFolders(missing, "--experiments nonexist")).toThrow(
      /^--experiments nonexist: no such folder: .*nonexist \(merge reads each experiment's evalwire.toml \[thresholds\] there\); give the experiments folder$/,
    );
    const empty = temp();
    expect(() => experimentFolders(empty, "evalwire.toml: [experiments] dir")).toThrow(UsageError);
    expect(experimentFolders(experimentsDir, "--experiments x").map((folder) => folder.name)).toEqual(["graded", "tiny"]);
  });
});

describe("barsNotApplied", () => {
  const judged = (gates: { gate: string; evaluator: string | null; bar: number }[]) => ({ judgement: { gates } }) as unknown as Record<string, unknown>;
  it("names a bar the shards ran with that the merge changes or drops, and leaves out a share of errors", async () => {
    const group = gradedShards();
    const { updateRunFile } = await import("../../../src/sinks/run-folder.js");
    const shardGates = [
      { gate: "mean", evaluator: "closeness", bar: 0.8 },
      { gate: "pass_rate", evaluator: "exact", bar: 0.5 },
      { gate: "max_errors", evaluator: null, bar: 1 },
    ];
    for (const [index, shard] of group.shards.entries()) {
      const gates = shardGates.map((gate) => (gate.gate === "max_errors" ? { ...gate, bar: index + 1 } : gate));
      shard.run = updateRunFile(shard.dir, (run) => ({ ...run, summary: { ...run.summary, ...judged(gates) } }));
    }
    const merged = {
      gates: [
        { gate: "mean", evaluator: "closeness", bar: 0.75 },
        { gate: "pass_rate", evaluator: "exact", bar: 0.5 },
        { gate: "max_errors", evaluator: null, bar: 2 },
      ],
    } as unknown as Judgement;
    const noFlags = { evaluators: {} };
    expect(barsNotApplied(group, merged, { evaluators: {} }, noFlags)).toBe(
      "graded: the shards ran with closeness mean bar 0.80, merge applies 0.75 (merge reads evalwire.toml and its own --threshold, --max-errors)",
    );
    const without = { gates: [] } as unknown as Judgement;
    // One line for the experiment, however many gates changed.
    expect(barsNotApplied(group, without, { evaluators: {} }, noFlags)).toBe(
      "graded: the shards ran with closeness mean bar 0.80, merge applies none; exact pass rate bar 0.50, merge applies none (merge reads evalwire.toml and its own --threshold, --max-errors)",
    );
    // A bar given to merge itself is chosen on purpose: not warned of.
    expect(barsNotApplied(group, merged, { evaluators: { closeness: { mean: 0.75 } } }, { evaluators: { closeness: { mean: 0.75 } } })).toBeNull();
    expect(barsNotApplied(group, without, { evaluators: {} }, { evaluators: { closeness: { mean: 0.5 } } })).toMatch(/ran with exact pass rate bar 0.50, merge applies none \(/);
  });

  it("names a max_errors bar the merge changes unless merge was given --max-errors", async () => {
    const group = gradedShards();
    const { updateRunFile } = await import("../../../src/sinks/run-folder.js");
    for (const shard of group.shards) shard.run = updateRunFile(shard.dir, (run) => ({ ...run, summary: { ...run.summary, ...judged([{ gate: "max_errors", evaluator: null, bar: 3 }]) } }));
    const merged = { gates: [{ gate: "max_errors", evaluator: null, bar: 2 }] } as unknown as Judgement;
    expect(barsNotApplied(group, merged, { maxErrors: { count: 2 }, evaluators: {} }, { evaluators: {} })).toMatch(/^graded: the shards ran with errors bar 3, merge applies 2 \(/);
    expect(barsNotApplied(group, merged, { maxErrors: { count: 2 }, evaluators: {} }, { maxErrors: { count: 2 }, evaluators: {} })).toBeNull();
  });
});

describe("examplesOf", () => {
  const folder = (dir: string) => experimentFolders(dir).find((each) => each.name === "graded");
  it("reads the dataset again when it is the version the shards ran on, and says why not otherwise", () => {
    const dir = join(temp(), "experiments");
    cpSync(experimentsDir, dir, { recursive: true });
    const run = { name: "r", experiment: "graded", dataset: { name: "graded", version: "", source: null } } as unknown as Parameters<typeof examplesOf>[0];
    const settings = { datasetsDir: null, csv: defaultCsvOptions() };
    const first = examplesOf({ ...run, dataset: { ...run.dataset, version: "sha256:wrong" } }, folder(dir), settings);
    expect(first).toMatch(/^its dataset changed since the shards ran \(now sha256:\w+\)$/);
    const version = (first as string).match(/now (sha256:\w+)/)![1]!;
    const examples = examplesOf({ ...run, dataset: { ...run.dataset, version } }, folder(dir), settings);
    expect(examples).toBeInstanceOf(Map);
    expect((examples as Map<string, { input: unknown }>).get("g7")?.input).toEqual({ n: 7 });
    writeFileSync(join(dir, "graded", "dataset.jsonl"), '{"id": "g1", "input": {"n": 1}}\n');
    expect(examplesOf({ ...run, dataset: { ...run.dataset, version } }, folder(dir), settings)).toMatch(/its dataset changed/);
    expect(examplesOf({ ...run, dataset: { ...run.dataset, version, remote: { datasetId: "d", versionId: "v", splits: [] } } }, folder(dir), settings)).toBe(
      "a Phoenix dataset, not read by merge",
    );
    expect(examplesOf(run, undefined, settings)).toBe("no experiment folder to find its dataset in");
  });
});
