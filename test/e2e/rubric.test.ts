import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlm, startFakeLlm, verdict } from "../helpers/fake-llm.js";
import { describeRun, evaluation, evalwire, fixture, resultsById, runDirFor, useTempDirs } from "./_support.js";

const temp = useTempDirs();

describe("rubric.yaml, run by the CLI", () => {
  it("a bad rubric fails its experiment with a message naming the file and the entry; the others run", async () => {
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("rubric-errors")], cwd);
    expect(r.code, describeRun(r)).toBe(1);
    const shown = (name: string) => join(fixture("rubric-errors"), name, "rubric.yaml");
    expect(r.all).toContain(`bad_type: ${shown("bad_type")}: criterion 2: unknown type "mentions" (one of exact_match,`);
    expect(r.all).toContain(`clash: ${shown("clash")}: criterion "exact" has the name of an evaluator file in the same folder; give it another name`);
    expect(r.stdout).toMatch(/fine\b.*\bcontains 1\.00\b.*\bmax_length 1\.00\b/);
    expect(r.stdout).toMatch(/3 of 4 experiments failed/);

    // A bad per-example criterion is an evaluator error of that example alone.
    const results = resultsById(runDirFor(cwd, "bad_example"));
    expect(evaluation(results.one, "rubric")).toMatchObject({ score: 1, label: "pass", error: null });
    expect(evaluation(results.two, "rubric")).toMatchObject({
      score: null,
      error: 'expected.rubric of example two: criterion 1 (min_length): "value": expected a whole number from 0 up (got "many")',
    });
  });
});

describe("llm_judge in rubric.yaml, run by the CLI", () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm(() => verdict(true, 0.9, "Friendly and clear."));
  });
  afterAll(() => fake.close());

  it("asks the [judge] endpoint with the criterion and records the verdict beside the other criteria", async () => {
    const cwd = temp();
    writeFileSync(join(cwd, "evalwire.toml"), `[judge]\nbase_url = "${fake.baseUrl}"\nmodel = "judge-model"\napi_key_env = "EVALWIRE_RUBRIC_E2E_KEY"\n`);
    const r = await evalwire(["run", "--experiments", fixture("rubric-judge")], cwd, { EVALWIRE_RUBRIC_E2E_KEY: "sk-rubric-e2e" });
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.body.messages.at(-1).content).toContain("The reply is polite.");
    const results = resultsById(runDirFor(cwd, "replies"));
    expect(evaluation(results.one, "polite")).toMatchObject({ score: 0.9, label: "pass", explanation: "Friendly and clear.", error: null });
    expect(evaluation(results.one, "contains")).toMatchObject({ score: 1, error: null });
    expect(r.all).not.toContain("sk-rubric-e2e");
  });
});
