// Phoenix as a team deploys it: its data in a real PostgreSQL server (global-setup.ts starts both).
import { expect, it } from "vitest";
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
  runDirFor,
  uniqueName,
  uploadDataset,
  useTempDirs,
} from "./_support.js";
import { describePhoenixOnPostgres, phoenixOnPostgres } from "./phoenix.js";
import { query } from "./postgres.js";

const temp = useTempDirs();

describePhoenixOnPostgres("evalwire run against Phoenix on PostgreSQL", () => {
  it("records every run and evaluation once, as results.jsonl has them", async () => {
    const url = phoenixOnPostgres().url;
    const dataset = uniqueName("pg_run");
    const uploaded = await uploadDataset(url, dataset, echoRows(20, { taskError: [4], wrong: [9] }));
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", makeExperiments(cwd, [{ folder: dataset }])], cwd, url);
    expect(r.code, describeRun(r)).toBe(1); // the task error on example 4
    const runDir = runDirFor(cwd, dataset);
    const { experimentId } = phoenixLink(runDir);
    expect((await datasetExperiments(url, uploaded.datasetId)).map((e) => e.id)).toEqual([experimentId]);
    const experiment = await getExperiment(url, experimentId);
    expect({ ok: experiment.successful_run_count, failed: experiment.failed_run_count }).toEqual({ ok: 19, failed: 1 });
    expect(expectSameAsServer(readResults(runDir), await experimentJson(url, experimentId))).toEqual({ runs: 20, evaluations: 38 });
    // The data is in PostgreSQL itself.
    const rows = await query(phoenixOnPostgres().databaseUrl, `select count(*) from experiment_runs r join experiments e on e.id = r.experiment_id where e.name = '${experiment.name}'`);
    expect(rows).toEqual([["20"]]);
  });
});
