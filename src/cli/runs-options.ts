import { exportFormat, type OptionSpec } from "./flag-values.js";
import { runOptions } from "./options.js";

// The flags of the commands over recorded runs and stores: sync, cache, export, compare, report.

export interface SyncFlags {
  phoenixUrl?: string;
  config?: string;
  verbose?: boolean;
}
export const syncOptions = {
  phoenixUrl: runOptions.phoenixUrl,
  config: { ...runOptions.config, description: "evalwire.toml to use: [phoenix] and [local] runs_dir (default ./evalwire.toml if present)" },
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<SyncFlags>]: OptionSpec };

export interface CacheFlags {
  config?: string;
  verbose?: boolean;
}
export const cacheOptions = {
  config: { ...runOptions.config, description: "evalwire.toml to use: [cache] dir (default ./evalwire.toml if present)" },
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<CacheFlags>]: OptionSpec };
/** Where `export`, `compare` and `report` find runs: the runs folder of evalwire.toml, or Phoenix. */
export interface RunSourceFlags {
  config?: string;
  backend?: "local" | "phoenix";
  phoenixUrl?: string;
  verbose?: boolean;
}
const runSourceOptions = {
  config: runOptions.config,
  backend: { ...runOptions.backend, description: "phoenix to read a Phoenix experiment id (default: phoenix when a Phoenix URL is set, else local)" },
  phoenixUrl: runOptions.phoenixUrl,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<RunSourceFlags>]: OptionSpec };

export interface ExportFlags extends RunSourceFlags {
  format?: "csv" | "json";
  output?: string;
  experiment?: string;
}
export const exportOptions = {
  format: { flags: "--format <format>", description: "csv or json (default: json for a .json --output, else csv)", parse: exportFormat },
  output: { flags: "--output <path>", description: "file to write (default: stdout)" },
  experiment: { flags: "--experiment <id>", description: "the run, as the Python evalwire takes it (same as RUN)" },
  ...runSourceOptions,
} satisfies { [K in keyof Required<ExportFlags>]: OptionSpec };

export type CompareFlags = RunSourceFlags;
export const compareOptions = runSourceOptions;

export interface ReportFlags extends RunSourceFlags {
  output?: string;
  experiment?: string;
}
export const reportOptions = {
  output: { flags: "--output <path>", description: "markdown file to write (default: stdout)" },
  experiment: exportOptions.experiment,
  ...runSourceOptions,
} satisfies { [K in keyof Required<ReportFlags>]: OptionSpec };
