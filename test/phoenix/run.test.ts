// A run against a real Phoenix records everything: the experiment, every run, every evaluation,
// the same as the local run store holds; the summary and run.json link to the experiment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { root } from "../helpers/cli.js";
import {
  datasetExperiments,
  describeRun,
  echoRows,
  evalwire,
  expectSameAsServer,
  experimentJson,
  getExperiment,
  makeExperiments,
  phoenixLink,
  readResults,
  readRun,
  runDirFor,
  uniqueName,
  uploadDataset,
  useTempDirs,
  waitForSpans,
} from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();
const version: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;

describePhoenix("evalwire run against Phoenix: what is recorded", () => {
  it("records the experiment, every run and every evaluation as results.jsonl has them, and exits 1 on task and evaluator errors", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("run_errors");
    // 12 examples: the task throws on 3, the evaluator `graded` throws on 5, `doubled` fails on 7.
    const uploaded = await uploadDataset(url, dataset, echoRows(12, { taskError: [3], evalError: [5], wrong: [7] }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    const r = await evalwire(["run", "--experiments", experiments, "--repetitions", "2", "--prefix", "pr", "--metadata", "owner=ci", "--metadata", "ticket=EV-12"], cwd, url);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout.split("\n")[0]).toContain(`phoenix backend · ${url}`);
    expect(r.stdout).toMatch(/2 task errors, 2 evaluator errors/);

    // The local run store, then the server's copy of the same run.
    const runDir = runDirFor(cwd, dataset, "pr");
    const local = readResults(runDir);
    expect(local).toHaveLength(24);
    const { experimentId, url: link } = phoenixLink(runDir);

    const listed = await datasetExperiments(url, uploaded.datasetId);
    expect(listed.map((e) => e.id)).toEqual([experimentId]);
    const experiment = await getExperiment(url, experimentId);
    const name = readRun(runDir).name as string;
    expect(name).toMatch(new RegExp(`^pr_${dataset}_\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d$`));
    expect(experiment.name).toBe(name);
    expect(experiment.dataset_id).toBe(uploaded.datasetId);
    expect(experiment.dataset_version_id).toBe(uploaded.versionId);
    expect(experiment.repetitions).toBe(2);
    expect(experiment.metadata).toMatchObject({ dataset, run_by: "evalwire", evalwire_version: version, owner: "ci", ticket: "EV-12" });
    expect(experiment.example_count).toBe(12);
    expect({ ok: experiment.successful_run_count, failed: experiment.failed_run_count, missing: experiment.missing_run_count }).toEqual({ ok: 22, failed: 2, missing: 0 });

    const server = await experimentJson(url, experimentId);
    expect(server).toHaveLength(12 * 2);
    // 22 runs without a task error, two evaluators each.
    expect(expectSameAsServer(local, server)).toEqual({ runs: 24, evaluations: 44 });
    const failedRuns = server.filter((run) => run.error !== null);
    expect(failedRuns.map((run) => [run.input.n, run.error])).toEqual([
      [3, "task refused example 3"],
      [3, "task refused example 3"],
    ]);
    const graded = server.flatMap((run) => run.annotations.filter((a) => a.name === "graded" && a.error !== null).map((a) => [run.input.n, a.error]));
    expect(graded).toEqual([
      [5, "graded cannot grade example 5"],
      [5, "graded cannot grade example 5"],
    ]);
    expect(server.filter((run) => run.input.n === 7).flatMap((run) => run.annotations.filter((a) => a.name === "doubled").map((a) => [a.score, a.label]))).toEqual([
      [0, "fail"],
      [0, "fail"],
    ]);

    // The summary prints the experiment's URL; run.json links to the same.
    expect(link.startsWith(`${url}/`)).toBe(true);
    expect(link).toContain(encodeURIComponent(uploaded.datasetId));
    expect(link).toContain(encodeURIComponent(experimentId));
    expect(r.stdout).toContain(link);
    expect(readRun(runDir).summary.url).toBe(link);
  });

  it("exits 0 on a clean run, and the user's metadata wins over evalwire's", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("run_clean");
    const uploaded = await uploadDataset(url, dataset, echoRows(5));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset, toml: 'metadata = { team = "search" }\n' }]);

    const r = await evalwire(["run", "--experiments", experiments, "--metadata", "run_by=nightly"], cwd, url);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/1 experiment passed/);
    const runDir = runDirFor(cwd, dataset);
    const { experimentId } = phoenixLink(runDir);
    const experiment = await getExperiment(url, experimentId);
    expect(experiment.name).toMatch(new RegExp(`^eval_${dataset}_\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d$`));
    expect(experiment.metadata).toMatchObject({ dataset, run_by: "nightly", team: "search" });
    expect(experiment.repetitions).toBe(1);
    expect(experiment.dataset_version_id).toBe(uploaded.versionId);
    const server = await experimentJson(url, experimentId);
    expect(expectSameAsServer(readResults(runDir), server)).toEqual({ runs: 5, evaluations: 10 });
    expect(server.every((run) => run.error === null && run.annotations.every((a) => a.error === null))).toBe(true);
  });

  it("records through the library API with a client made by createClient", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("run_library");
    const uploaded = await uploadDataset(url, dataset, echoRows(4));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    const runsDir = join(cwd, "runs");

    const { ExperimentRunner } = await import(pathToFileURL(join(root, "dist", "index.js")).href);
    const { createClient } = await import("@arizeai/phoenix-client");
    const runner = new ExperimentRunner({ experimentsDir: experiments, runsDir, phoenixClient: createClient({ options: { baseUrl: url } }) });
    const run = await runner.run({ metadata: { via: "library" } });

    expect(run).toMatchObject({ status: "passed", exitCode: 0 });
    expect(run.experiments).toHaveLength(1);
    const [result] = run.experiments;
    expect(result.status).toBe("passed");
    expect(result.completed).toBe(4);
    expect(result.url).toContain(encodeURIComponent(uploaded.datasetId));

    const listed = await datasetExperiments(url, uploaded.datasetId);
    expect(listed).toHaveLength(1);
    const experiment = listed[0]!;
    expect(result.url).toContain(encodeURIComponent(experiment.id));
    expect(experiment.name).toBe(result.name);
    expect(experiment.metadata).toMatchObject({ dataset, run_by: "evalwire", via: "library" });
    const local = readResults(result.runPath);
    expect(expectSameAsServer(local, await experimentJson(url, experiment.id))).toEqual({ runs: 4, evaluations: 8 });
    expect(readRun(result.runPath).links.phoenix.experimentId).toBe(experiment.id);
    // The task spans went to the client's server too, into the experiment's project.
    const traceIds = new Set(local.map((each: any) => each.traceId));
    const spans = await waitForSpans(url, experiment.project_name!, 4);
    expect(new Set(spans.map((span) => span.context.trace_id))).toEqual(traceIds);
  });
});
