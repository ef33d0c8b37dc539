import type { RunKnobs, RunOverrides } from "../config/settings.js";
import type { ExperimentFolder } from "../discovery/discover.js";
import { fileStem, loadExperiment } from "../discovery/load-experiment.js";
import { withExampleRubric } from "../evaluators/rubric/example-rubric.js";
import type { Dataset } from "../datasets/dataset.js";
import type { DatasetSource } from "../datasets/source.js";
import { firstLine } from "../errors.js";
import type { ExperimentHeader, ExperimentRecording, Sink } from "../sinks/sink.js";
import type { ExperimentResult } from "../types.js";
import type { ExperimentInfo, RunListener } from "./events.js";
import { forEachConcurrently } from "./for-each-concurrently.js";
import { runMetadata } from "./metadata.js";
import { experimentName } from "./naming.js";
import { runExample } from "./run-example.js";
import { Tally } from "./tally.js";

export interface ExperimentContext {
  knobs: RunKnobs;
  overrides: RunOverrides;
  prefix: string;
  timestamp: string;
  /** Pairs given to run(); they win over every other metadata. */
  metadata: Record<string, unknown>;
  datasets: DatasetSource;
  /** The local run store; null in a dry run, when nothing is recorded. */
  store: Sink | null;
  /** Phoenix, when it is the backend and this is not a dry run. */
  remote: Sink | null;
  dryRun: number | false;
  listener: RunListener;
  stop: AbortSignal;
  experimentsDir: string;
}

/** An experiment folder's own evalwire.toml refines the run's settings; flags win over both. */
export function knobsFor(folder: ExperimentFolder, context: Pick<ExperimentContext, "knobs" | "overrides">): RunKnobs {
  const { config } = folder;
  return {
    timeoutMs: context.overrides.timeoutMs ?? config.timeout ?? context.knobs.timeoutMs,
    repetitions: context.overrides.repetitions ?? config.repetitions ?? context.knobs.repetitions,
    exampleConcurrency: context.overrides.exampleConcurrency ?? config.example_concurrency ?? context.knobs.exampleConcurrency,
    metadata: { ...context.knobs.metadata, ...config.metadata },
  };
}

/** Runs one experiment to its end. Never throws: a failure is part of the result. */
export async function runExperiment(folder: ExperimentFolder, context: ExperimentContext): Promise<ExperimentResult> {
  const start = performance.now();
  const knobs = knobsFor(folder, context);
  const datasetName = folder.config.dataset ?? folder.name;
  const result: ExperimentResult = {
    experiment: folder.name,
    name: experimentName(context.prefix, datasetName, context.timestamp),
    dataset: { name: datasetName, version: null, source: null },
    status: "passed",
    failure: null,
    planned: 0,
    completed: 0,
    taskErrors: 0,
    evaluatorErrors: 0,
    evaluators: {},
    durationMs: 0,
    runPath: null,
    dryRun: context.dryRun !== false,
  };
  const info: ExperimentInfo = { experiment: folder.name, dataset: datasetName, planned: 0, evaluators: folder.evaluatorFiles.map(fileStem) };
  const finish = (failure?: string): ExperimentResult => {
    if (failure) Object.assign(result, { status: "failed", failure });
    result.durationMs = performance.now() - start;
    context.listener.onExperimentEnd?.(result);
    return result;
  };
  if (context.stop.aborted) {
    result.status = "interrupted";
    return finish();
  }
  context.listener.onExperimentStart?.(info);

  let loaded: Awaited<ReturnType<typeof loadExperiment>>;
  let dataset: Dataset;
  // The code loads while the dataset is fetched; a load error is reported first when both fail.
  const [code, data] = await Promise.allSettled([
    loadExperiment(folder),
    context.datasets.load({ name: datasetName, experimentDir: folder.dir, version: folder.config.dataset_version, splits: folder.config.splits }),
  ]);
  if (code.status === "rejected") return finish(firstLine(code.reason));
  if (data.status === "rejected") return finish(firstLine(data.reason));
  loaded = code.value;
  dataset = data.value;
  try {
    loaded.evaluators = withExampleRubric(loaded.evaluators, dataset.examples);
  } catch (error) {
    return finish(firstLine(error));
  }
  for (const warning of dataset.warnings ?? []) context.listener.onWarning?.(`${folder.name}: ${warning}`);
  const examples = context.dryRun === false ? dataset.examples : dataset.examples.slice(0, context.dryRun);
  result.dataset = { name: datasetName, version: dataset.version, source: dataset.source };
  result.planned = info.planned = examples.length * knobs.repetitions;
  info.evaluators = loaded.evaluators.map((evaluator) => evaluator.name);

  // Phoenix first, so the run store's run.json can link to the Phoenix experiment.
  let remote: ExperimentRecording | null = null;
  let store: ExperimentRecording | null = null;
  const header: ExperimentHeader = {
    name: result.name,
    experiment: folder.name,
    dataset: { ...result.dataset, ...(dataset.remote ? { remote: dataset.remote } : {}) },
    metadata: { ...runMetadata(datasetName, context.experimentsDir), ...knobs.metadata, ...context.metadata },
    evaluators: info.evaluators,
    settings: { timeoutMs: knobs.timeoutMs, repetitions: knobs.repetitions, exampleConcurrency: knobs.exampleConcurrency },
    planned: result.planned,
    startedAt: new Date().toISOString(),
  };
  try {
    if (context.remote) {
      remote = await context.remote.open(header);
      result.url = remote.location;
    }
    if (context.store) {
      store = await context.store.open({ ...header, ...(remote?.link ? { links: remote.link } : {}) });
      result.name = store.name;
      result.runPath = store.location;
    }
  } catch (error) {
    return finish(`cannot record results: ${firstLine(error)}`);
  }
  const recordings = [store, remote].filter((each) => each !== null);

  const tally = new Tally(info.evaluators);
  const unrecorded = { count: 0, first: "" };
  const jobs = function* () {
    for (const example of examples) for (let repetition = 1; repetition <= knobs.repetitions; repetition++) yield { example, repetition };
  };
  await forEachConcurrently(jobs(), knobs.exampleConcurrency, async ({ example, repetition }) => {
    if (context.stop.aborted) return;
    const done = await runExample({ experiment: folder.name, example, repetition, task: loaded.task, evaluators: loaded.evaluators, timeoutMs: knobs.timeoutMs, stop: context.stop, tracer: remote?.tracer ?? null });
    if (!done) return;
    tally.add(done);
    for (const recording of recordings) {
      try {
        await recording.record(done);
      } catch (error) {
        if (unrecorded.count++ === 0) unrecorded.first = firstLine(error);
      }
    }
    context.listener.onResult?.(info, done);
  });

  Object.assign(result, {
    completed: tally.completed,
    taskErrors: tally.taskErrors,
    evaluatorErrors: tally.evaluatorErrors,
    evaluators: tally.evaluators(),
  });
  const drained = (await remote?.drain?.()) ?? { problem: null, warnings: [] };
  for (const warning of drained.warnings) context.listener.onWarning?.(`${folder.name}: ${warning}`);
  if (context.stop.aborted && tally.completed < result.planned) result.status = "interrupted";
  else if (unrecorded.count > 0) Object.assign(result, { status: "failed", failure: `${unrecorded.count} results not recorded: ${unrecorded.first}` });
  else if (drained.problem) Object.assign(result, { status: "failed", failure: drained.problem });
  else if (tally.taskErrors + tally.evaluatorErrors > 0) result.status = "failed";
  result.durationMs = performance.now() - start;
  for (const recording of recordings) {
    try {
      await recording.finish(result);
    } catch (error) {
      Object.assign(result, { status: "failed", failure: `cannot record the summary: ${firstLine(error)}` });
    }
  }
  return finish();
}
