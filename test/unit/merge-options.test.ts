import { describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/parse.js";
import { UsageError } from "../../src/errors.js";

function usageError(argv: string[]): string {
  try {
    parseCli(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("parseCli: merge", () => {
  it("takes several run folders and run's judging and report flags, typed as run's", () => {
    expect(
      parseCli([
        "merge",
        "shards/a",
        "shards/b",
        "--threshold",
        "top_k=0.8",
        "--max-errors",
        "2%",
        "--baseline",
        "--max-regressions",
        "0",
        "--reporter",
        "junit=j.xml",
        "--reporter",
        "github",
        "--quiet",
        "--run-id",
        "4242-2",
      ]),
    ).toEqual({
      command: "merge",
      runs: ["shards/a", "shards/b"],
      flags: { threshold: { top_k: 0.8 }, maxErrors: { percent: 2 }, baseline: true, maxRegressions: 0, reporter: ["junit=j.xml", "github"], quiet: true, runId: "4242-2" },
    });
  });

  it("refuses no run, a flag of run's that merge has no use for, and bad values, as run does", () => {
    expect(usageError(["merge"])).toMatch(/missing required argument 'runs'/);
    expect(usageError(["merge", "a", "--shard", "1/2"])).toMatch(/unknown option '--shard'/);
    expect(usageError(["merge", "a", "--max-errors", "many"])).toMatch(/--max-errors takes a whole number of errors/);
    expect(usageError(["merge", "a", "--threshold", "top_k"])).toMatch(/--threshold takes EVALUATOR=MEAN/);
  });
});
