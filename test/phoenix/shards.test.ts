// Shards of one run, started at the same moment as separate CLI processes with one --run-id, record
// into exactly one Phoenix experiment: every run and evaluation once, read back from the server.
import { afterEach, expect, it } from "vitest";
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
  runDirs,
  startForwardThenResetProxy,
  uniqueName,
  uploadDataset,
  useTempDirs,
} from "./_support.js";
import { describePhoenix, describePhoenixOnPostgres, phoenix, phoenixOnPostgres } from "./phoenix.js";
import { query } from "./postgres.js";

const temp = useTempDirs();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * Starts `count` shard processes of one run at once (each in its own folder, as CI jobs are) and
 * checks what they recorded: one experiment on the dataset, linked from every shard's run.json, that
 * holds exactly the union of the shards' results.jsonl. Returns the experiment.
 */
async function runShards(options: { url: string; recordUrl?: string; count: number; examples: number; repetitions: number }) {
  const { url, count, examples, repetitions } = options;
  const dataset = uniqueName(`shards${count}`);
  const uploaded = await uploadDataset(url, dataset, echoRows(examples, { wrong: [2] }));
  const runId = uniqueName("run");
  const folders = Array.from({ length: count }, () => {
    const cwd = temp();
    return { cwd, experiments: makeExperiments(cwd, [{ folder: dataset }]) };
  });

  const runs = await Promise.all(
    folders.map(({ cwd, experiments }, i) =>
      evalwire(["run", "--experiments", experiments, "--shard", `${i + 1}/${count}`, "--run-id", runId, "--repetitions", String(repetitions)], cwd, options.recordUrl ?? url),
    ),
  );
  for (const r of runs) expect(r.code, describeRun(r)).toBe(0);

  const local: any[] = [];
  const linked = new Set<string>();
  folders.forEach(({ cwd }, i) => {
    const dirs = runDirs(cwd);
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(new RegExp(`-shard-${i + 1}-of-${count}$`));
    expect(readRun(dirs[0]!)).toMatchObject({ shard: `${i + 1}/${count}`, runId });
    local.push(...readResults(dirs[0]!));
    linked.add(phoenixLink(dirs[0]!).experimentId);
  });
  // The shards ran every call once between them.
  const keys = local.map((result) => `${result.exampleId}#${result.repetition}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toHaveLength(examples * repetitions);

  expect(linked.size, "every shard links to the same experiment").toBe(1);
  const [experimentId] = [...linked];
  expect((await datasetExperiments(url, uploaded.datasetId)).map((e) => e.id)).toEqual([experimentId]);
  expect(expectSameAsServer(local, await experimentJson(url, experimentId!))).toEqual({ runs: examples * repetitions, evaluations: 2 * examples * repetitions });
  const experiment = await getExperiment(url, experimentId!);
  expect(experiment.metadata).toMatchObject({ evalwire_run_id: runId });
  expect({ ok: experiment.successful_run_count, missing: experiment.missing_run_count }).toEqual({ ok: examples * repetitions, missing: 0 });
  return { experiment, runs };
}

describePhoenix("shards of one run against Phoenix", () => {
  it("records 3 shards started at once into one experiment, every run and evaluation once", async () => {
    await runShards({ url: phoenix().url, count: 3, examples: 30, repetitions: 2 });
  });

  it("records into one experiment when the answer to the first creation is lost", async () => {
    const url = phoenix().url;
    let first = true;
    const proxy = await startForwardThenResetProxy(url, ({ method, path }) => {
      if (method !== "POST" || !/^\/v1\/datasets\/[^/]+\/experiments$/.test(path.split("?")[0]!) || !first) return null;
      first = false;
      return "creation";
    });
    closers.push(proxy.close);
    await runShards({ url, recordUrl: proxy.url, count: 3, examples: 12, repetitions: 1 });
    expect(proxy.lost).toEqual(["creation"]);
  });
});

describePhoenixOnPostgres("shards of one run against Phoenix on PostgreSQL", () => {
  it("records 4 shards started at once into one experiment, every run and evaluation once", async () => {
    const { url, databaseUrl } = phoenixOnPostgres();
    const { experiment } = await runShards({ url, count: 4, examples: 40, repetitions: 2 });
    // PostgreSQL itself holds each run once.
    const rows = await query(
      databaseUrl,
      `select count(*), count(distinct (dataset_example_id, repetition_number)) from experiment_runs r join experiments e on e.id = r.experiment_id where e.name = '${experiment.name}'`,
    );
    expect(rows).toEqual([["80", "80"]]);
  });
});
