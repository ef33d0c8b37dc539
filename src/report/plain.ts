import { pc } from "../colour.js";
import type { ConcurrencyChange, ExperimentInfo, RunInfo, RunListener } from "../engine/events.js";
import type { ExperimentResult } from "../types.js";
import { duration, header, type Output, plural } from "./format.js";

/** For CI logs and pipes: the header, then one line when each experiment starts and ends. */
export class PlainReporter implements RunListener {
  constructor(private readonly out: Output) {}

  onRunStart(run: RunInfo): void {
    this.out.write(header(run));
  }

  onExperimentStart(experiment: ExperimentInfo): void {
    this.out.write(`${pc.cyan("▶")} ${experiment.experiment} started\n`);
  }

  onConcurrency(experiment: ExperimentInfo, change: ConcurrencyChange): void {
    this.out.write(`${pc.yellow("⇅")} ${experiment.experiment}: ${concurrencyLine(change)}\n`);
  }

  onExperimentEnd(result: ExperimentResult): void {
    this.out.write(`${endLine(result)}\n`);
  }
}

export function endLine(result: ExperimentResult): string {
  const errors = result.taskErrors + result.evaluatorErrors;
  const counts = `${result.completed}/${result.planned} runs, ${plural(errors, "error")}, ${duration(result.durationMs)}`;
  if (result.status === "passed") return `${pc.green("✔")} ${result.experiment} ${pc.dim(counts)}`;
  if (result.status === "interrupted") return `${pc.yellow("■")} ${result.experiment} interrupted ${pc.dim(counts)}`;
  return `${pc.red("✖")} ${result.experiment} ${result.failure ? pc.red(result.failure) : pc.dim(counts)}`;
}

export function concurrencyLine(change: ConcurrencyChange): string {
  return `example concurrency ${change.previous} → ${change.limit} of ${change.max} (${change.reason === "rate-limited" ? "rate-limited: HTTP 429" : "recovering"})`;
}
