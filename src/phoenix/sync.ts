import { contentId } from "../datasets/dataset.js";
import { DatasetError } from "../errors.js";
import { type RunFolder, resultKey, updateRunFile } from "../sinks/run-folder.js";
import type { Example } from "../types.js";
import { callPhoenix, type Phoenix, PhoenixError } from "./client.js";
import { fetchExamples, findDataset } from "./datasets.js";
import { type PhoenixExperiment, PhoenixRecorder } from "./recorder.js";

/** The metadata key that marks an experiment made by `evalwire sync`, so a second sync finds it. */
export const syncedFromKey = "evalwire_synced_from";

export interface SyncOutcome {
  experimentId: string;
  url: string;
  /** True when this sync created the Phoenix experiment (the run had none). */
  created: boolean;
  runs: { posted: number; alreadyThere: number };
  evaluations: { posted: number; alreadyThere: number };
  /** What could not be posted, after every retry; the run store still holds it. */
  problem: string | null;
}

interface Target {
  datasetId: string;
  versionId: string | undefined;
  splits: string[];
  experimentId: string | null;
}

/**
 * Pushes a local run into Phoenix: into the experiment it was recorded in when it has one (Phoenix
 * went down mid-run), else into a new experiment on the Phoenix dataset of the same name (a run
 * recorded with the local backend). What the server already holds is looked up first and never
 * posted again, so a second sync adds nothing.
 */
export async function syncRun(phoenix: Phoenix, folder: RunFolder, options: { concurrency?: number } = {}): Promise<SyncOutcome> {
  const { run, results } = folder;
  const target = await findTarget(phoenix, folder);
  const fetched = await fetchExamples(phoenix, { id: target.datasetId, name: run.dataset.name }, { versionId: target.versionId, splits: target.splits });
  const nodeIds = nodeIdsOf(fetched.examples, fetched.nodeIds);
  const missing = results.filter((result) => !nodeIds.has(result.exampleId));
  if (missing.length > 0) {
    throw new DatasetError(
      `${missing.length} of ${results.length} results of run ${run.name} are of examples that dataset "${run.dataset.name}" on Phoenix at ${phoenix.baseUrl} does not hold (first: ${missing[0]!.exampleId}); ` +
        "a run with the local backend lines up with Phoenix when its dataset was pulled with `evalwire pull`",
    );
  }

  const recorder = new PhoenixRecorder(phoenix, { headers: {}, traces: false, nodeIdOf: (_datasetId, exampleId) => nodeIds.get(exampleId) });
  const concurrency = options.concurrency ?? 10;
  let experiment: PhoenixExperiment;
  let created = false;
  const identity = `${run.name} ${run.startedAt}`;
  const experimentId = target.experimentId ?? (await findSynced(phoenix, target.datasetId, identity));
  if (experimentId) {
    experiment = recorder.attach({ id: experimentId, datasetId: target.datasetId, name: run.name }, concurrency);
  } else {
    const version = target.versionId ?? fetched.versionId;
    experiment = await recorder.open({
      name: run.name,
      experiment: run.experiment,
      dataset: { ...run.dataset, remote: { datasetId: target.datasetId, versionId: version, splits: target.splits } },
      metadata: { ...run.metadata, [syncedFromKey]: identity },
      evaluators: run.evaluators ?? [],
      settings: { ...run.settings, exampleConcurrency: concurrency },
      planned: run.planned,
      startedAt: run.startedAt,
    });
    created = true;
  }
  // Written before anything is posted: a sync that dies half-way resumes into the same experiment.
  updateRunFile(folder.dir, (current) => ({
    ...current,
    links: { ...current.links, phoenix: { ...current.links?.phoenix, experimentId: experiment.experimentId, url: experiment.location, datasetId: target.datasetId } },
  }));

  const onServer = await serverRuns(phoenix, experiment.experimentId);
  let runsThere = 0;
  let evaluationsThere = 0;
  for (const result of results) {
    const there = onServer.get(resultKey(nodeIds.get(result.exampleId)!, result.repetition));
    if (!there) {
      await experiment.record(result);
      continue;
    }
    runsThere++;
    const absent = result.evaluations.filter((evaluation) => !there.evaluations.has(evaluation.name));
    evaluationsThere += result.evaluations.length - absent.length;
    if (absent.length > 0) await experiment.recordEvaluations(there.runId, result, absent);
  }
  const { problem } = await experiment.drain();
  const posted = experiment.posted;
  updateRunFile(folder.dir, (current) => ({ ...current, syncedAt: new Date().toISOString() }));
  return {
    experimentId: experiment.experimentId,
    url: experiment.location,
    created,
    runs: { posted: posted.runs - posted.runsLost, alreadyThere: runsThere },
    evaluations: { posted: posted.evaluations - posted.evaluationsLost, alreadyThere: evaluationsThere },
    problem,
  };
}

/** The dataset (and experiment, when there is one) a run belongs to on the server. */
async function findTarget(phoenix: Phoenix, { run }: RunFolder): Promise<Target> {
  const linked = run.links?.phoenix?.experimentId as string | undefined;
  if (linked) {
    const { data } = await callPhoenix(
      `looking up experiment ${linked}`,
      phoenix.baseUrl,
      (signal) => phoenix.client.GET("/v1/experiments/{experiment_id}", { params: { path: { experiment_id: linked } }, signal }),
      phoenix.retry,
      (status) => status === 404,
    );
    if (!data) throw new DatasetError(`run ${run.name} was recorded in Phoenix experiment ${linked}, which Phoenix at ${phoenix.baseUrl} no longer has`);
    return { datasetId: data.data.dataset_id, versionId: data.data.dataset_version_id, splits: run.dataset.remote?.splits ?? [], experimentId: linked };
  }
  const remote = run.dataset.remote;
  if (remote) return { datasetId: remote.datasetId, versionId: remote.versionId, splits: remote.splits, experimentId: null };
  const found = await findDataset(phoenix, run.dataset.name);
  if (!found) {
    throw new DatasetError(`dataset "${run.dataset.name}" not found on Phoenix at ${phoenix.baseUrl}; upload it first (evalwire upload), then sync again`);
  }
  return { datasetId: found.id, versionId: undefined, splits: [], experimentId: null };
}

/**
 * The node id to post each local example id against. A local id is the server's own id (a dataset
 * pulled with `evalwire pull`, or a Phoenix run), else the content id the local backend gives an
 * example without one: the same input and expected output make the same id.
 */
function nodeIdsOf(examples: Example[], serverNodeIds: Map<string, string>): Map<string, string> {
  const ids = new Map<string, string>();
  const seen = new Set<string>();
  for (const example of examples) {
    const nodeId = serverNodeIds.get(example.id) ?? example.id;
    ids.set(example.id, nodeId);
    // As toExamples names duplicates: the second of the same content is `<id>-2`.
    const base = contentId(example.input, example.output);
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
    seen.add(id);
    if (!ids.has(id)) ids.set(id, nodeId);
  }
  return ids;
}

/** The experiment an earlier sync of the same run made, if the answer to its creation never reached run.json. */
async function findSynced(phoenix: Phoenix, datasetId: string, identity: string): Promise<string | null> {
  let cursor: string | undefined;
  do {
    const { data } = await callPhoenix(
      "looking up experiments of the dataset",
      phoenix.baseUrl,
      (signal) => phoenix.client.GET("/v1/datasets/{dataset_id}/experiments", { params: { path: { dataset_id: datasetId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } }, signal }),
      phoenix.retry,
    );
    const found = data?.data.find((experiment) => (experiment.metadata as Record<string, unknown> | undefined)?.[syncedFromKey] === identity);
    if (found) return found.id;
    cursor = data?.next_cursor ?? undefined;
  } while (cursor);
  return null;
}

/** The experiment's runs on the server, by (node id, repetition), with the names of their evaluations. */
async function serverRuns(phoenix: Phoenix, experimentId: string): Promise<Map<string, { runId: string; evaluations: Set<string> }>> {
  const runs = new Map<string, { runId: string; evaluations: Set<string> }>();
  let cursor: string | undefined;
  do {
    const { data } = await callPhoenix(
      "looking up the experiment's runs",
      phoenix.baseUrl,
      (signal) => phoenix.client.GET("/v1/experiments/{experiment_id}/runs", { params: { path: { experiment_id: experimentId }, query: { limit: 1000, ...(cursor ? { cursor } : {}) } }, signal }),
      phoenix.retry,
    );
    for (const run of data!.data) runs.set(resultKey(run.dataset_example_id, run.repetition_number), { runId: run.id, evaluations: new Set() });
    cursor = data!.next_cursor ?? undefined;
  } while (cursor);
  if (runs.size === 0) return runs;
  // Evaluations are listed only in the experiment's JSON download (keyed the same way).
  const { data } = await callPhoenix(
    "looking up the experiment's evaluations",
    phoenix.baseUrl,
    (signal) => phoenix.client.GET("/v1/experiments/{experiment_id}/json", { params: { path: { experiment_id: experimentId } }, parseAs: "json", signal }),
    phoenix.retry,
  );
  const records = data as unknown as { example_id: string; repetition_number: number; annotations: { name: string }[] }[];
  if (!Array.isArray(records)) throw new PhoenixError(`looking up the experiment's evaluations: Phoenix at ${phoenix.baseUrl} answered without a list`, null);
  for (const record of records) {
    const run = runs.get(resultKey(record.example_id, record.repetition_number));
    for (const annotation of record.annotations ?? []) run?.evaluations.add(annotation.name);
  }
  return runs;
}
