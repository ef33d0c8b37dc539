// `--dry-run N` against Phoenix: fetches the dataset, runs the first N examples, prints them, and
// records nothing, neither on the server (no experiment, no post of any kind) nor in the run store.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { datasetExperiments, describeRun, echoRows, evalwire, getJson, makeExperiments, runFolders, uniqueName, uploadDataset, useTempDirs } from "./_support.js";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();
const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.close();
});

describePhoenix("evalwire run --dry-run against Phoenix", () => {
  it("runs the first 2 examples, prints their results, and records nothing anywhere", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("dry_run");
    const uploaded = await uploadDataset(url, dataset, echoRows(6, { wrong: [2] }));
    const { data } = await getJson<{ data: { examples: { id: string; input: { n: number } }[] } }>(url, `/v1/datasets/${encodeURIComponent(uploaded.datasetId)}/examples`);
    const ids = data.examples.map((example) => example.id);
    expect(data.examples.map((example) => example.input.n)).toEqual([1, 2, 3, 4, 5, 6]);
    const before = await datasetExperiments(url, uploaded.datasetId);

    // Every request goes through a proxy that only counts them.
    const requests: string[] = [];
    const proxy = await startFaultProxy(url, ({ method, path }) => {
      requests.push(`${method} ${path}`);
      return "pass";
    });
    proxies.push(proxy);
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    // Phoenix named by the flag this time, not PHOENIX_HOST.
    const r = await evalwire(["run", "--experiments", experiments, "--dry-run", "2", "--phoenix-url", proxy.url], cwd, null);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/phoenix backend .*dry run: nothing is recorded/);
    expect(r.stdout).toMatch(/first 2 examples each/);
    // The first two examples, in the dataset's order, with their outputs and scores; not the third.
    expect(r.stdout).toContain(`example ${ids[0]}`);
    expect(r.stdout).toContain(`example ${ids[1]}`);
    expect(r.stdout).not.toContain(`example ${ids[2]}`);
    expect(r.stdout).toMatch(/output: \{"answer":2,"repetition":1\}/);
    expect(r.stdout).toMatch(/output: \{"answer":4,"repetition":1\}/);
    expect(r.stdout).toMatch(/doubled: 1 pass/);
    expect(r.stdout).toMatch(/doubled: 0 fail/);
    expect(r.stdout).toMatch(/graded: 0\.25 bucket1/);
    expect(r.stdout).toMatch(/dry run: nothing recorded/);

    // Reads only: no experiment created, no run, evaluation or span posted.
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((request) => !request.startsWith("GET "))).toEqual([]);
    expect(await datasetExperiments(url, uploaded.datasetId)).toEqual(before);
    expect(before).toEqual([]);
    expect(runFolders(cwd)).toEqual([]);
    expect(existsSync(join(cwd, ".evalwire"))).toBe(false);
  });
});
