// ExperimentRunner refuses options it cannot use with a UsageError naming them, before any work:
// a JavaScript caller has no compiler to catch them. Before, `baseline: "latest"` ran with no
// comparison at all, `listeners: {}` and `runsDir: 5` threw TypeErrors, and `shard: "1/2"` was
// refused as "got undefined/undefined".
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExperimentRunner, type ExperimentRunnerOptions, UsageError } from "../../src/index.js";
import { checkBaseline } from "../../src/judge/check-baseline.js";
import { tempDir } from "../helpers/cli.js";

let remove = () => {};
afterEach(() => remove());

function experimentsDir(): { experimentsDir: string; runsDir: string } {
  const made = tempDir();
  remove = made.remove;
  const dir = join(made.dir, "experiments", "echo");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "task.ts"), "export const task = ({ input }: { input: { q: string } }) => input.q;");
  writeFileSync(join(dir, "dataset.jsonl"), '{"id":"a","input":{"q":"x"}}\n');
  return { experimentsDir: join(made.dir, "experiments"), runsDir: join(made.dir, "runs") };
}

describe("ExperimentRunner options a JavaScript caller can get wrong", () => {
  it("refuses each with a UsageError naming the option, and runs nothing", async () => {
    const dirs = experimentsDir();
    const refused = async (extra: Record<string, unknown>) => {
      const run = new ExperimentRunner({ ...dirs, ...extra } as ExperimentRunnerOptions).run();
      await expect(run).rejects.toThrow(UsageError);
      return run.catch((error: Error) => error.message);
    };
    expect(await refused({ baseline: "latest" })).toBe('baseline: expected { ref: "latest" } (got the text "latest")');
    expect(await refused({ listeners: {} })).toBe("listeners takes a list of listeners, such as [{ onResult }]");
    expect(await refused({ runsDir: 5 })).toBe("runsDir takes a folder path (got 5)");
    expect(await refused({ experimentsDir: "" })).toBe('experimentsDir takes a folder path (got "")');
    expect(await refused({ shard: "1/2" })).toBe('shard takes { index, count }, such as { index: 1, count: 4 } (got "1/2")');
    // A misspelt option would be ignored without a word.
    expect(await refused({ exampleConcurency: 3 })).toMatch(/^unknown option "exampleConcurency" \(options: experimentsDir, .*\bexampleConcurrency\b.*\)$/);
    const misspelt = new ExperimentRunner(dirs).run({ name: ["echo"] } as never);
    await expect(misspelt).rejects.toThrow('run(): unknown option "name" (options: names, experimentNamePrefix, metadata)');
  });

  it("a valid baseline still compares", async () => {
    const dirs = experimentsDir();
    const first = await new ExperimentRunner(dirs).run();
    expect(first.status).toBe("passed");
    const second = await new ExperimentRunner({ ...dirs, baseline: { ref: "latest", maxRegressions: 0 } }).run();
    expect(second.experiments[0]!.judgement?.baseline).toMatchObject({ regressed: 0 });
  }, 60_000);
});

describe("checkBaseline", () => {
  const message = (value: unknown) => {
    try {
      checkBaseline(value);
    } catch (error) {
      return (error as Error).message;
    }
    return null;
  };
  it("accepts what the judge reads and names the field of anything else", () => {
    expect(message(undefined)).toBeNull();
    expect(message({ ref: null })).toBeNull();
    expect(message({ ref: "latest", maxMeanDrop: 0.02, maxRegressions: 0 })).toBeNull();
    expect(message({ ref: "latest", maxMeanDrop: -1 })).toBe("baseline.maxMeanDrop: expected a drop of 0 or more, such as 0.02");
    expect(message({ ref: "latest", maxRegressions: 1.5 })).toBe("baseline.maxRegressions: expected a whole number from 0 up");
    expect(message({ ref: "latest", max_regressions: 1 })).toMatch(/^baseline: unknown key max_regressions; /);
    // As [baseline] keys without a ref: kept for a run that names one (the README's CI recipe).
    expect(message({ ref: null, maxRegressions: 0, maxMeanDrop: 0.02 })).toBeNull();
  });
});
