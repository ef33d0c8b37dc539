// Ctrl-C while Phoenix has stopped answering: the run is "interrupted" (exit 130), it still says
// how many results the run store holds that Phoenix lacks and how to post them, and a dataset
// lookup still being retried stops at once.
import { expect, it } from "vitest";
import { collect, startCli } from "../helpers/cli.js";
import { describeRun, echoRows, experimentJson, makeExperiments, phoenixLink, readResults, readRun, resultLines, runDirs, uniqueName, uploadDataset, useTempDirs, waitFor } from "./_support.js";
import { startFaultProxy } from "./fault-proxy.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("Ctrl-C while Phoenix is gone", () => {
  it("exits 130 and warns that results are not in Phoenix, naming the command that posts them", async () => {
    const dataset = uniqueName("interrupted_down");
    await uploadDataset(phoenix().url, dataset, echoRows(40, { sleepMs: 150 }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    // Phoenix "goes away" once a few results are in: from then on every connection is reset.
    let gone = false;
    const proxy = await startFaultProxy(phoenix().url, () => (gone ? "reset" : "pass"));
    try {
      const child = startCli(["run", "--experiments", experiments, "--example-concurrency", "2"], { cwd, env: { PHOENIX_HOST: proxy.url } });
      const done = collect(child);
      let runDir: string;
      try {
        runDir = await waitFor(() => runDirs(cwd)[0], 60_000, "the run folder");
        await waitFor(() => resultLines(runDir) >= 4, 60_000, "4 results in results.jsonl");
        gone = true;
        await waitFor(() => resultLines(runDir) >= 8, 60_000, "8 results in results.jsonl");
      } catch (error) {
        child.kill("SIGKILL");
        throw error;
      }
      child.kill("SIGINT");
      const r = await done;
      expect(r.code, describeRun(r)).toBe(130);
      const run = readRun(runDir);
      expect(run.status).toBe("interrupted");
      const local = readResults(runDir);
      const onServer = await experimentJson(phoenix().url, phoenixLink(runDir).experimentId);
      expect(onServer.length, "runs on the server").toBeLessThan(local.length);
      const warning = new RegExp(
        `^warning: ${dataset}: (\\d+) of ${local.length} runs and \\d+ of \\d+ evaluations not recorded in Phoenix \\(kept in the run store\\): .*; once Phoenix is back, \`evalwire sync ${run.name}\` posts them$`,
        "m",
      );
      const match = warning.exec(r.stderr);
      expect(match, describeRun(r)).not.toBeNull();
      expect(Number(match![1])).toBe(local.length - onServer.length);
    } finally {
      await proxy.close();
    }
  });

  it("stops retrying the dataset lookup at once: no try after Ctrl-C", async () => {
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: uniqueName("lookup_away") }]);
    const proxy = await startFaultProxy(phoenix().url, () => "reset");
    try {
      const child = startCli(["run", "--experiments", experiments], { cwd, env: { PHOENIX_HOST: proxy.url } });
      const done = collect(child);
      try {
        await waitFor(() => proxy.counts.reset >= 1, 60_000, "the first try of the lookup");
      } catch (error) {
        child.kill("SIGKILL");
        throw error;
      }
      const tries = proxy.counts.reset;
      child.kill("SIGINT");
      const r = await done;
      expect(r.code, describeRun(r)).toBe(130);
      // The next try is due 250-500 ms after a failed one: at most one may have left as the signal came.
      // Without the stop, the lookup makes all 6 tries before the run can end.
      expect(proxy.counts.reset, describeRun(r)).toBeLessThanOrEqual(tries + 1);
      expect(proxy.counts.reset).toBeLessThan(6);
    } finally {
      await proxy.close();
    }
  });
});
