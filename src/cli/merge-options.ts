import type { OptionSpec } from "./flag-values.js";
import { type RunFlags, runOptions } from "./options.js";

/** The flags of `evalwire merge`: where the run store and config are, and how the whole is judged and reported, as in `run`. */
export type MergeFlags = Pick<
  RunFlags,
  "config" | "experiments" | "runId" | "threshold" | "maxErrors" | "baseline" | "maxMeanDrop" | "maxRegressions" | "reporter" | "backend" | "phoenixUrl" | "quiet" | "verbose"
>;

export const mergeOptions = {
  experiments: { ...runOptions.experiments, description: "folder of experiments whose evalwire.toml [thresholds] apply (default: [experiments] dir, else ./experiments)" },
  config: runOptions.config,
  runId: { ...runOptions.runId, description: "merge the shards of this run id (run --shard I/N --run-id ID, or the CI's run id) when the folders hold several runs" },
  threshold: runOptions.threshold,
  maxErrors: runOptions.maxErrors,
  baseline: runOptions.baseline,
  maxMeanDrop: runOptions.maxMeanDrop,
  maxRegressions: runOptions.maxRegressions,
  reporter: runOptions.reporter,
  backend: { ...runOptions.backend, description: "phoenix to take a Phoenix experiment id as --baseline (default: phoenix when a Phoenix URL is set, else local)" },
  phoenixUrl: runOptions.phoenixUrl,
  quiet: runOptions.quiet,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<MergeFlags>]: OptionSpec };
