// Every run carries the trace id of its task span, and the span is on the server in the
// experiment's project; a trace export that fails is a warning, never a lost run.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import {
  describeRun,
  echoRows,
  evalwire,
  expectSameAsServer,
  experimentJson,
  getExperiment,
  makeExperiments,
  phoenixLink,
  projectSpans,
  readResults,
  runDirFor,
  uniqueName,
  uploadDataset,
  useTempDirs,
  waitForSpans,
} from "./_support.js";
import { type Fault, type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();
const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.close();
});

describePhoenix("evalwire run against Phoenix: traces", () => {
  it("exports each task's span to the experiment's project, with the run's trace id and the example's input", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("traces");
    await uploadDataset(url, dataset, echoRows(6, { taskError: [4] }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: "traced", toml: `dataset = "${dataset}"\n` }]);

    const r = await evalwire(["run", "--experiments", experiments, "--repetitions", "2"], cwd, url);
    expect(r.code, describeRun(r)).toBe(1); // the task error on example 4
    expect(r.stderr).not.toMatch(/spans not exported/);
    const runDir = runDirFor(cwd, dataset);
    const local = readResults(runDir);
    const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
    const runs = await experimentJson(url, experiment.id);
    expectSameAsServer(local, runs); // trace ids included
    expect(new Set(runs.map((run) => run.trace_id)).size).toBe(12);

    expect(experiment.project_name).toBeTruthy();
    const spans = await waitForSpans(url, experiment.project_name!, 12);
    expect(spans).toHaveLength(12);
    const byTrace = new Map(spans.map((span) => [span.context.trace_id, span]));
    for (const run of runs) {
      const span = byTrace.get(run.trace_id!);
      expect(span, `span of trace ${run.trace_id}`).toBeDefined();
      expect(span!.name).toBe("Task: traced");
      expect(span!.parent_id).toBeNull();
      expect(JSON.parse(span!.attributes["input.value"] as string)).toEqual(run.input);
      expect(span!.status_code).toBe(run.error ? "ERROR" : "OK");
      if (!run.error) expect(JSON.parse(span!.attributes["output.value"] as string)).toEqual(run.output);
      expect(local.find((result) => result.traceId === run.trace_id)?.exampleId).toBe(run.example_id);
    }
  });

  it("exports no span with --no-traces, or with [phoenix] traces = false, and still records every run", async () => {
    const url = phoenix().url;
    for (const how of ["flag", "config"] as const) {
      const dataset = uniqueName(`untraced_${how}`);
      await uploadDataset(url, dataset, echoRows(4));
      const cwd = temp();
      const experiments = makeExperiments(cwd, [{ folder: "untraced", toml: `dataset = "${dataset}"\n` }]);
      if (how === "config") writeFileSync(join(cwd, "evalwire.toml"), "[phoenix]\ntraces = false\n");
      const r = await evalwire(["run", "--experiments", experiments, ...(how === "flag" ? ["--no-traces"] : [])], cwd, url);
      expect(r.code, describeRun(r)).toBe(0);
      const runDir = runDirFor(cwd, dataset);
      const local = readResults(runDir);
      expect(
        local.every((result) => result.traceId === undefined),
        how,
      ).toBe(true);
      const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
      const runs = await experimentJson(url, experiment.id);
      expect(runs, how).toHaveLength(4);
      // Give a span that should not exist the time one that does would take to arrive.
      await new Promise((wake) => setTimeout(wake, 2000));
      expect(await projectSpans(url, experiment.project_name!).catch(() => []), how).toEqual([]);
    }
  });

  it("warns when spans cannot be exported (every POST /v1/traces answered 503, or reset) and still records every run", async () => {
    const url = phoenix().url;
    // Both faults side by side: the exporter retries for about 10 s before it gives up.
    await Promise.all(
      (["503", "reset"] as const).map(async (fault) => {
        const proxy = await startFaultProxy(url, ({ method, path }): Fault => (method === "POST" && path.startsWith("/v1/traces") ? fault : "pass"));
        proxies.push(proxy);
        const dataset = uniqueName(`traces_${fault}`);
        await uploadDataset(url, dataset, echoRows(8));
        const cwd = temp();
        const experiments = makeExperiments(cwd, [{ folder: dataset }]);

        const r = await evalwire(["run", "--experiments", experiments], cwd, proxy.url);
        expect(r.code, describeRun(r)).toBe(0);
        expect(proxy.counts[fault], `POST /v1/traces answered ${fault}`).toBeGreaterThan(0);
        expect(r.stderr).toMatch(new RegExp(`warning: ${dataset}: 8 task spans not exported to Phoenix: \\S`));
        expect(r.stdout).toMatch(/1 experiment passed/);
        console.log(`traces ${fault}: run took ${r.ms} ms; ${proxy.counts[fault]} trace posts failed; ${r.stderr.trim()}`);

        const runDir = runDirFor(cwd, dataset);
        const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
        expect(expectSameAsServer(readResults(runDir), await experimentJson(url, experiment.id))).toEqual({ runs: 8, evaluations: 16 });
        expect(await projectSpans(url, experiment.project_name!).catch(() => [])).toEqual([]);
      }),
    );
  });
});
