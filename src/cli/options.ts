import { type CacheMode, cacheModes } from "../cache/task-cache.js";
import { namePartProblem } from "../config/name-part.js";
import type { DatasetFlags, OnExist, SettingsFlags } from "../config/settings.js";
import { isWholeNumber, ranges, type WholeRange, wholeNumberRule } from "../config/whole-number.js";
import type { Selection } from "../datasets/selection.js";
import { parseShard } from "../engine/shard.js";
import { UsageError } from "../errors.js";
import { parseMaxErrors, parseThresholdFlag } from "../judge/thresholds.js";
import { type TaskKind, taskKinds } from "./scaffold.js";

/** Every flag of `run`, once: its name comes from the key, so a flag cannot drift from its setting. */
export interface RunFlags extends SettingsFlags {
  name?: string[];
  dryRun?: true | number;
  limit?: number;
  sample?: number;
  seed?: string;
  example?: string[];
  resume?: true | string;
  retryErrors?: string;
  /** false: no task spans exported to Phoenix. */
  traces?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string, previous: unknown) => unknown;
}

const wholeNumber =
  (flag: string, range: WholeRange) =>
  (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !isWholeNumber(number, range)) throw new UsageError(`${flag} takes ${wholeNumberRule(range)} (got ${JSON.stringify(value)})`);
    return number;
  };

const repeatable = (value: string, previous: unknown): string[] => [...((previous as string[] | undefined) ?? []), value];

function keyValue(value: string, previous: unknown): Record<string, string> {
  const at = value.indexOf("=");
  const key = value.slice(0, Math.max(at, 0)).trim();
  if (at <= 0 || key === "") throw new UsageError(`--metadata takes KEY=VALUE (got ${JSON.stringify(value)})`);
  return { ...(previous as Record<string, string> | undefined), [key]: value.slice(at + 1) };
}

function namePart(flag: string) {
  return (value: string): string => {
    const problem = namePartProblem(value);
    if (problem) throw new UsageError(`${flag} ${problem} (got ${JSON.stringify(value)})`);
    return value;
  };
}

function cacheMode(value: string): CacheMode {
  if (!(cacheModes as readonly string[]).includes(value)) throw new UsageError(`--cache takes off, read, write or readwrite (got ${JSON.stringify(value)})`);
  return value as CacheMode;
}

function taskKind(value: string): TaskKind {
  if (!(taskKinds as readonly string[]).includes(value)) throw new UsageError(`--task takes ts, http or command (got ${JSON.stringify(value)})`);
  return value as TaskKind;
}

function backend(value: string): "local" | "phoenix" {
  if (value !== "local" && value !== "phoenix") throw new UsageError(`--backend takes local or phoenix (got ${JSON.stringify(value)})`);
  return value;
}

function nonNegative(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number < 0) throw new UsageError(`${flag} takes a number from 0 up, such as 0.02 (got ${JSON.stringify(value)})`);
    return number;
  };
}

export const runOptions = {
  experiments: { flags: "--experiments <dir>", description: "folder of experiments (default: [experiments] dir, else ./experiments)" },
  name: { flags: "--name <name>", description: "run only this experiment; repeat for several", parse: repeatable },
  dryRun: { flags: "--dry-run [n]", description: "run the first n examples (default 1) of each experiment and record nothing", parse: wholeNumber("--dry-run", ranges.atLeastOne) },
  concurrency: { flags: "--concurrency <n>", description: "experiments run in parallel (default 1)", parse: wholeNumber("--concurrency", ranges.atLeastOne) },
  exampleConcurrency: { flags: "--example-concurrency <n>", description: "examples in flight per experiment (default 10)", parse: wholeNumber("--example-concurrency", ranges.atLeastOne) },
  prefix: { flags: "--prefix <prefix>", description: "experiment name prefix (default eval)", parse: namePart("--prefix") },
  metadata: { flags: "--metadata <key=value>", description: "metadata recorded with every experiment; repeat for several", parse: keyValue },
  timeout: { flags: "--timeout <ms>", description: "limit per task and evaluator call, in ms; 0 for none (default 300000)", parse: wholeNumber("--timeout", ranges.timeout) },
  loadTimeout: {
    flags: "--load-timeout <ms>",
    description: "limit for loading an experiment's task and evaluator files, in ms; 0 for none (default 60000)",
    parse: wholeNumber("--load-timeout", ranges.timeout),
  },
  repetitions: { flags: "--repetitions <n>", description: "times each example is run (default 1)", parse: wholeNumber("--repetitions", ranges.atLeastOne) },
  backend: { flags: "--backend <kind>", description: "local or phoenix (default: phoenix when a Phoenix URL is set, else local)", parse: backend },
  phoenixUrl: { flags: "--phoenix-url <url>", description: "Phoenix server URL (else PHOENIX_HOST, else [phoenix] base_url)" },
  traces: { flags: "--no-traces", description: "do not export task spans to Phoenix (else [phoenix] traces; default: export)" },
  shard: {
    flags: "--shard <i/n>",
    description: "run shard i of n of every experiment's task calls (a CI matrix job each); each shard writes its own run folder",
    parse: (value: string) => parseShard(value),
  },
  runId: {
    flags: "--run-id <id>",
    description: "shards given one run id record into one Phoenix experiment (default with --shard: GITHUB_RUN_ID[-GITHUB_RUN_ATTEMPT], else CI_PIPELINE_ID)",
    parse: (value: string) => nonEmpty("--run-id", "an id shared by the shards of one run, such as the CI's run number")(value),
  },
  config: { flags: "--config <path>", description: "evalwire.toml to use (default ./evalwire.toml if present)" },
  limit: { flags: "--limit <n>", description: "run only the first n examples of each dataset (recorded as a partial run)", parse: wholeNumber("--limit", ranges.atLeastOne) },
  sample: { flags: "--sample <n>", description: "run a reproducible random n examples of each dataset (see --seed; a partial run)", parse: wholeNumber("--sample", ranges.atLeastOne) },
  seed: { flags: "--seed <seed>", description: "what --sample draws from: the same seed, the same examples (default 0)", parse: nonEmpty("--seed", "a number or a word") },
  example: { flags: "--example <id>", description: "run only the example with this id; repeat for several (a partial run)", parse: repeatableNonEmpty("--example", "an example id") },
  resume: {
    flags: "--resume [run]",
    description: "finish an unfinished run (killed, crashed or interrupted): the newest of each experiment, or this run; what was recorded is not run again",
    parse: nonEmpty("--resume", "a run's name or folder"),
  },
  retryErrors: {
    flags: "--retry-errors <run>",
    description: "a new run that carries this run's successful results and runs its errored task calls again",
    parse: nonEmpty("--retry-errors", "a run's name or folder"),
  },
  retries: {
    flags: "--retries <n>",
    description: "retry a task call that failed with a transient error (429, 5xx, reset, timeout) up to n times (default [experiments] retries, else 0)",
    parse: wholeNumber("--retries", { min: 0 }),
  },
  cache: { flags: "--cache [mode]", description: "reuse task outputs: off, read, write or readwrite (alone: readwrite; default [cache] mode, else off)", parse: cacheMode },
  threshold: {
    flags: "--threshold <name=mean>",
    description: "fail an experiment whose mean score of evaluator name is below mean; repeat for several (wins over [thresholds])",
    parse: (value, previous) => parseThresholdFlag(value, previous as Record<string, number> | undefined),
  },
  maxErrors: {
    flags: "--max-errors <n|p%>",
    description: "task and evaluator errors allowed per experiment: a count or a share of task calls (default 0)",
    parse: (value) => parseMaxErrors(value, "--max-errors"),
  },
  baseline: { flags: "--baseline [ref]", description: "compare with an earlier run: latest (default), a run name or folder, or a Phoenix experiment id" },
  maxMeanDrop: { flags: "--max-mean-drop <x>", description: "with --baseline: fail when an evaluator's mean drops by more than x", parse: nonNegative("--max-mean-drop") },
  maxRegressions: { flags: "--max-regressions <n>", description: "with --baseline: fail when more than n examples regressed", parse: wholeNumber("--max-regressions", { min: 0 }) },
  reporter: { flags: "--reporter <name[=path]>", description: "also report as json=PATH, junit=PATH, markdown=PATH, html=PATH or github; repeat for several", parse: repeatable },
  quiet: { flags: "--quiet", description: "print only failures, where results went, and the closing line" },
  verbose: { flags: "--verbose", description: "print stack traces with errors" },
} satisfies { [K in keyof Required<RunFlags>]: OptionSpec };

export type ListFlags = Pick<RunFlags, "experiments" | "name" | "config" | "verbose" | "backend" | "phoenixUrl">;
export const listOptions = {
  experiments: runOptions.experiments,
  name: { ...runOptions.name, description: "list only this experiment; repeat for several" },
  config: runOptions.config,
  backend: runOptions.backend,
  phoenixUrl: runOptions.phoenixUrl,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<ListFlags>]: OptionSpec };

export interface InitFlags {
  experiments?: string;
  task?: TaskKind;
  verbose?: boolean;
}
export const initOptions = {
  experiments: { flags: "--experiments <dir>", description: "folder to create the example experiment in (default experiments)" },
  task: {
    flags: "--task <kind>",
    description: "the example's task: ts (task.ts, the default), http (a task.yaml calling your service) or command (a task.yaml running a Python script)",
    parse: taskKind,
  },
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<InitFlags>]: OptionSpec };

function columnList(flag: string, allowEmpty: boolean) {
  return (value: string): string[] => {
    const keys = value
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean);
    if (keys.length === 0 && !allowEmpty) throw new UsageError(`${flag} takes column names separated by commas, such as user_query,context (got ${JSON.stringify(value)})`);
    return keys;
  };
}

function nonEmpty(flag: string, what: string) {
  return (value: string): string => {
    if (value.trim() === "") throw new UsageError(`${flag} takes ${what} (got ${JSON.stringify(value)})`);
    return flag === "--delimiter" ? value : value.trim();
  };
}

function repeatableNonEmpty(flag: string, what: string) {
  const check = nonEmpty(flag, what);
  return (value: string, previous: unknown): string[] => [...((previous as string[] | undefined) ?? []), check(value)];
}

/**
 * The examples a run takes, from --limit, --sample/--seed and --example (one way at a time), or
 * null for all of them.
 */
export function selectionOf(flags: Pick<RunFlags, "limit" | "sample" | "seed" | "example" | "resume" | "retryErrors" | "dryRun">): Selection | null {
  if (flags.resume !== undefined && flags.retryErrors !== undefined) throw new UsageError("--resume and --retry-errors cannot go together: resume a run, or redo its errors in a new one");
  const continuing = flags.resume !== undefined ? "--resume" : flags.retryErrors !== undefined ? "--retry-errors" : null;
  if (continuing && flags.dryRun !== undefined) throw new UsageError(`${continuing} records into a run; --dry-run records nothing: use one`);
  const chooser = (["limit", "sample", "example"] as const).find((key) => flags[key] !== undefined);
  if (continuing && chooser) throw new UsageError(`${continuing} runs the examples of the run it continues; --${chooser} cannot change them`);
  const given = (["limit", "sample", "example"] as const).filter((key) => flags[key] !== undefined);
  if (given.length > 1) throw new UsageError(`${given.map((key) => `--${key}`).join(" and ")} choose examples in different ways: use one`);
  if (flags.seed !== undefined && flags.sample === undefined) throw new UsageError("--seed goes with --sample N: it says which N examples are drawn");
  if (flags.limit !== undefined) return { kind: "limit", count: flags.limit };
  if (flags.sample !== undefined) return { kind: "sample", count: flags.sample, seed: flags.seed ?? "0" };
  if (flags.example !== undefined) return { kind: "ids", ids: [...new Set(flags.example)] };
  return null;
}

function onExist(value: string): OnExist {
  if (value !== "skip" && value !== "overwrite" && value !== "append") throw new UsageError(`--on-exist takes skip, overwrite or append (got ${JSON.stringify(value)})`);
  return value;
}

/** The flags `validate` and `upload` share: where the testset is and how its CSV columns map. */
export interface TestsetFlags extends Omit<DatasetFlags, "onExist"> {
  config?: string;
  verbose?: boolean;
}
export const validateOptions = {
  csv: { flags: "--csv <path>", description: "testset to check, instead of FILE (default: [dataset] csv_path)" },
  inputKeys: { flags: "--input-keys <keys>", description: "CSV columns that make the input, comma-separated (default user_query)", parse: columnList("--input-keys", false) },
  outputKeys: { flags: "--output-keys <keys>", description: "CSV columns that make the expected output, comma-separated (default expected_output)", parse: columnList("--output-keys", true) },
  tagColumn: { flags: "--tag-column <column>", description: "CSV column naming each row's datasets (default tags)", parse: nonEmpty("--tag-column", "a column name") },
  delimiter: { flags: "--delimiter <text>", description: "splits tags, and CSV cells into lists (default |)", parse: nonEmpty("--delimiter", "a non-empty string such as |") },
  config: runOptions.config,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<TestsetFlags>]: OptionSpec };
export type ValidateFlags = TestsetFlags;

export interface UploadFlags extends TestsetFlags {
  onExist?: OnExist;
  strict?: boolean;
  name?: string;
  phoenixUrl?: string;
}
const { config: _config, verbose: _verbose, ...columnOptions } = validateOptions;
export const uploadOptions = {
  ...columnOptions,
  csv: { ...validateOptions.csv, description: "testset to upload, instead of FILE (default: [dataset] csv_path)" },
  onExist: { flags: "--on-exist <mode>", description: "when a dataset exists: skip it, overwrite it (one new version) or append new examples (default skip)", parse: onExist },
  strict: { flags: "--strict", description: "validate first, and upload nothing when any issue is found" },
  name: {
    flags: "--name <name>",
    description: "dataset name (default: the file's name, or its folder's for dataset.<ext>); a CSV becomes this one dataset instead of one per tag",
    parse: nonEmpty("--name", "a dataset name"),
  },
  phoenixUrl: runOptions.phoenixUrl,
  config: runOptions.config,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<UploadFlags>]: OptionSpec };

export interface PullFlags {
  output?: string;
  version?: string;
  split?: string[];
  experiments?: string;
  phoenixUrl?: string;
  config?: string;
  verbose?: boolean;
}
export const pullOptions = {
  output: { flags: "--output <path>", description: "file to write, .jsonl, .json, .yaml or .yml (default: dataset.jsonl in the experiment folder using the dataset, else ./NAME.jsonl)" },
  version: { flags: "--version <id>", description: "a dataset version id (default the latest)", parse: nonEmpty("--version", "a dataset version id") },
  split: { flags: "--split <name>", description: "only the examples in this split; repeat for several", parse: repeatable },
  experiments: { ...runOptions.experiments, description: "folder of experiments searched for the one using the dataset (default: [experiments] dir, else ./experiments)" },
  phoenixUrl: runOptions.phoenixUrl,
  config: runOptions.config,
  verbose: runOptions.verbose,
} satisfies { [K in keyof Required<PullFlags>]: OptionSpec };

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

function exportFormat(value: string): "csv" | "json" {
  if (value !== "csv" && value !== "json") throw new UsageError(`--format takes csv or json (got ${JSON.stringify(value)})`);
  return value;
}

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
