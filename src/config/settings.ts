import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { CacheMode } from "../cache/task-cache.js";
import type { Shard } from "../engine/shard.js";
import { UsageError } from "../errors.js";
import { defaultJudgeSettings, type JudgeSettings } from "../evaluators/judge/settings.js";
import { type MaxErrors, mergeThresholds, parseMaxErrors, type Thresholds, thresholdsFromFlags, thresholdsFromTable } from "../judge/thresholds.js";
import { parseReporterSpec, type ReporterSpec } from "../report/spec.js";
import { shownPath } from "../shown-path.js";
import { readToml } from "./read-toml.js";
import { type RootConfig, rootConfigSchema } from "./schema.js";

export type Metadata = Record<string, string | number | boolean>;

/** What an experiment folder's own evalwire.toml may refine. */
export interface RunKnobs {
  /** Per task call (and per evaluator call); 0 means no limit. */
  timeoutMs: number;
  /** For loading the experiment's task and evaluator files; 0 means no limit. */
  loadTimeoutMs: number;
  repetitions: number;
  exampleConcurrency: number;
  metadata: Metadata;
}

/** What flags may force over an experiment folder's evalwire.toml (flag metadata is merged instead). */
export type RunOverrides = Partial<Omit<RunKnobs, "metadata">>;

export type Backend = { kind: "local" } | { kind: "phoenix"; baseUrl: string; apiKey: string | null; headers: Record<string, string>; source: string; traces: boolean };

export interface CsvOptions {
  inputKeys: string[];
  outputKeys: string[];
  tagColumn: string;
  /** Splits a cell into a list when it holds this string. */
  delimiter: string;
}

/** What `upload` does with a dataset that already exists. */
export type OnExist = "skip" | "overwrite" | "append";

export interface Settings {
  configFile: string | null;
  experimentsDir: string;
  prefix: string;
  concurrency: number;
  /** From evalwire.toml and defaults; an experiment folder's evalwire.toml refines these. */
  knobs: RunKnobs;
  /** From flags; these win over an experiment folder's evalwire.toml. */
  overrides: RunOverrides;
  datasetsDir: string | null;
  runsDir: string;
  csv: CsvOptions;
  /** The testset `upload` and `validate` read when no file is named: `--csv`, else `[dataset] csv_path`. */
  csvPath: string | null;
  onExist: OnExist;
  backend: Backend;
  cache: CacheSettings;
  /** Tries after the first for a task call that failed with a transient error. */
  retries: number;
  /** `[thresholds]` of the root evalwire.toml, and those given as flags (§13); folders refine the first. */
  thresholds: { root: Thresholds; rootLabel: string; flags: Thresholds };
  baseline: BaselineSettings;
  /** `--reporter` when given, else `[report] reporters` (§15). */
  reporters: ReporterSpec[];
  /** Run only this shard of every experiment's task calls (`--shard i/n`). */
  shard: Shard | null;
  /** Joins the shards of one run into one Phoenix experiment: `--run-id`, else the CI's run id when sharded. */
  runId: string | null;
  /** `[judge]`: how LLM judges reach their endpoint (the runner hands these to `configureJudge`). */
  judge: JudgeSettings;
}

/** The task cache (DESIGN.md section 18). */
export interface CacheSettings {
  mode: CacheMode;
  /** `[cache] key`: part of every task call's key; null when not set. */
  key: string | null;
  /** The cache folder; task outputs live in its `tasks` folder. */
  dir: string;
}

/** `--baseline` / `[baseline]` (§14): the run to compare with, and the gates applied when there is one. */
export interface BaselineSettings {
  /** `latest`, a run name or folder, or a Phoenix experiment id; null: no comparison. */
  ref: string | null;
  maxMeanDrop?: number;
  maxRegressions?: number;
}

/** Values given on the command line; every one is optional. */
export interface SettingsFlags {
  config?: string;
  experiments?: string;
  prefix?: string;
  concurrency?: number;
  exampleConcurrency?: number;
  timeout?: number;
  loadTimeout?: number;
  repetitions?: number;
  metadata?: Metadata;
  backend?: "local" | "phoenix";
  phoenixUrl?: string;
  /** `--cache` alone means readwrite. */
  cache?: CacheMode | true;
  retries?: number;
  threshold?: Record<string, number>;
  maxErrors?: MaxErrors;
  /** true: bare `--baseline`, which means latest. */
  baseline?: string | true;
  maxMeanDrop?: number;
  maxRegressions?: number;
  reporter?: string[];
  traces?: boolean;
  shard?: Shard;
  runId?: string;
}

/** The `[dataset]` values that `upload` and `validate` take as flags. */
export interface DatasetFlags {
  csv?: string;
  inputKeys?: string[];
  outputKeys?: string[];
  tagColumn?: string;
  delimiter?: string;
  onExist?: OnExist;
}

export const defaults = {
  experimentsDir: "experiments",
  prefix: "eval",
  concurrency: 1,
  exampleConcurrency: 10,
  timeoutMs: 300_000,
  loadTimeoutMs: 60_000,
  repetitions: 1,
  runsDir: ".evalwire/runs",
  cacheDir: ".evalwire/cache",
  inputKeys: ["user_query"],
  outputKeys: ["expected_output"],
  tagColumn: "tags",
  delimiter: "|",
  phoenixUrl: "http://localhost:6006",
  onExist: "skip",
} as const;

export function defaultCsvOptions(): CsvOptions {
  return { inputKeys: [...defaults.inputKeys], outputKeys: [...defaults.outputKeys], tagColumn: defaults.tagColumn, delimiter: defaults.delimiter };
}

export const phoenixUrlVariables = ["PHOENIX_HOST", "PHOENIX_BASE_URL", "PHOENIX_COLLECTOR_ENDPOINT"] as const;

/** Finds and reads evalwire.toml: `--config` when given (it must exist), else `./evalwire.toml` if present. */
export function loadConfigFile(configFlag: string | undefined, cwd: string): { file: string | null; config: RootConfig } {
  if (configFlag !== undefined) {
    const file = resolve(cwd, configFlag);
    if (!existsSync(file)) throw new UsageError(`--config ${configFlag}: no such file`);
    return { file, config: readToml(file, rootConfigSchema, configFlag) };
  }
  const file = resolve(cwd, "evalwire.toml");
  if (!existsSync(file)) return { file: null, config: {} };
  return { file, config: readToml(file, rootConfigSchema, "evalwire.toml") };
}

/** Merges flag > environment > evalwire.toml > default. Paths written in the file resolve against its folder; flags and defaults against the working directory. */
export function resolveSettings(flags: SettingsFlags & DatasetFlags, env: NodeJS.ProcessEnv, cwd: string): Settings {
  const { file, config } = loadConfigFile(flags.config, cwd);
  // A typo (EVALWIRE_LOADER=tsc) would otherwise be ignored without a word.
  if (env.EVALWIRE_LOADER && env.EVALWIRE_LOADER !== "tsx")
    throw new UsageError(`EVALWIRE_LOADER: the one value it takes is tsx (got ${JSON.stringify(env.EVALWIRE_LOADER)}); unset it to let evalwire choose`);
  const base = file ? dirname(file) : cwd;
  const fromFile = (path: string | undefined) => (path === undefined ? undefined : resolve(base, path));
  const experiments = config.experiments ?? {};

  return {
    configFile: file,
    experimentsDir: flags.experiments !== undefined ? resolve(cwd, flags.experiments) : (fromFile(experiments.dir) ?? resolve(cwd, defaults.experimentsDir)),
    prefix: flags.prefix ?? experiments.prefix ?? defaults.prefix,
    concurrency: flags.concurrency ?? experiments.concurrency ?? defaults.concurrency,
    knobs: {
      timeoutMs: experiments.timeout ?? defaults.timeoutMs,
      loadTimeoutMs: experiments.load_timeout ?? defaults.loadTimeoutMs,
      repetitions: experiments.repetitions ?? defaults.repetitions,
      exampleConcurrency: experiments.example_concurrency ?? defaults.exampleConcurrency,
      metadata: experiments.metadata ?? {},
    },
    overrides: dropUndefined({
      timeoutMs: flags.timeout,
      loadTimeoutMs: flags.loadTimeout,
      repetitions: flags.repetitions,
      exampleConcurrency: flags.exampleConcurrency,
    }),
    datasetsDir: fromFile(config.local?.datasets_dir) ?? null,
    runsDir: fromFile(config.local?.runs_dir) ?? resolve(cwd, defaults.runsDir),
    csv: {
      ...defaultCsvOptions(),
      ...dropUndefined({
        inputKeys: flags.inputKeys ?? keyList(config.dataset?.input_keys),
        outputKeys: flags.outputKeys ?? keyList(config.dataset?.output_keys),
        tagColumn: flags.tagColumn ?? config.dataset?.tag_column,
        delimiter: flags.delimiter ?? config.dataset?.delimiter,
      }),
    },
    csvPath: flags.csv !== undefined ? resolve(cwd, flags.csv) : (fromFile(config.dataset?.csv_path) ?? null),
    onExist: flags.onExist ?? config.dataset?.on_exist ?? defaults.onExist,
    backend: resolveBackend(flags, env, config, file ? shownPath(file) : "evalwire.toml"),
    retries: flags.retries ?? experiments.retries ?? 0,
    cache: {
      mode: flags.cache === true ? "readwrite" : (flags.cache ?? config.cache?.mode ?? "off"),
      key: config.cache?.key ?? null,
      dir: fromFile(config.cache?.dir) ?? resolve(cwd, defaults.cacheDir),
    },
    thresholds: {
      root: rootThresholds(config, file),
      rootLabel: file ? shownPath(file) : "evalwire.toml",
      flags: thresholdsFromFlags(flags),
    },
    baseline: resolveBaseline(flags, config),
    reporters:
      flags.reporter !== undefined
        ? flags.reporter.map((text) => parseReporterSpec(text, "--reporter", cwd))
        : (config.report?.reporters ?? []).map((text) => parseReporterSpec(text, `${file ? shownPath(file) : "evalwire.toml"}: [report] reporters`, base)),
    shard: flags.shard ?? null,
    runId: flags.runId ?? (flags.shard ? ciRunId(env) : null),
    judge: resolveJudge(config.judge, cwd),
  };
}

/** A baseline gate given as a flag with no baseline to compare with would gate nothing: a usage error. */
function resolveBaseline(flags: SettingsFlags, config: RootConfig): BaselineSettings {
  const ref = flags.baseline === true ? "latest" : (flags.baseline ?? config.baseline?.ref ?? null);
  for (const [flag, value] of [
    ["--max-mean-drop", flags.maxMeanDrop],
    ["--max-regressions", flags.maxRegressions],
  ] as const) {
    if (ref === null && value !== undefined) throw new UsageError(`${flag} goes with --baseline: it gates the comparison with an earlier run; pass --baseline [REF] or set [baseline] ref`);
  }
  return { ref, ...dropUndefined({ maxMeanDrop: flags.maxMeanDrop ?? config.baseline?.max_mean_drop, maxRegressions: flags.maxRegressions ?? config.baseline?.max_regressions }) };
}

function resolveJudge(judge: RootConfig["judge"], cwd: string): JudgeSettings {
  const settings = defaultJudgeSettings(cwd);
  if (judge === undefined) return settings;
  return {
    ...settings,
    ...dropUndefined({ baseUrl: judge.base_url, model: judge.model, apiKeyEnv: judge.api_key_env, concurrency: judge.concurrency, timeoutMs: judge.timeout, retries: judge.retries }),
    cacheDir: judge.cache === false ? null : settings.cacheDir,
  };
}

function rootThresholds(config: RootConfig, file: string | null): Thresholds {
  const table = config.thresholds;
  const label = `${file ? shownPath(file) : "evalwire.toml"}: [thresholds] max_errors`;
  if (table?.max_errors !== undefined) parseMaxErrors(table.max_errors, label);
  return mergeThresholds(thresholdsFromTable(table));
}

/**
 * The CI's id of this workflow run, which every job of a matrix shares: GitHub Actions'
 * `GITHUB_RUN_ID` (with `-GITHUB_RUN_ATTEMPT` when it is a re-run, so a re-run records afresh),
 * GitLab's `CI_PIPELINE_ID`.
 */
export function ciRunId(env: NodeJS.ProcessEnv): string | null {
  if (env.GITHUB_RUN_ID) return env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== "1" ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT}` : env.GITHUB_RUN_ID;
  return env.CI_PIPELINE_ID || null;
}

function resolveBackend(flags: SettingsFlags, env: NodeJS.ProcessEnv, config: RootConfig, configLabel: string): Backend {
  const fromEnv = phoenixUrlVariables.find((name) => env[name]);
  const url: [string, string] | undefined =
    flags.phoenixUrl !== undefined
      ? [flags.phoenixUrl, "--phoenix-url"]
      : fromEnv
        ? [env[fromEnv]!, fromEnv]
        : config.phoenix?.base_url
          ? [config.phoenix.base_url, `${configLabel}: [phoenix] base_url`]
          : undefined;
  const kind = flags.backend ?? (url ? "phoenix" : "local");
  if (kind === "local") return { kind };

  const [given, source] = url ?? [defaults.phoenixUrl, "default"];
  // A secret pasted with a trailing newline or space would otherwise reach Phoenix as part of every path.
  const baseUrl = given.trim();
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(baseUrl)) {
    throw new UsageError(`${source}: expected a URL such as http://localhost:6006 (got ${JSON.stringify(baseUrl)})`);
  }
  const traces = flags.traces ?? config.phoenix?.traces ?? true;
  return { kind, baseUrl, source, apiKey: env.PHOENIX_API_KEY?.trim() || null, headers: { ...config.phoenix?.headers, ...parseHeaders(env.PHOENIX_CLIENT_HEADERS) }, traces };
}

function parseHeaders(value: string | undefined): Record<string, string> {
  if (!value) return {};
  try {
    const headers = JSON.parse(value);
    if (headers && typeof headers === "object" && !Array.isArray(headers)) return headers;
  } catch {}
  throw new UsageError(`PHOENIX_CLIENT_HEADERS: expected a JSON object such as {"x-team":"search"}`);
}

function keyList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  // An empty list is a choice (say, a dataset with no expected outputs), not a missing value.
  return (typeof value === "string" ? value.split(",") : value).map((key) => key.trim()).filter(Boolean);
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
