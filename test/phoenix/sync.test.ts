// evalwire sync: a run recorded while Phoenix was down (or with the local backend) is pushed into
// Phoenix later, read back from the server; a second sync adds nothing.
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { collect, startCli, writeFiles } from "../helpers/cli.js";
import {
  datasetExperiments,
  datasetIdByName,
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
import { type PhoenixServer, startPhoenix } from "./server.js";

const temp = useTempDirs();

describePhoenix("evalwire sync", () => {
  const servers: PhoenixServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it("pushes what a run could not record while Phoenix was stopped, and a second sync adds nothing", async () => {
    // A server of this test's own, on a working folder that outlives it: the server started again
    // on that folder holds the dataset and the experiment of the first.
    const workingDir = temp("evalwire-phoenix-data-");
    const t0 = Date.now();
    // A loaded machine can take minutes to start a server.
    const first = await startPhoenix({ workingDir, timeoutMs: 180_000 });
    const started = Date.now();
    servers.push(first);
    const dataset = uniqueName("sync_stopped");
    const examples = 30;
    const uploaded = await uploadDataset(first.url, dataset, echoRows(examples, { sleepMs: 100, taskError: [7], evalError: [11], wrong: [13] }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    const child = startCli(["run", "--experiments", experiments, "--example-concurrency", "2"], { cwd, env: { PHOENIX_HOST: first.url } });
    const done = collect(child);
    let runDir: string;
    let onServerAtStop = 0;
    try {
      runDir = await waitFor(() => runDirs(cwd)[0], 30_000, "the run folder");
      await waitFor(() => resultLines(runDir) >= 4, 30_000, "4 results in results.jsonl");
      for (const deadline = Date.now() + 30_000; onServerAtStop === 0 && Date.now() < deadline; ) {
        const [experiment] = await datasetExperiments(first.url, uploaded.datasetId);
        onServerAtStop = (experiment?.successful_run_count ?? 0) + (experiment?.failed_run_count ?? 0);
      }
      await first.stop();
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    const r = await done;
    expect(r.code, describeRun(r)).toBe(1);
    const ran = Date.now();
    const local = readResults(runDir);
    expect(local).toHaveLength(examples);
    const { experimentId } = phoenixLink(runDir);

    const second = await startPhoenix({ workingDir, timeoutMs: 180_000 });
    servers.push(second);
    console.log(`sync: Phoenix started in ${started - t0} ms, stopped with ${onServerAtStop} runs recorded, the run took ${ran - started} ms, Phoenix restarted in ${Date.now() - ran} ms`);
    const before = await experimentJson(second.url, experimentId);
    expect(before.length, "runs recorded before the stop").toBeGreaterThan(0);
    expect(before.length, "runs the stop kept out").toBeLessThan(examples);

    const synced = await evalwire(["sync", join(".evalwire", "runs", readRun(runDir).name)], cwd, second.url);
    expect(synced.code, describeRun(synced)).toBe(0);
    const posted = examples - before.length;
    expect(synced.stdout).toContain(`Posted ${posted} run`);
    expect(synced.stdout).toContain(`already there: ${before.length} run`);
    const after = await experimentJson(second.url, experimentId);
    const counts = expectSameAsServer(local, after);
    // Example 7's task throws, so it has no evaluations.
    const evaluations = local.reduce((sum, result) => sum + result.evaluations.length, 0);
    expect(evaluations).toBe(2 * (examples - 1));
    expect(counts).toEqual({ runs: examples, evaluations });
    // Into the experiment the run was recorded in: no second one.
    expect(await datasetExperiments(second.url, uploaded.datasetId)).toHaveLength(1);

    // By the run's name, as `evalwire run` printed it: nothing left to post.
    const again = await evalwire(["sync", readRun(runDir).name], cwd, second.url);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toContain("Posted 0 runs and 0 evaluations");
    expect(again.stdout).toContain(`already there: ${examples} runs, ${evaluations} evaluations`);
    expect(await experimentJson(second.url, experimentId)).toEqual(after);
    expect(await datasetExperiments(second.url, uploaded.datasetId)).toHaveLength(1);
  }, 400_000);

  it("pushes a run of the local backend into a new experiment on the dataset of the same name, once", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("sync_local");
    const rows = echoRows(5, { taskError: [2], evalError: [4] });
    await uploadDataset(url, dataset, rows);
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    // The same examples in a local file without ids: matched to the server's by content.
    writeFiles(join(experiments, dataset), { "dataset.jsonl": rows.map((row) => JSON.stringify(row)).join("\n") });
    const r = await evalwire(["run", "--experiments", experiments, "--backend", "local"], cwd, null);
    expect(r.code, describeRun(r)).toBe(1); // example 2's task throws
    const runDir = runDirs(cwd)[0]!;
    const local = readResults(runDir);
    expect(local).toHaveLength(5);

    const synced = await evalwire(["sync", runDir], cwd, url);
    expect(synced.code, describeRun(synced)).toBe(0);
    // Example 2's task throws: no evaluations for it.
    expect(synced.stdout).toContain("Created the experiment; posted 5 runs and 8 evaluations");
    const datasetId = await datasetIdByName(url, dataset);
    const [experiment, ...others] = await datasetExperiments(url, datasetId);
    expect(others).toEqual([]);
    expect(experiment!.name).toBe(readRun(runDir).name);
    expect(phoenixLink(runDir).experimentId).toBe(experiment!.id);

    // Each server run is the local result of the example with the same input.
    const server = await experimentJson(url, experiment!.id);
    const byN = (n: unknown) => local.find((result) => result.output?.answer === 2 * (n as number) || result.error?.includes(`example ${n}`));
    expect(server).toHaveLength(5);
    for (const run of server) {
      const result = byN(run.input.n);
      expect(result, `local result of n=${run.input.n}`).toBeDefined();
      expect({ output: run.output, error: run.error }).toEqual({ output: result.output, error: result.error });
      expect(run.annotations.map((a) => [a.name, a.score, a.error]).sort()).toEqual(result.evaluations.map((e: any) => [e.name, e.error ? null : e.score, e.error]).sort());
    }

    const again = await evalwire(["sync", runDir], cwd, url);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toContain("Posted 0 runs and 0 evaluations");
    expect(await datasetExperiments(url, datasetId)).toHaveLength(1);
    expect(await experimentJson(url, experiment!.id)).toEqual(server);
  });

  it("refuses in one line a run whose dataset Phoenix does not have, and a run that does not exist", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("sync_absent");
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    writeFiles(join(experiments, dataset), { "dataset.jsonl": JSON.stringify({ input: { n: 1 }, output: { answer: 2 } }) });
    const r = await evalwire(["run", "--experiments", experiments, "--backend", "local"], cwd, null);
    expect(r.code, describeRun(r)).toBe(0);

    const synced = await evalwire(["sync", runDirs(cwd)[0]!], cwd, url);
    expect(synced.code, describeRun(synced)).toBe(1);
    expect(synced.stderr.trim()).toBe(`evalwire: dataset "${dataset}" not found on Phoenix at ${url}; upload it first (evalwire upload), then sync again`);

    const missing = await evalwire(["sync", "eval_nothing_2026-01-01T00:00:00"], cwd, url);
    expect(missing.code, describeRun(missing)).toBe(2);
    expect(missing.stderr).toMatch(/^evalwire: no run "eval_nothing_2026-01-01T00:00:00": give a run folder holding run.json, or the name of a run in \.evalwire\/runs\n$/);

    const noServer = await evalwire(["sync", runDirs(cwd)[0]!], cwd, null);
    expect(noServer.code, describeRun(noServer)).toBe(2);
    expect(noServer.stderr).toContain("sync needs a Phoenix server");
  });
});
