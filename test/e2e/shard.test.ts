// `--shard i/n` with the local backend: n shard runs together run exactly the unsharded run's task
// calls, each in a run folder of its own marked with its shard; bad values are usage errors.
import { join } from "node:path";
import { expect, it } from "vitest";
import { readResults, readRun } from "../helpers/cli.js";
import { describeRun, evalwire, fixture, runFolders, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const sharded = fixture("sharded");
const calls = (cwd: string, folder: string) => readResults(join(cwd, ".evalwire", "runs", folder)).map((result) => `${result.exampleId}#${result.repetition}`);

it("splits 60 examples × 2 repetitions over 3 shards: every call once, each shard in its own folder", async () => {
  const cwd = temp();
  const whole = await evalwire(["run", "--experiments", sharded, "--repetitions", "2"], cwd);
  expect(whole.code, describeRun(whole)).toBe(0);
  const [unsharded] = runFolders(cwd);
  const all = calls(cwd, unsharded!);
  expect(all).toHaveLength(120);

  const shardCalls: string[] = [];
  for (const i of [1, 2, 3]) {
    const r = await evalwire(["run", "--experiments", sharded, "--repetitions", "2", "--shard", `${i}/3`], cwd);
    expect(r.code, describeRun(r)).toBe(0);
    const folder = runFolders(cwd).find((name) => name.endsWith(`-shard-${i}-of-3`));
    expect(folder, runFolders(cwd).join(", ")).toBeDefined();
    const run = readRun(join(cwd, ".evalwire", "runs", folder!));
    expect(run.shard).toBe(`${i}/3`);
    const mine = calls(cwd, folder!);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(120);
    shardCalls.push(...mine);
  }
  expect(shardCalls.toSorted()).toEqual(all.toSorted());
});

it.each([
  ["0/3", /--shard takes i\/n.*"0\/3": i counts from 1/],
  ["4/3", /--shard takes i\/n.*"4\/3": i must not exceed n/],
  ["a/b", /--shard takes i\/n.*"a\/b": not two whole numbers/],
  ["1/0", /--shard takes i\/n.*"1\/0": n must be 1 or more/],
])("refuses --shard %s with exit 2, naming the flag, before any work", async (value, message) => {
  const cwd = temp();
  const r = await evalwire(["run", "--experiments", sharded, "--shard", value], cwd);
  expect(r.code, describeRun(r)).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(runFolders(cwd)).toEqual([]);
});
