// The lock that lets shards of one run, started at the same moment, share one Phoenix experiment:
// many joins at once, in one process against the real server (the CLI-level tests are in shards.test.ts).
import { afterEach, expect, it } from "vitest";
import { openPhoenix } from "../../src/phoenix/client.js";
import { type CreatedExperiment, joinExperiment, runToken } from "../../src/phoenix/join.js";
import { datasetExperiments, getJson, startForwardThenResetProxy, uniqueName, uploadDataset } from "./_support.js";
import { describePhoenix, describePhoenixOnPostgres, phoenix, phoenixOnPostgres } from "./phoenix.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The lock labels left on the server (there should be none once every join returned). */
async function lockLabels(url: string): Promise<string[]> {
  const { data } = await getJson<{ data: { name: string }[] }>(url, "/v1/dataset_labels?limit=1000");
  return data.map((label) => label.name).filter((name) => name.startsWith("evalwire-lock-"));
}

/** Creates the experiment directly on the server (as the recorder would), counting each creation. */
function creator(base: string, datasetId: string, token: string, created: string[]) {
  return async (): Promise<CreatedExperiment> => {
    const response = await fetch(`${base}/v1/datasets/${encodeURIComponent(datasetId)}/experiments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `joined-${created.length}`, metadata: { evalwire_run: token } }),
    });
    const { data } = (await response.json()) as { data: CreatedExperiment };
    created.push(data.id);
    return data;
  };
}

const suites = [
  ["shards joining one Phoenix experiment (SQLite)", describePhoenix, phoenix],
  ["shards joining one Phoenix experiment (PostgreSQL)", describePhoenixOnPostgres, phoenixOnPostgres],
] as const;

for (const [title, describeServer, server] of suites)
  describeServer(title, () => {
    it("gives 8 joins started at once one experiment, created once, and leaves no lock behind", async () => {
      const url = server().url;
      const { datasetId } = await uploadDataset(url, uniqueName("join"), [{ input: { n: 1 } }]);
      const token = runToken(`run-${Date.now()}`, "exp", datasetId);
      const created: string[] = [];
      const joins = await Promise.all(
        Array.from({ length: 8 }, () => joinExperiment(openPhoenix({ baseUrl: url }), { datasetId, token, runId: "r", create: creator(url, datasetId, token, created) })),
      );
      expect(created).toHaveLength(1);
      expect(new Set(joins.map((join) => join.experiment.id))).toEqual(new Set(created));
      expect(joins.every((join) => join.warning === null)).toBe(true);
      expect((await datasetExperiments(url, datasetId)).map((e) => e.id)).toEqual(created);
      expect(await lockLabels(url)).not.toContain(`evalwire-lock-${token}`);
    });

    it("takes over a lock left by a process that died holding it", async () => {
      const url = server().url;
      const { datasetId } = await uploadDataset(url, uniqueName("join_stale"), [{ input: { n: 1 } }]);
      const token = runToken(`run-${Date.now()}`, "exp", datasetId);
      const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
      const response = await fetch(`${url}/v1/dataset_labels`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `evalwire-lock-${token}`, color: "#808080", description: `evalwire shard lock dead-process ${tenMinutesAgo}` }),
      });
      expect(response.status).toBe(201);
      const created: string[] = [];
      const join = await joinExperiment(openPhoenix({ baseUrl: url }), { datasetId, token, runId: "r", create: creator(url, datasetId, token, created) });
      expect(created).toHaveLength(1);
      expect(join.experiment.id).toBe(created[0]);
      expect(await lockLabels(url)).not.toContain(`evalwire-lock-${token}`);
    });

    it("takes the lock once when the answer to taking it is lost, and a late join finds the experiment", async () => {
      const url = server().url;
      const { datasetId } = await uploadDataset(url, uniqueName("join_lost"), [{ input: { n: 1 } }]);
      const token = runToken(`run-${Date.now()}`, "exp", datasetId);
      // The first POST of the lock label reaches Phoenix (the label is made), then the answer is lost.
      let first = true;
      const proxy = await startForwardThenResetProxy(url, ({ method, path }) => {
        if (method !== "POST" || !path.startsWith("/v1/dataset_labels") || !first) return null;
        first = false;
        return "lock";
      });
      closers.push(proxy.close);
      const created: string[] = [];
      const join = () =>
        joinExperiment(openPhoenix({ baseUrl: proxy.url }, { retries: 5, minDelayMs: 50, maxDelayMs: 500, requestTimeoutMs: 30_000 }), {
          datasetId,
          token,
          runId: "r",
          create: creator(url, datasetId, token, created),
        });
      const [a, b] = await Promise.all([join(), join()]);
      expect(proxy.lost).toEqual(["lock"]);
      const late = await join();
      expect(created).toHaveLength(1);
      expect([a.experiment.id, b.experiment.id, late.experiment.id]).toEqual([created[0], created[0], created[0]]);
      expect(await lockLabels(url)).not.toContain(`evalwire-lock-${token}`);
    });
  });
