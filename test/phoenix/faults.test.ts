// Phoenix behind a proxy that fails a share of requests: 503s, connection resets, slow answers, and
// answers lost after the server carried the request out. Every run and evaluation still ends up on
// the server exactly once, and the run passes.
import { afterEach, expect, it } from "vitest";
import {
  datasetExperiments,
  describeRun,
  echoRows,
  evalwire,
  expectSameAsServer,
  experimentJson,
  getExperiment,
  kindOf,
  makeExperiments,
  phoenixLink,
  readResults,
  runDirFor,
  startForwardThenResetProxy,
  uniqueName,
  uploadDataset,
  useTempDirs,
} from "./_support.js";
import { type Fault, startFaultProxy } from "./fault-proxy.js";
import { describePhoenix, phoenix } from "./phoenix.js";

const temp = useTempDirs();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describePhoenix("evalwire run against Phoenix: faults on the way", () => {
  it("records every run and evaluation through 503s, resets and slow answers, and exits 0", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("faults");
    await uploadDataset(url, dataset, echoRows(30, { wrong: [5, 17] }));

    // Deterministic, by the index of each post of a run or an evaluation: 1 in 20 answered 503,
    // 1 in 20 reset before it is forwarded, 1 in 10 held back 1–2 s. A retry is a new post with a new
    // index, so the chance that one post fails all 6 tries is about 0.1^6.
    // The first try of the other calls fails too: the dataset lookup (reset), the examples (503),
    // the experiment's creation (503).
    let posts = 0;
    const firstTry = new Map<string, Fault>([
      ["GET /v1/datasets", "reset"],
      ["GET examples", "503"],
      ["POST experiments", "503"],
    ]);
    const proxy = await startFaultProxy(url, ({ method, path }): Fault => {
      let kind = kindOf(method, path);
      if (/^\/v1\/datasets\/[^/]+\/examples/.test(path)) kind = `${method} examples`;
      if (/^\/v1\/datasets\/[^/]+\/experiments/.test(path)) kind = `${method} experiments`;
      const once = firstTry.get(kind);
      if (once) {
        firstTry.delete(kind);
        return once;
      }
      if (kind !== "POST runs" && kind !== "POST evaluations") return "pass";
      const i = posts++;
      if (i % 20 === 3) return "503";
      if (i % 20 === 13) return "reset";
      if (i % 10 === 7) return { delayMs: 1000 + (i % 3) * 500 };
      return "pass";
    });
    closers.push(proxy.close);
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    const r = await evalwire(["run", "--experiments", experiments], cwd, proxy.url);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.all).not.toMatch(/not recorded/);
    expect(r.stdout).toMatch(/1 experiment passed/);
    console.log(`faults: run took ${r.ms} ms; proxy counts ${JSON.stringify(proxy.counts)}; ${posts} posts of runs and evaluations`);

    // The faults were injected, every kind of them.
    expect([...firstTry.keys()]).toEqual([]);
    expect(proxy.counts["503"]).toBeGreaterThanOrEqual(4);
    expect(proxy.counts.reset).toBeGreaterThanOrEqual(4);
    expect(proxy.counts.delay).toBeGreaterThanOrEqual(5);

    const runDir = runDirFor(cwd, dataset);
    const local = readResults(runDir);
    expect(local).toHaveLength(30);
    const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
    expect(experiment.successful_run_count).toBe(30);
    expect(expectSameAsServer(local, await experimentJson(url, experiment.id))).toEqual({ runs: 30, evaluations: 60 });
  });

  it("posts at the end what Phoenix missed while it was away mid-run (a restart), and exits 0", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("away_and_back");
    await uploadDataset(url, dataset, echoRows(30, { sleepMs: 50 }));
    // From the 5th run post on, Phoenix is away: every connection of 12 run posts is reset, as many
    // as the 2 posts in flight try (1 + 5 retries each) before the run gives up on Phoenix. Then it is back.
    let runPosts = 0;
    const proxy = await startFaultProxy(url, ({ method, path }) => {
      if (kindOf(method, path) !== "POST runs") return "pass";
      const i = runPosts++;
      return i >= 4 && i < 16 ? "reset" : "pass";
    });
    closers.push(proxy.close);
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    const r = await evalwire(["run", "--experiments", experiments, "--example-concurrency", "2"], cwd, proxy.url);
    expect(proxy.counts.reset, describeRun(r)).toBe(12);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.all).not.toMatch(/not recorded/);
    expect(r.stderr).toMatch(new RegExp(`warning: ${dataset}: Phoenix could not be reached for a while \\(.+\\); the \\d+ runs and \\d+ evaluations it missed were posted at the end\n`));

    const runDir = runDirFor(cwd, dataset);
    const local = readResults(runDir);
    expect(local).toHaveLength(30);
    expect(expectSameAsServer(local, await experimentJson(url, phoenixLink(runDir).experimentId))).toEqual({ runs: 30, evaluations: 60 });
  });

  it("records each run once when the answer to its post is lost after the server recorded it (the retry meets 409)", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("lost_answers");
    // Example 4's task throws: a failed run, which Phoenix lets a second post overwrite (200, not 409).
    await uploadDataset(url, dataset, echoRows(10, { taskError: [4] }));

    // The first post of every run, and of every `graded` evaluation, is carried out by the server,
    // then the connection is reset instead of answering. The retries go through.
    const seen = new Set<string>();
    const proxy = await startForwardThenResetProxy(url, ({ method, path, body }) => {
      const kind = kindOf(method, path);
      let key: string | null = null;
      if (kind === "POST runs") key = `run ${body.dataset_example_id} #${body.repetition_number}`;
      if (kind === "POST evaluations" && body.name === "graded") key = `evaluation ${body.name} of ${body.experiment_run_id}`;
      if (key === null || seen.has(key)) return null;
      seen.add(key);
      return key;
    });
    closers.push(proxy.close);
    const cwd = temp();
    const experiments = makeExperiments(cwd, [{ folder: dataset }]);

    // Two repetitions: a run found after a 409 must be the one of the right repetition.
    const r = await evalwire(["run", "--experiments", experiments, "--repetitions", "2"], cwd, proxy.url);
    // 1 only for the task error: nothing is unrecorded.
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.all).not.toMatch(/not recorded/);
    expect(r.stdout).toMatch(new RegExp(`✖ ${dataset}: 2 task errors\\n`));
    console.log(`lost answers: run took ${r.ms} ms; ${proxy.lost.length} answers lost; answers ${JSON.stringify(proxy.answers)}`);

    expect(proxy.lost.filter((what) => what.startsWith("run "))).toHaveLength(20);
    expect(proxy.lost.filter((what) => what.startsWith("evaluation "))).toHaveLength(18);
    // The 18 good runs: first post 200 (answer lost), retry 409. The 2 failed runs: 200 twice.
    const runAnswers = proxy.answers["POST runs"]!;
    expect(runAnswers.filter((status) => status === 409)).toHaveLength(18);
    expect(runAnswers.filter((status) => status === 200)).toHaveLength(22);
    expect(proxy.answers["GET runs"]?.length ?? 0).toBeGreaterThan(0); // the 409s were looked up

    const runDir = runDirFor(cwd, dataset);
    const experiment = await getExperiment(url, phoenixLink(runDir).experimentId);
    expect({ ok: experiment.successful_run_count, failed: experiment.failed_run_count }).toEqual({ ok: 18, failed: 2 });
    expect(expectSameAsServer(readResults(runDir), await experimentJson(url, experiment.id))).toEqual({ runs: 20, evaluations: 36 });
  });

  it("records every run in the experiment it links to when the answer to the experiment's creation is lost", async () => {
    const url = phoenix().url;
    const dataset = uniqueName("lost_creation");
    const uploaded = await uploadDataset(url, dataset, echoRows(3));
    let first = true;
    const proxy = await startForwardThenResetProxy(url, ({ method, path }) => {
      if (method !== "POST" || !/^\/v1\/datasets\/[^/]+\/experiments$/.test(path.split("?")[0]!) || !first) return null;
      first = false;
      return "creation";
    });
    closers.push(proxy.close);
    const cwd = temp();

    const r = await evalwire(["run", "--experiments", makeExperiments(cwd, [{ folder: dataset }])], cwd, proxy.url);
    expect(r.code, describeRun(r)).toBe(0);
    expect(proxy.lost).toEqual(["creation"]);
    const runDir = runDirFor(cwd, dataset);
    const { experimentId } = phoenixLink(runDir);
    expect(expectSameAsServer(readResults(runDir), await experimentJson(url, experimentId))).toEqual({ runs: 3, evaluations: 6 });
    // The retry found the experiment the lost answer had created (by the token in its metadata): no empty twin.
    const listed = await datasetExperiments(url, uploaded.datasetId);
    expect(listed.map((e) => e.id)).toEqual([experimentId]);
  });
});
