// export, compare and report read an experiment that evalwire's own run recorded in Phoenix back
// from the server, and give the same answers as for the local run store's copy of it.
import { expect, it } from "vitest";
import { describeRun, echoRows, evalwire, makeExperiments, phoenixLink, runDirFor, uniqueName, uploadDataset, useTempDirs } from "./_support.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();

describePhoenix("export, compare and report on a Phoenix experiment", () => {
  it("read the runs and evaluations evalwire recorded, the same as the local run", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("export");
    // 6 examples: the answer to 2 is wrong (doubled fails), the task throws on 4, graded throws on 5;
    // graded scores (n % 5) / 4, so its mean over 1, 2, 3 and 6 is 0.4375.
    await uploadDataset(url, dataset, echoRows(6, { wrong: [2], taskError: [4], evalError: [5] }));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    // One example at a time: the local run holds its results in the dataset's order.
    const run = await evalwire(["run", "--experiments", experiments, "--example-concurrency", "1"], cwd, url);
    expect(run.code, describeRun(run)).toBe(1);
    const runDir = runDirFor(cwd, dataset);
    const { experimentId } = phoenixLink(runDir);

    const remote = await evalwire(["export", experimentId, "--format", "json"], cwd, url);
    expect(remote.code, describeRun(remote)).toBe(0);
    const local = await evalwire(["export", runDir, "--format", "json"], cwd, null);
    expect(local.code, describeRun(local)).toBe(0);
    // Row for row, in the same order: the dataset's (not the ids' text order, which is not it).
    const remoteRows: any[] = JSON.parse(remote.stdout);
    expect(remoteRows.map((row: any) => row.output?.answer ?? null)).toEqual([2, 4, 6, null, 10, 12]);
    expect(remoteRows).toEqual(JSON.parse(local.stdout));
    const csv = await Promise.all([evalwire(["export", experimentId], cwd, url), evalwire(["export", runDir], cwd, null)]);
    expect(csv[0].stdout).toBe(csv[1].stdout);
    expect(remoteRows.find((row) => row.error !== null)).toMatchObject({ output: null, error: "task refused example 4", doubled: null, graded: null });

    const compared = await evalwire(["compare", runDir, experimentId], cwd, url);
    expect(compared.code, describeRun(compared)).toBe(0);
    expect(compared.stdout).toBe(["  doubled: 0.8000 → 0.8000  (+0.0000)", "  graded: 0.4375 → 0.4375  (+0.0000)", "  regressed: 0  fixed: 0  new: 0  missing: 0", ""].join("\n"));

    const report = await evalwire(["report", experimentId], cwd, url);
    expect(report.code, describeRun(report)).toBe(0);
    expect(report.stdout.split("\n").slice(0, 9)).toEqual([
      `# Experiment Report: ${experimentId}`,
      "",
      "**Total runs:** 6",
      "",
      "## Evaluator Scores",
      "",
      "- **doubled**: 0.8000",
      "- **graded**: 0.4375",
      "",
    ]);
    expect(report.stdout).toContain("2 errors:");
    expect(report.stdout).toContain("task: task refused example 4");
    expect(report.stdout).toContain("graded: graded cannot grade example 5");
    // The same report as the local run's, but for its title and the gates (Phoenix keeps none).
    const localReport = await evalwire(["report", runDir], cwd, null);
    const withoutGates = (text: string) =>
      text
        .split("\n")
        .slice(1)
        .join("\n")
        .replace(/## Gates\n[\s\S]*?\n(?=## )/, "");
    expect(withoutGates(report.stdout)).toBe(withoutGates(localReport.stdout));
  });

  it("gives the rows in the dataset's order, as a local run made one example at a time holds them", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("export_order");
    // 120 examples: enough that their ids' text order is never the dataset's (it can be for a few).
    await uploadDataset(url, dataset, echoRows(120));
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);
    const run = await evalwire(["run", "--experiments", experiments, "--example-concurrency", "1"], cwd, url);
    expect(run.code, describeRun(run)).toBe(0);
    const runDir = runDirFor(cwd, dataset);
    const [remote, local] = await Promise.all([evalwire(["export", phoenixLink(runDir).experimentId], cwd, url), evalwire(["export", runDir], cwd, null)]);
    expect(remote.code, describeRun(remote)).toBe(0);
    expect(remote.stdout.split("\n")).toHaveLength(122); // the header, 120 rows, the last newline
    expect(remote.stdout).toBe(local.stdout);
  });

  it("an experiment with no runs yet exports no rows (Phoenix answers its export 404)", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("export_empty");
    const { datasetId } = await uploadDataset(url, dataset, echoRows(2));
    const created = await fetch(`${url}/v1/datasets/${datasetId}/experiments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `${dataset}_empty` }),
    });
    const experimentId = ((await created.json()) as { data: { id: string } }).data.id;
    const cwd = temp();
    const r = await evalwire(["export", experimentId, "--format", "json"], cwd, url);
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    const report = await evalwire(["report", experimentId], cwd, url);
    expect(report.code, describeRun(report)).toBe(0);
    expect(report.stdout).toContain("**Total runs:** 0");
  });

  it("an experiment id the server does not know is a usage error naming it and the server", async () => {
    const cwd = temp();
    const r = await evalwire(["report", "RXhwZXJpbWVudDo5OTk5OTk="], cwd, phoenix().url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run "RXhwZXJpbWVudDo5OTk5OTk=": no run folder of that name in .evalwire/runs, and no experiment with that id on ${phoenix().url}`);
  });
});
