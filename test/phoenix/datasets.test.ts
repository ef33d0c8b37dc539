// Which Phoenix dataset an experiment runs on: by folder name or `dataset` in its evalwire.toml,
// pinned to a version, narrowed to splits; a missing dataset, version or split fails that experiment
// alone, with a one-line message naming the dataset and the server.
import { expect, it } from "vitest";
import {
  datasetExperiments,
  describeRun,
  echoRows,
  evalwire,
  expectSameAsServer,
  experimentJson,
  getExperiment,
  getJson,
  makeExperiments,
  phoenixLink,
  readResults,
  readRun,
  runDirFor,
  runFolders,
  uniqueName,
  uploadDataset,
  useTempDirs,
} from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

/** The summary's failure line of an experiment: `✖ <experiment>: <reason>`, one line. */
function failureLine(stdout: string, experiment: string): string {
  const line = stdout.split("\n").find((each) => each.startsWith(`✖ ${experiment}: `));
  if (!line) throw new Error(`no failure line for ${experiment} in:\n${stdout}`);
  return line;
}

describePhoenix("evalwire run against Phoenix: datasets", () => {
  it("finds the dataset by the folder's name, or by `dataset` in the folder's evalwire.toml", async () => {
    const url = phoenix().url;
    const byFolder = uniqueName("ds_folder");
    const byToml = uniqueName("ds_toml");
    const folderDataset = await uploadDataset(url, byFolder, echoRows(3));
    const tomlDataset = await uploadDataset(url, byToml, echoRows(4));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: byFolder }, { folder: "renamed_folder", toml: `dataset = "${byToml}"\n` }]);

    // Both at once: two experiments in flight against one server.
    const r = await evalwire(["run", "--experiments", experiments, "--concurrency", "2"], cwd, url);
    expect(r.code, describeRun(r)).toBe(0);

    for (const [name, uploaded, count, experiment] of [
      [byFolder, folderDataset, 3, byFolder],
      [byToml, tomlDataset, 4, "renamed_folder"],
    ] as const) {
      const runDir = runDirFor(cwd, name);
      expect(readRun(runDir).experiment).toBe(experiment);
      expect(readRun(runDir).dataset).toMatchObject({ name, version: uploaded.versionId });
      const listed = await datasetExperiments(url, uploaded.datasetId);
      expect(listed.map((e) => e.id)).toEqual([phoenixLink(runDir).experimentId]);
      expect(listed[0]!.metadata.dataset).toBe(name);
      expect(readResults(runDir)).toHaveLength(count);
    }
  });

  it("runs a pinned dataset_version: only that version's examples, recorded against that version", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("ds_version");
    const first = await uploadDataset(url, dataset, echoRows(3));
    const second = await uploadDataset(url, dataset, echoRows(5).slice(3), "append");
    expect(second.datasetId).toBe(first.datasetId);
    expect(second.versionId).not.toBe(first.versionId);

    // Pinned to the first version: its 3 examples.
    const pinnedCwd = temp();
    const pinned = await evalwire(["run", "--experiments", makeExperiments(pinnedCwd, [{ folder: dataset, toml: `dataset_version = "${first.versionId}"\n` }])], pinnedCwd, url);
    expect(pinned.code, describeRun(pinned)).toBe(0);
    const pinnedDir = runDirFor(pinnedCwd, dataset);
    const pinnedExperiment = await getExperiment(url, phoenixLink(pinnedDir).experimentId);
    expect(pinnedExperiment.dataset_version_id).toBe(first.versionId);
    expect({ examples: pinnedExperiment.example_count, missing: pinnedExperiment.missing_run_count }).toEqual({ examples: 3, missing: 0 });
    expect(readRun(pinnedDir).dataset.version).toBe(first.versionId);
    const pinnedRuns = await experimentJson(url, pinnedExperiment.id);
    expect(pinnedRuns.map((run) => run.input.n).sort()).toEqual([1, 2, 3]);
    expectSameAsServer(readResults(pinnedDir), pinnedRuns);

    // Unpinned: the latest version, all 5.
    const latestCwd = temp();
    const latest = await evalwire(["run", "--experiments", makeExperiments(latestCwd, [{ folder: dataset }])], latestCwd, url);
    expect(latest.code, describeRun(latest)).toBe(0);
    const latestExperiment = await getExperiment(url, phoenixLink(runDirFor(latestCwd, dataset)).experimentId);
    expect(latestExperiment.dataset_version_id).toBe(second.versionId);
    expect((await experimentJson(url, latestExperiment.id)).map((run) => run.input.n).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("runs only the examples of the named splits", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("ds_splits");
    await uploadDataset(url, dataset, echoRows(9, { split: (n) => (n % 3 === 0 ? "test" : n % 3 === 1 ? "train" : "dev") }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset, toml: 'splits = ["train", "test"]\n' }]);

    const r = await evalwire(["run", "--experiments", experiments], cwd, url);
    expect(r.code, describeRun(r)).toBe(0);
    const runDir = runDirFor(cwd, dataset);
    expect(readResults(runDir)).toHaveLength(6);
    // The experiment itself is restricted to the splits: Phoenix counts 6 examples, none missing a run.
    const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
    expect({ examples: experiment.example_count, missing: experiment.missing_run_count }).toEqual({ examples: 6, missing: 0 });
    const server = await experimentJson(url, experiment.id);
    expect(server.map((run) => run.input.n).sort((a, b) => Number(a) - Number(b))).toEqual([1, 3, 4, 6, 7, 9]);
    expectSameAsServer(readResults(runDir), server);
  });

  it("fails an experiment whose dataset is missing, naming it and the server, while the other experiment passes and is recorded", async () => {
    const url = phoenix().url;
    const present = uniqueName("ds_present");
    const missing = uniqueName("ds_missing");
    const uploaded = await uploadDataset(url, present, echoRows(2));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: missing }, { folder: present }]);

    const r = await evalwire(["run", "--experiments", experiments], cwd, url);
    expect(r.code, describeRun(r)).toBe(1);
    const line = failureLine(r.stdout, missing);
    expect(line).toContain(`"${missing}"`);
    expect(line).toContain("not found");
    expect(line).toContain(url);
    expect(r.stdout).toMatch(new RegExp(`✔ ${present}\\b`));
    expect(r.stdout).toMatch(/1 of 2 experiments failed/);

    // Nothing recorded for the missing one; the other is in the run store and on the server.
    expect(runFolders(cwd).filter((name) => name.includes(missing))).toEqual([]);
    const listed = await datasetExperiments(url, uploaded.datasetId);
    expect(listed).toHaveLength(1);
    expect((await experimentJson(url, listed[0]!.id)).length).toBe(2);
  });

  it("finds a dataset by name when it is not on the first page of the server's dataset list", async () => {
    const url = phoenix().url;
    const wanted = uniqueName("ds_oldest");
    const uploaded = await uploadDataset(url, wanted, echoRows(2));
    // 12 newer datasets whose names start with the wanted one's: the list is newest first, 10 a page.
    for (let i = 1; i <= 12; i++) await uploadDataset(url, `${wanted}_newer${i}`, echoRows(1));
    const firstPage = await getJson<{ data: { name: string }[]; next_cursor: string | null }>(url, "/v1/datasets");
    expect(firstPage.data.length).toBeLessThanOrEqual(10);
    expect(firstPage.data.map((d) => d.name)).not.toContain(wanted);
    expect(firstPage.next_cursor).not.toBeNull();

    const cwd = temp();
    const r = await evalwire(["run", "--experiments", makeExperiments(cwd, [{ folder: wanted }])], cwd, url);
    expect(r.code, describeRun(r)).toBe(0);
    const runDir = runDirFor(cwd, wanted);
    expect(readRun(runDir).dataset.version).toBe(uploaded.versionId);
    const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
    expect(experiment.dataset_id).toBe(uploaded.datasetId);
    expect(await experimentJson(url, experiment.id)).toHaveLength(2);
  });

  it("fails an unknown dataset_version or split with a clear one-line error, recording nothing", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("ds_unknown");
    const uploaded = await uploadDataset(url, dataset, echoRows(4, { split: (n) => (n % 2 ? "train" : "test") }));
    // A well-formed version id that does not exist, one that is not an id at all, and a split that does not exist.
    const noSuchVersion = Buffer.from("DatasetVersion:987654321").toString("base64");
    const cwd = temp();
    const experiments = makeExperiments(cwd, [
      { folder: "no_such_version", toml: `dataset = "${dataset}"\ndataset_version = "${noSuchVersion}"\n` },
      { folder: "bad_version", toml: `dataset = "${dataset}"\ndataset_version = "not-a-version"\n` },
      { folder: "no_such_split", toml: `dataset = "${dataset}"\nsplits = ["train", "holdout"]\n` },
    ]);

    const r = await evalwire(["run", "--experiments", experiments], cwd, url);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/3 of 3 experiments failed/);
    for (const [experiment, names, key] of [
      ["no_such_version", [noSuchVersion], "dataset_version"],
      ["bad_version", ["not-a-version"], "dataset_version"],
      ["no_such_split", ["holdout"], "splits"],
    ] as const) {
      const line = failureLine(r.stdout, experiment);
      expect(line).toContain(`"${dataset}"`);
      expect(line).toContain(url);
      for (const name of names) expect(line).toContain(name);
      // And where to fix it.
      expect(line).toMatch(new RegExp(`; check ${key} in the folder's evalwire\\.toml$`));
      // The reason in words, not a status code or a JSON body.
      expect(line).not.toMatch(/\b(404|422)\b|[{}]/);
    }
    expect(runFolders(cwd)).toEqual([]);
    expect(await datasetExperiments(url, uploaded.datasetId)).toEqual([]);
  });
});
