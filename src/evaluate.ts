import { resolve } from "node:path";
import { namePartProblem } from "./config/name-part.js";
import { defaults } from "./config/settings.js";
import { isWholeNumber, ranges, type WholeRange, wholeNumberRule } from "./config/whole-number.js";
import { contentHash, toExamples } from "./datasets/dataset.js";
import type { ExperimentDefinition } from "./define.js";
import type { RunListener } from "./engine/events.js";
import { runExperiments } from "./engine/run-experiments.js";
import { UsageError } from "./errors.js";
import { InThreadSandbox } from "./sandbox/in-thread-sandbox.js";
import { RunStore } from "./sinks/run-store.js";
import type { ExperimentResult, Fields } from "./types.js";
import { refuseUnknownOptions } from "./unknown-options.js";

/** One example given in memory, as a dataset record: `{ id?, input, output?, metadata? }`. */
export interface DataRecord<Input = Fields, Expected = Fields, Metadata = Fields> {
  id?: string | number;
  input: Input;
  output?: Expected;
  metadata?: Metadata;
}

export interface EvaluateOptions<Input = Fields, Output = unknown, Expected = Fields, Metadata = Fields> extends ExperimentDefinition<Input, Output, Expected, Metadata> {
  /** The experiment's name, also its dataset's name in the run store. */
  name: string;
  data: DataRecord<Input, Expected, Metadata>[];
  /** Per task and evaluator call, in ms (default 300000; 0 for none). */
  timeoutMs?: number;
  /** Default 1. */
  repetitions?: number;
  /** Examples in flight (default 10). */
  exampleConcurrency?: number;
  metadata?: Record<string, unknown>;
  /** Default `eval`. */
  prefix?: string;
  /** true: the first example; N: the first N. Records nothing. */
  dryRun?: boolean | number;
  /** Where the run is recorded (default `.evalwire/runs`); `false` records nothing. */
  runsDir?: string | false;
  listeners?: RunListener[];
  signal?: AbortSignal;
}

/**
 * Runs one experiment from memory (no folder, no files to load) through the same engine, run store
 * and listeners as `evalwire run`, and resolves with its result, failed or not. The task and the
 * evaluators run in the caller's thread. Rejects only with a UsageError for bad options or data.
 */
export async function evaluate<Input = Fields, Output = unknown, Expected = Fields, Metadata = Fields>(options: EvaluateOptions<Input, Output, Expected, Metadata>): Promise<ExperimentResult> {
  const { name, task } = options;
  validate(options);
  const examples = (() => {
    try {
      return toExamples(
        options.data.map((value, index) => ({ line: index + 1, value })),
        "data item",
      );
    } catch (error) {
      throw new UsageError(`evaluate(): ${(error as Error).message}`);
    }
  })();
  const evaluators = Object.entries(options.evaluators).map(([evaluatorName, evaluator]) => ({
    name: evaluatorName,
    evaluate: typeof evaluator === "function" ? (evaluator as (args: unknown) => unknown) : (args: unknown) => (evaluator as { evaluate(a: unknown): unknown }).evaluate(args),
  }));
  const runsDir = options.runsDir === false ? null : resolve(options.runsDir ?? defaults.runsDir);
  const version = contentHash(JSON.stringify(examples));
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const run = await runExperiments({
    plans: [
      {
        experiment: name,
        dataset: { name, experimentDir: process.cwd() },
        knobs: {
          timeoutMs,
          loadTimeoutMs: 0,
          repetitions: options.repetitions ?? defaults.repetitions,
          exampleConcurrency: options.exampleConcurrency ?? defaults.exampleConcurrency,
          metadata: {},
        },
        openSandbox: async ({ stop, concurrency }) => new InThreadSandbox({ task: task as never, evaluators }, { experiment: name, timeoutMs, concurrency, stop }),
      },
    ],
    backend: {
      kind: "local",
      location: runsDir ?? "memory",
      datasets: { load: async () => ({ name, version, source: "memory", examples }) },
      sinks: runsDir ? [new RunStore(runsDir)] : [],
    },
    listeners: options.listeners ?? [],
    concurrency: 1,
    dryRun: options.dryRun === undefined || options.dryRun === false ? false : options.dryRun === true ? 1 : options.dryRun,
    prefix: options.prefix ?? defaults.prefix,
    metadata: options.metadata ?? {},
    signal: options.signal,
    runsDir: runsDir ?? "",
    experimentsDir: process.cwd(),
  });
  return run.experiments[0]!;
}

const optionNames = Object.keys({
  name: true,
  data: true,
  task: true,
  evaluators: true,
  timeoutMs: true,
  repetitions: true,
  exampleConcurrency: true,
  metadata: true,
  prefix: true,
  dryRun: true,
  runsDir: true,
  listeners: true,
  signal: true,
} satisfies Record<keyof EvaluateOptions, true>);

function validate(options: EvaluateOptions<any, any, any, any>): void {
  refuseUnknownOptions(options, optionNames, "evaluate(): ");
  const nameProblem = typeof options.name === "string" ? namePartProblem(options.name) : "must be a string";
  if (nameProblem) throw new UsageError(`evaluate(): name ${nameProblem} (got ${JSON.stringify(options.name)})`);
  if (typeof options.task !== "function") throw new UsageError("evaluate(): task must be a function");
  if (!Array.isArray(options.data) || options.data.length === 0) throw new UsageError("evaluate(): data must be a non-empty array of { input, output?, metadata?, id? }");
  if (!options.evaluators || typeof options.evaluators !== "object" || Array.isArray(options.evaluators)) {
    const got = Array.isArray(options.evaluators) ? " (got a list)" : "";
    throw new UsageError(`evaluate(): evaluators must be an object of named evaluators, such as { exact: exactMatch() }${got}`);
  }
  for (const [key, evaluator] of Object.entries(options.evaluators)) {
    const callable = typeof evaluator === "function" || (evaluator && typeof (evaluator as { evaluate?: unknown }).evaluate === "function");
    if (!callable) throw new UsageError(`evaluate(): evaluators.${key} must be a function or an object with evaluate()`);
  }
  const whole = (key: string, value: unknown, range: WholeRange) => {
    if (value !== undefined && !isWholeNumber(value, range)) throw new UsageError(`evaluate(): ${key} takes ${wholeNumberRule(range)} (got ${String(value)})`);
  };
  whole("timeoutMs", options.timeoutMs, ranges.timeout);
  whole("repetitions", options.repetitions, ranges.atLeastOne);
  whole("exampleConcurrency", options.exampleConcurrency, ranges.atLeastOne);
  if (typeof options.dryRun === "number") whole("dryRun", options.dryRun, ranges.atLeastOne);
  const prefixProblem = options.prefix === undefined ? null : namePartProblem(options.prefix);
  if (prefixProblem) throw new UsageError(`evaluate(): prefix ${prefixProblem} (got ${JSON.stringify(options.prefix)})`);
}
