import type { SettingsFlags } from "../config/settings.js";
import { ranges } from "../config/whole-number.js";
import type { Selection } from "../datasets/selection.js";
import { parseShard } from "../engine/shard.js";
import { UsageError } from "../errors.js";
import { parseMaxErrors, parseThresholdFlag } from "../judge/thresholds.js";
import { backend, cacheMode, keyValue, namePart, nonEmpty, nonNegative, type OptionSpec, repeatable, repeatableNonEmpty, taskKind, wholeNumber } from "./flag-values.js";
import type { TaskKind } from "./scaffold.js";

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
