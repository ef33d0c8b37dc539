// `--shard` and `--run-id`: parsed from the command line, resolved with the CI's run id.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/parse.js";
import { ciRunId, resolveSettings } from "../../src/config/settings.js";
import { UsageError } from "../../src/errors.js";
import { fixtures, tempDir } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

describe("--shard and --run-id", () => {
  it("parses them", () => {
    expect(parseCli(["run", "--shard", "2/4", "--run-id", "nightly-7"])).toEqual({ command: "run", flags: { shard: { index: 2, count: 4 }, runId: "nightly-7" } });
  });

  it.each([
    [["run", "--shard", "0/3"], /^--shard takes i\/n, .*\(got "0\/3": i counts from 1\)/],
    [["run", "--shard", "4/3"], /^--shard takes i\/n, .*\(got "4\/3": i must not exceed n\)/],
    [["run", "--shard", "a/b"], /^--shard takes i\/n, .*\(got "a\/b": not two whole numbers joined by \/\)/],
    [["run", "--shard", "1/0"], /^--shard takes i\/n, .*\(got "1\/0": n must be 1 or more\)/],
    [["run", "--run-id", " "], /^--run-id takes an id shared by the shards of one run/],
  ])("refuses %j as a usage error", (argv, message) => {
    const error = (() => {
      try {
        parseCli(argv);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect(thrownMessage(() => parseCli(argv), UsageError)).toMatch(message);
  });
});

describe("the run id", () => {
  const { dir: cwd, remove } = tempDir();
  afterAll(remove);
  const shard = { index: 1, count: 2 };

  it("comes from the flag first", () => {
    expect(resolveSettings({ shard, runId: "mine" }, { GITHUB_RUN_ID: "99" }, cwd)).toMatchObject({ shard, runId: "mine" });
  });

  it("comes from the CI when sharded", () => {
    expect(resolveSettings({ shard }, { GITHUB_RUN_ID: "99", GITHUB_RUN_ATTEMPT: "1" }, cwd).runId).toBe("99");
    expect(resolveSettings({ shard }, { CI_PIPELINE_ID: "512" }, cwd).runId).toBe("512");
    expect(resolveSettings({ shard }, {}, cwd).runId).toBeNull();
  });

  // Two evalwire steps of one CI job must not record into each other's experiments.
  it("is not taken from the CI when not sharded", () => {
    expect(resolveSettings({}, { GITHUB_RUN_ID: "99" }, cwd)).toMatchObject({ shard: null, runId: null });
  });

  it("tells a re-run attempt apart", () => {
    expect(ciRunId({ GITHUB_RUN_ID: "99", GITHUB_RUN_ATTEMPT: "2" })).toBe("99-2");
    expect(ciRunId({ GITHUB_RUN_ID: "99" })).toBe("99");
    expect(ciRunId({ GITHUB_RUN_ID: "99", CI_PIPELINE_ID: "5" })).toBe("99");
  });
});

describe("the library's shard option", () => {
  it("is checked like the flag, naming the option", async () => {
    const { ExperimentRunner } = await import("../../src/runner.js");
    const runner = new ExperimentRunner({ experimentsDir: join(fixtures, "sharded"), shard: { index: 4, count: 3 } });
    await expect(runner.run()).rejects.toThrow(/^shard takes i\/n, .*\(got "4\/3": i must not exceed n\)/);
    await expect(new ExperimentRunner({ experimentsDir: join(fixtures, "sharded"), shard: { index: 1.5, count: 3 } }).run()).rejects.toBeInstanceOf(UsageError);
  });
});
