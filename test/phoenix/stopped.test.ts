// Phoenix goes away in the middle of a run: the run goes on to the end, the local run store keeps
// every result, and the run fails, saying how much was not recorded in Phoenix and why.
import { afterAll, beforeAll, expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import { datasetExperiments, describeRun, echoRows, evalwire, makeExperiments, readResults, readRun, resultLines, runDirs, uniqueName, uploadDataset, useTempDirs, waitFor } from "./_support.js";
import { describePhoenix } from "./phoenix.js";
import { type PhoenixServer, startPhoenix } from "./server.js";

const temp = useTempDirs();

describePhoenix("evalwire run when Phoenix stops in the middle", () => {
  // A server of this file's own: stopping the shared one would break the other files.
  let server: PhoenixServer | undefined;
  beforeAll(async () => {
    server = await startPhoenix();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("keeps every result in the run store, exits 1, and names what was not recorded and why", async () => {
    const url = server!.url;
    const dataset = uniqueName("stopped");
    const examples = 40;
    const uploaded = await uploadDataset(url, dataset, echoRows(examples, { sleepMs: 100 }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    const child = startCli(["run", "--experiments", experiments, "--example-concurrency", "2"], { cwd, env: { PHOENIX_HOST: url } });
    const done = collect(child);
    const exited = done.then(() => Date.now());
    let stop: Awaited<ReturnType<typeof stopMidway>>;
    try {
      stop = await stopMidway();
    } catch (error) {
      // The run must not outlive a test that failed before it ended.
      child.kill("SIGKILL");
      throw error;
    }
    const { runDir, onServer, afterStop } = stop;
    const r = await done;
    const end = await exited;
    console.log(
      `stopped: server stopped after ${stop.atStop} results, ${onServer} of them on the server (stop took ${stop.stoppedAt - stop.stopAt} ms, ${afterStop} results by then); ` +
        `the run ended ${end - stop.stoppedAt} ms after the server was gone (${end - stop.stopAt} ms after stop() was called)`,
    );

    /** Once a few results are in the run store and at least one run is on the server, stops the server. */
    async function stopMidway() {
      const runDir = await waitFor(() => runDirs(cwd)[0], 30_000, "the run folder");
      await waitFor(() => resultLines(runDir) >= 4, 30_000, "4 results in results.jsonl");
      let onServer = 0;
      for (const deadline = Date.now() + 30_000; onServer === 0 && Date.now() < deadline; ) {
        const [experiment] = await datasetExperiments(url, uploaded.datasetId);
        onServer = (experiment?.successful_run_count ?? 0) + (experiment?.failed_run_count ?? 0);
        if (onServer === 0) await new Promise((wake) => setTimeout(wake, 25));
      }
      expect(onServer, "runs on the server before it stops").toBeGreaterThan(0);
      const atStop = resultLines(runDir);
      const stopAt = Date.now();
      await server!.stop();
      const stoppedAt = Date.now();
      // Results finished from here on cannot have reached Phoenix.
      const afterStop = resultLines(runDir);
      return { runDir, onServer, atStop, afterStop, stopAt, stoppedAt };
    }

    expect(r.code, describeRun(r)).toBe(1);
    // The run store holds every result, each with its evaluations.
    const local = readResults(runDir);
    expect(local).toHaveLength(examples);
    expect(local.every((result) => result.error === null && result.evaluations.length === 2)).toBe(true);

    // "N of 40 runs and K of 80 evaluations not recorded in Phoenix (kept in the run store): <reason>"
    const all = `${r.stdout}\n${r.stderr}`;
    const match = new RegExp(`(\\d+) of ${examples} runs and (\\d+) of ${examples * 2} evaluations not recorded in Phoenix[^:]*: (.+)`).exec(all);
    expect(match, describeRun(r)).not.toBeNull();
    const [, runsLost, evaluationsLost, reason] = match!;
    expect(Number(runsLost)).toBeGreaterThanOrEqual(examples - afterStop);
    // Runs seen on the server before the stop were recorded; runs finished after it were not.
    expect(Number(runsLost)).toBeLessThanOrEqual(examples - onServer);
    expect(Number(evaluationsLost)).toBeGreaterThanOrEqual(2 * Number(runsLost));
    expect(reason).toContain(url);
    expect(reason).toMatch(/cannot reach Phoenix|answered 5\d\d/);
    expect(r.stdout).toMatch(new RegExp(`✖ ${dataset}: ${runsLost} of ${examples} runs`));
    expect(r.stdout).toMatch(/1 of 1 experiment failed/);

    const run = readRun(runDir);
    expect(run.status).toBe("failed");
    expect(run.summary.failure).toContain("not recorded in Phoenix");
    // What to do about it, naming the run as evalwire sync takes it.
    expect(run.summary.failure).toMatch(new RegExp(`; once Phoenix is back, \`evalwire sync ${run.name}\` posts them$`));
    expect(run.summary.completed).toBe(examples);
  });

  it("fails every experiment in one line naming the server when Phoenix is not there at all, recording nothing", async () => {
    // The server of the test above, stopped: its port now refuses connections.
    await server!.stop();
    const url = server!.url;
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: "first" }, { folder: "second" }]);

    const r = await evalwire(["run", "--experiments", experiments], cwd, url);
    console.log(`unreachable: the run took ${r.ms} ms`);
    expect(r.code, describeRun(r)).toBe(1);
    for (const experiment of ["first", "second"]) {
      const line = r.stdout.split("\n").find((each) => each.startsWith(`✖ ${experiment}: `));
      expect(line, describeRun(r)).toBeDefined();
      expect(line).toContain(`cannot reach Phoenix at ${url}`);
    }
    expect(r.stdout).toMatch(/2 of 2 experiments failed/);
    expect(r.all).not.toMatch(/^\s+at /m); // no stack trace
    expect(runDirs(cwd)).toEqual([]);
    // The second experiment does not wait through the retries again.
    expect(r.ms).toBeLessThan(30_000);
  });
});
