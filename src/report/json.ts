import type { RunInfo, RunListener } from "../engine/events.js";
import type { BaselineReport } from "../judge/baseline.js";
import type { GateResult } from "../judge/gate.js";
import { version } from "../version.js";
import type { Announce, ReportedExperiment } from "./reported.js";
import { writeReportFile } from "./write-file.js";

/** The version of the JSON report's shape; it changes only when a field changes meaning or goes away. */
export const jsonReportVersion = 1;

/** The `--reporter json=PATH` document. Its JSON Schema ships as `evalwire/report.schema.json`. */
export interface JsonReport {
  version: typeof jsonReportVersion;
  evalwire: string;
  run: {
    status: "passed" | "failed" | "interrupted";
    backend: "local" | "phoenix";
    location: string;
    runsDir: string;
    experimentsDir: string;
    timestamp: string;
    /** Examples per experiment in a dry run, or false. */
    dryRun: number | false;
  };
  experiments: JsonExperiment[];
}

export interface JsonExperiment {
  experiment: string;
  name: string;
  dataset: { name: string; version: string | null; source: string | null };
  status: "passed" | "failed" | "interrupted";
  failure: string | null;
  planned: number;
  completed: number;
  taskErrors: number;
  evaluatorErrors: number;
  evaluators: Record<string, { mean: number | null; scored: number; errors: number; passBar: number | null; passRate: number | null; passAtK: number | null; passAllK: number | null }>;
  gates: Omit<GateResult, "experiment">[];
  baseline: (BaselineReport & { error: null }) | { error: string } | null;
  durationMs: number;
  runPath: string | null;
  url: string | null;
  /** The shard this run is (`2/4`) when `run --shard` made it; null for a whole run, merged ones too. */
  shard: string | null;
}

export function jsonReport(results: readonly ReportedExperiment[], run: RunInfo): JsonReport {
  const status = results.some((r) => r.status === "interrupted") ? "interrupted" : results.some((r) => r.status === "failed") ? "failed" : "passed";
  return {
    version: jsonReportVersion,
    evalwire: version,
    run: { status, backend: run.backend, location: run.location, runsDir: run.runsDir, experimentsDir: run.experimentsDir, timestamp: run.timestamp, dryRun: run.dryRun },
    experiments: results.map(jsonExperiment),
  };
}

function jsonExperiment(result: ReportedExperiment): JsonExperiment {
  const judgement = result.judgement;
  const evaluators = Object.fromEntries(
    Object.entries(result.evaluators).map(([name, summary]) => {
      const scores = judgement?.scores[name];
      return [
        name,
        {
          mean: summary.mean,
          scored: summary.scored,
          errors: summary.errors,
          passBar: judgement?.passBars[name] ?? null,
          passRate: scores?.passRate ?? null,
          passAtK: scores?.passAtK ?? null,
          passAllK: scores?.passAllK ?? null,
        },
      ];
    }),
  );
  const baseline = judgement?.baselineError ? { error: judgement.baselineError } : judgement?.baseline ? { ...judgement.baseline, error: null } : null;
  return {
    experiment: result.experiment,
    name: result.name,
    dataset: result.dataset,
    status: result.status,
    failure: result.failure,
    planned: result.planned,
    completed: result.completed,
    taskErrors: result.taskErrors,
    evaluatorErrors: result.evaluatorErrors,
    evaluators,
    gates: (judgement?.gates ?? []).map(({ experiment: _experiment, ...gate }) => gate),
    baseline,
    durationMs: result.durationMs,
    runPath: result.runPath,
    url: result.url ?? null,
    shard: result.shard ?? null,
  };
}

/** Writes the run's JSON report at the end, whether it passed or not. */
export class JsonReporter implements RunListener {
  constructor(
    private readonly path: string,
    private readonly announce: Announce,
  ) {}

  onRunEnd(results: ReportedExperiment[], run: RunInfo): void {
    writeReportFile(this.path, `${JSON.stringify(jsonReport(results, run), null, 2)}\n`);
    this.announce("json", this.path);
  }
}
