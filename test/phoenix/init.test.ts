// A new user with PHOENIX_HOST already set: init's "Next:" steps, followed word for word, pass.
import { expect, it } from "vitest";
import { datasetExperiments, datasetIdByName, describeRun, evalwire, useTempDirs } from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("evalwire init with a Phoenix URL set", () => {
  it("says to upload the dataset first; its steps run as printed and record into Phoenix", async () => {
    const url = phoenix().url;
    const cwd = temp();
    const init = await evalwire(["init", "--experiments", "evals"], cwd, url);
    expect(init.code, describeRun(init)).toBe(0);
    const next = /^Next: (.*)$/m.exec(init.stdout)?.[1];
    expect(next, describeRun(init)).toBe(
      `npx evalwire upload evals/capitals/dataset.jsonl (PHOENIX_HOST is set, so run reads the dataset from Phoenix at ${url}); then: npx evalwire run --experiments evals`,
    );

    for (const step of next!.split("; then: ")) {
      const args = step
        .replace(/ \(.*\)$/, "")
        .split(" ")
        .slice(2); // after "npx evalwire"
      const done = await evalwire(args, cwd, url);
      expect(done.code, `${step}\n${describeRun(done)}`).toBe(0);
    }
    const experiments = await datasetExperiments(url, await datasetIdByName(url, "capitals"));
    expect(experiments.some((experiment) => experiment.successful_run_count === 5)).toBe(true);
  });
});
