// Thresholds a library caller passes are checked as evalwire.toml's are: before, the evalwire.toml
// form `{ exact_match: 0.8 }` threw a TypeError from deep inside the judge, and `{ evaluators:
// { exact_match: 0.8 } }` was read as no bar at all, so the run passed unjudged.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExperimentRunner, type Thresholds, UsageError } from "../../../src/index.js";
import { checkThresholds } from "../../../src/judge/check-thresholds.js";
import { tempDir } from "../../helpers/cli.js";

const message = (value: unknown, option = "thresholds"): string => {
  try {
    checkThresholds(value, option);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
};

describe("checkThresholds", () => {
  it("accepts what the judge reads, and no value at all", () => {
    expect(() => checkThresholds(undefined, "thresholds")).not.toThrow();
    expect(() => checkThresholds({ evaluators: {} }, "thresholds")).not.toThrow();
    expect(() => checkThresholds({ maxErrors: { percent: 2 }, evaluators: { top_k: { mean: 0.8, pass: 0.5, pass_rate: 0.9, pass_at_k: 1, pass_all_k: 0 } } }, "thresholds")).not.toThrow();
    expect(() => checkThresholds({ maxErrors: { count: 0 }, evaluators: {} }, "thresholdOverrides")).not.toThrow();
  });

  it("names the field and the fix for every shape the judge would misread", () => {
    expect(message({ exact_match: 0.8 })).toBe(
      "thresholds: expected { evaluators: { NAME: { mean: 0.8 } }, maxErrors?: { count: N } }; the evalwire.toml form { exact_match: 0.8 } is written { evaluators: { exact_match: { mean: 0.8 } } } here",
    );
    expect(message({ evaluators: { exact_match: 0.8 } })).toBe(
      "thresholds.evaluators.exact_match: expected an object of bars such as { mean: 0.8 } (keys: mean, pass, pass_rate, pass_at_k, pass_all_k)",
    );
    expect(message({ evaluators: { exact_match: { mena: 0.8 } } }, "thresholdOverrides")).toMatch(/^thresholdOverrides\.evaluators\.exact_match: unknown key mena; /);
    expect(message({ evaluators: { exact_match: { pass_rate: 2 } } })).toBe("thresholds.evaluators.exact_match.pass_rate: expected a share from 0 to 1");
    expect(message({ evaluators: { exact_match: { mean: Number.NaN } } })).toBe("thresholds.evaluators.exact_match.mean: expected a number");
    expect(message({ maxErrors: 2, evaluators: {} })).toBe("thresholds.maxErrors: expected { count: N } or { percent: P }");
    expect(message(null)).toBe("thresholds: expected { evaluators: { NAME: { mean: 0.8 } }, maxErrors?: { count: N } }");
  });
});

describe("ExperimentRunner thresholds", () => {
  let remove = () => {};
  afterEach(() => remove());
  const folder = () => {
    const made = tempDir();
    remove = made.remove;
    const dir = join(made.dir, "experiments", "half");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "task.ts"), "export const task = ({ input }: { input: { n: number } }) => input.n;");
    writeFileSync(join(dir, "even.ts"), "export const even = ({ output }: { output: number }) => output % 2 === 0;");
    writeFileSync(join(dir, "dataset.jsonl"), [1, 2, 3, 4].map((n) => JSON.stringify({ id: `e${n}`, input: { n } })).join("\n"));
    return { experimentsDir: join(made.dir, "experiments"), runsDir: join(made.dir, "runs") };
  };

  it("rejects a bar it would not read with a UsageError before any work starts, and applies one it reads", async () => {
    const dirs = folder();
    await expect(new ExperimentRunner({ ...dirs, thresholds: { even: 0.8 } as unknown as Thresholds }).run()).rejects.toThrow(/^thresholds: expected \{ evaluators/);
    await expect(new ExperimentRunner({ ...dirs, thresholds: { evaluators: { even: 0.8 } } as unknown as Thresholds }).run()).rejects.toThrow(UsageError);
    const run = await new ExperimentRunner({ ...dirs, thresholds: { evaluators: { even: { mean: 0.8 } } } }).run();
    expect(run.status).toBe("failed");
    expect(run.experiments[0]!.failure).toBe("even mean 0.50 < 0.80");
  }, 60_000);
});
