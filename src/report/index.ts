import type { RunListener } from "../engine/events.js";
import { DryRunReporter } from "./dry-run.js";
import type { Output } from "./format.js";
import { LiveReporter } from "./live.js";
import { PlainReporter } from "./plain.js";
import { SummaryReporter } from "./summary.js";

export interface ReporterOptions {
  out: Output;
  /** Live progress only on a terminal, and never in CI. */
  live: boolean;
  quiet: boolean;
  verbose: boolean;
  dryRun: boolean;
}

export function createReporters({ out, live, quiet, verbose, dryRun }: ReporterOptions): RunListener[] {
  const reporters: RunListener[] = [];
  if (!quiet) reporters.push(live ? new LiveReporter(out) : new PlainReporter(out));
  if (dryRun) reporters.push(new DryRunReporter(out));
  reporters.push(new SummaryReporter(out, { quiet, verbose }));
  return reporters;
}

export { DryRunReporter, LiveReporter, PlainReporter, SummaryReporter };
