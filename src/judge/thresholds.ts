import { UsageError } from "../errors.js";

/** The bars one evaluator must reach (DESIGN.md §13). */
export interface EvaluatorThreshold {
  /** Mean score >= mean. */
  mean?: number;
  /** The score one evaluation must reach to pass (default 1, so booleans pass when true). */
  pass?: number;
  /** Share of task calls whose evaluation passes >= pass_rate. */
  pass_rate?: number;
  /** Share of examples with at least one passing repetition >= pass_at_k. */
  pass_at_k?: number;
  /** Share of examples whose every repetition passes >= pass_all_k ("pass^k"). */
  pass_all_k?: number;
}

/** Task and evaluator errors allowed: a count, or a share of task calls. */
export type MaxErrors = { count: number } | { percent: number };

export interface Thresholds {
  maxErrors?: MaxErrors;
  evaluators: Record<string, EvaluatorThreshold>;
}

/** `[thresholds]` as read from evalwire.toml (validated by the config schema). */
export type ThresholdsTable = { max_errors?: number | string } & Record<string, number | string | EvaluatorThreshold | undefined>;

export const reservedName = "max_errors";
export const defaultPassBar = 1;

/** Reads a validated `[thresholds]` table: a bare number is the mean. */
export function thresholdsFromTable(table: ThresholdsTable | undefined): Thresholds {
  const thresholds: Thresholds = { evaluators: {} };
  for (const [key, value] of Object.entries(table ?? {})) {
    if (value === undefined) continue;
    if (key === reservedName) thresholds.maxErrors = parseMaxErrors(value as number | string, "[thresholds] max_errors");
    else thresholds.evaluators[key] = typeof value === "number" ? { mean: value } : { ...(value as EvaluatorThreshold) };
  }
  return thresholds;
}

/** `2`, or `"2%"`; anything else is a UsageError naming where it came from. */
export function parseMaxErrors(value: number | string, where: string): MaxErrors {
  const text = String(value).trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent && Number(percent[1]) <= 100) return { percent: Number(percent[1]) };
  if (/^\d+$/.test(text)) return { count: Number(text) };
  throw new UsageError(`${where} takes a whole number of errors such as 3, or a share such as 2% (got ${JSON.stringify(value)})`);
}

/** One `--threshold NAME=VALUE`: the mean score NAME must reach. */
export function parseThresholdFlag(value: string, previous: Record<string, number> | undefined): Record<string, number> {
  const at = value.indexOf("=");
  const name = value.slice(0, Math.max(at, 0)).trim();
  const bar = value.slice(at + 1).trim();
  if (at <= 0 || name === "" || bar === "" || !Number.isFinite(Number(bar))) {
    throw new UsageError(`--threshold takes EVALUATOR=MEAN such as top_k=0.8 (got ${JSON.stringify(value)})`);
  }
  if (name === reservedName) throw new UsageError(`--threshold ${value}: max_errors has its own flag: --max-errors ${bar}`);
  return { ...previous, [name]: Number(bar) };
}

/** Root, then an experiment folder's own table (per evaluator and per field), then flags: the later wins. */
export function mergeThresholds(...layers: (Thresholds | undefined)[]): Thresholds {
  const merged: Thresholds = { evaluators: {} };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.maxErrors) merged.maxErrors = layer.maxErrors;
    for (const [name, threshold] of Object.entries(layer.evaluators)) merged.evaluators[name] = { ...merged.evaluators[name], ...threshold };
  }
  return merged;
}

/** Flags as a layer: each `--threshold` is a mean. */
export function thresholdsFromFlags(flags: { threshold?: Record<string, number>; maxErrors?: MaxErrors }): Thresholds {
  return {
    ...(flags.maxErrors ? { maxErrors: flags.maxErrors } : {}),
    evaluators: Object.fromEntries(Object.entries(flags.threshold ?? {}).map(([name, mean]) => [name, { mean }])),
  };
}

export interface ThresholdSources {
  /** The root evalwire.toml's `[thresholds]` (applies to experiments that have the evaluator). */
  root: Thresholds;
  rootLabel: string;
  /** Flags (apply to experiments that have the evaluator). */
  flags: Thresholds;
}

/**
 * The thresholds of every experiment about to run, checked before any work starts (a UsageError
 * naming the key otherwise): a folder's own threshold must name one of its evaluators; a root or
 * flag threshold must name an evaluator of at least one selected experiment, and applies to
 * those that have it. No evaluator may be called max_errors.
 */
export function thresholdsPerExperiment(
  experiments: { name: string; evaluators: string[]; own: Thresholds; ownLabel: string }[],
  sources: ThresholdSources,
  /** Every evaluator of every experiment found, selected or not: the root's thresholds are checked against them. */
  rootEvaluators?: ReadonlySet<string>,
): Map<string, Thresholds> {
  for (const experiment of experiments) {
    if (experiment.evaluators.includes(reservedName)) {
      throw new UsageError(`${experiment.name}: an evaluator may not be named ${reservedName} (the name is reserved in [thresholds]); rename ${reservedName}.ts`);
    }
    const unknown = Object.keys(experiment.own.evaluators).find((name) => !experiment.evaluators.includes(name));
    if (unknown)
      throw new UsageError(`${experiment.ownLabel}: [thresholds] ${unknown}: experiment ${experiment.name} has no evaluator ${unknown} (it has: ${experiment.evaluators.join(", ") || "none"})`);
  }
  const everyEvaluator = new Set(experiments.flatMap((experiment) => experiment.evaluators));
  // The root file serves every experiment, so a bar there may name an evaluator of one not selected now.
  for (const [layer, label, known, which] of [
    [sources.root, `${sources.rootLabel}: [thresholds]`, rootEvaluators ?? everyEvaluator, rootEvaluators ? "experiment" : "selected experiment"],
    [sources.flags, "--threshold", everyEvaluator, "selected experiment"],
  ] as const) {
    const unknown = Object.keys(layer.evaluators).find((name) => !known.has(name));
    if (unknown) throw new UsageError(`${label} ${unknown}: no ${which} has an evaluator ${unknown} (evaluators: ${[...known].sort().join(", ") || "none"})`);
  }
  const only = (layer: Thresholds, names: string[]): Thresholds => ({
    ...(layer.maxErrors ? { maxErrors: layer.maxErrors } : {}),
    evaluators: Object.fromEntries(Object.entries(layer.evaluators).filter(([name]) => names.includes(name))),
  });
  return new Map(experiments.map((experiment) => [experiment.name, mergeThresholds(only(sources.root, experiment.evaluators), experiment.own, only(sources.flags, experiment.evaluators))]));
}
