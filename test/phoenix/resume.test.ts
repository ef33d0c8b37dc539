// evalwire run --resume on the Phoenix backend: a run killed with SIGKILL (its last line torn) is
// finished in the same run folder and the same Phoenix experiment, every (example, repetition)
// recorded exactly once in both, read back from the server.
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import {
  datasetExperiments,
  describeRun,
  echoRows,
  evalwire,
  expectSameAsServer,
  experimentJson,
  makeExperiments,
  phoenixLink,
  readResults,
  readRun,
  resultLines,
  runDirs,
  uniqueName,
  uploadDataset,
  useTempDirs,
  waitFor,
} from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("evalwire run --resume against Phoenix", () => {
  it("finishes a killed run in the same experiment, each run recorded once locally and on the server", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("resume");
    const examples = 24;
    const uploaded = await uploadDataset(url, dataset, echoRows(examples, { sleepMs: 150, taskError: [5], evalError: [9] }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    const child = startCli(["run", "--experiments", experiments, "--example-concurrency", "2", "--repetitions", "2"], { cwd, env: { PHOENIX_HOST: url } });
    const done = collect(child);
    let runDir: string;
    try {
      runDir = await waitFor(() => runDirs(cwd)[0], 60_000, "the run folder");
      await waitFor(() => resultLines(runDir) >= 8, 60_000, "8 results in results.jsonl");
    } finally {
      child.kill("SIGKILL");
    }
    await done;
    appendFileSync(join(runDir, "results.jsonl"), '{"exampleId":"torn","repetition":1,"out');
    const before = readFileSync(join(runDir, "results.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.endsWith("}")).length;
    expect(before).toBeLessThan(2 * examples);
    const { experimentId } = phoenixLink(runDir);

    const resumed = await evalwire(["run", "--experiments", experiments, "--resume"], cwd, url);
    expect(resumed.code, describeRun(resumed)).toBe(1); // example 5's task throws, example 9's evaluator
    expect(resumed.all).toContain(`resuming ${readRun(runDir).name}: ${before} task calls already recorded`);
    expect(runDirs(cwd)).toEqual([runDir]);

    const local = readResults(runDir);
    expect(local).toHaveLength(2 * examples);
    expect(new Set(local.map((result: any) => `${result.exampleId}#${result.repetition}`)).size).toBe(2 * examples);
    expect(readRun(runDir)).toMatchObject({ status: "failed", summary: { completed: 2 * examples, planned: 2 * examples } });
    expect(phoenixLink(runDir).experimentId).toBe(experimentId);

    const server = await experimentJson(url, experimentId);
    const counts = expectSameAsServer(local, server);
    expect(counts.runs).toBe(2 * examples);
    expect(await datasetExperiments(url, uploaded.datasetId)).toHaveLength(1);
  });
});
