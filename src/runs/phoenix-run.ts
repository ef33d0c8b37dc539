import { callPhoenix, experimentUrl, type Phoenix, PhoenixError } from "../phoenix/client.js";
import type { RecordedResult, RecordedRun } from "./recorded-run.js";

/** A run as Phoenix's experiment export gives it: one object per run with its annotations (evaluations). */
interface ExportedRun {
  example_id: string;
  repetition_number: number;
  input?: unknown;
  reference_output?: unknown;
  output: unknown;
  error: string | null;
  annotations?: { name: string; score: number | null; label: string | null; explanation: string | null; error?: string | null }[];
}

/**
 * A Phoenix experiment read back from the server: its info, then its runs and evaluations from the
 * experiment's JSON export (one request), in its order: the dataset's, then repetition, as a local
 * run made one example at a time holds them. Null when the server has no such experiment.
 */
export async function phoenixRun(phoenix: Phoenix, experimentId: string): Promise<RecordedRun | null> {
  const path = { experiment_id: experimentId };
  const notFound = (status: number) => status === 404 || status === 422;
  const info = await callPhoenix(
    `reading experiment ${experimentId}`,
    phoenix.baseUrl,
    (signal) => phoenix.client.GET("/v1/experiments/{experiment_id}", { params: { path }, signal }),
    phoenix.retry,
    notFound,
  );
  if (notFound(info.status)) return null;
  const experiment = info.data!.data;
  const exported = await callPhoenix(
    `reading the runs of experiment ${experimentId}`,
    phoenix.baseUrl,
    (signal) => phoenix.client.GET("/v1/experiments/{experiment_id}/json", { params: { path }, parseAs: "text", signal }),
    phoenix.retry,
    // Phoenix answers 404 "Experiment has no runs" for an experiment that exists (found above) with none.
    (status) => status === 404,
  );
  let runs: ExportedRun[];
  try {
    runs = exported.status === 404 ? [] : (JSON.parse(exported.data as string) as ExportedRun[]);
  } catch {
    throw new PhoenixError(`experiment ${experimentId}: Phoenix's export of its runs is not JSON`, exported.status);
  }
  const results: RecordedResult[] = runs.map((run) => ({
    exampleId: run.example_id,
    repetition: run.repetition_number,
    output: run.output ?? null,
    error: run.error ?? null,
    evaluations: (run.annotations ?? []).map((a) => ({ name: a.name, score: a.score ?? null, label: a.label ?? null, explanation: a.explanation ?? null, error: a.error ?? null })),
  }));
  const evaluators = [...new Set(results.flatMap((result) => result.evaluations.map((e) => e.name)))].sort();
  const metadata = (experiment.metadata ?? {}) as Record<string, unknown>;
  return {
    ref: experimentId,
    name: experiment.name ?? experimentId,
    experiment: typeof metadata.dataset === "string" ? metadata.dataset : null,
    location: experimentUrl(phoenix.baseUrl, experiment.dataset_id, experiment.id),
    evaluators,
    gates: [],
    passBars: {},
    results: async function* () {
      yield* results;
    },
  };
}
