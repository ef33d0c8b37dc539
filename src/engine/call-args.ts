import type { EvaluatorArgs, Example, TaskContext } from "../types.js";
import { lazyFields } from "./lazy-fields.js";
import { ownCopy } from "./own-copy.js";

// What user code is given with each call. Copies are made on first read: most evaluators read two
// or three fields, and a task that never reads its signal costs no AbortController.

const inspect = Symbol.for("nodejs.util.inspect.custom");

class TaskContextSource implements TaskContext {
  constructor(
    private readonly signalOf: () => AbortSignal,
    readonly repetition: number,
    readonly experiment: string,
  ) {}

  get signal(): AbortSignal {
    return this.signalOf();
  }

  /** console.log(ctx) shows the fields, not this class. */
  [inspect](): TaskContext {
    return { signal: this.signal, repetition: this.repetition, experiment: this.experiment };
  }
}

const taskContextView = lazyFields<TaskContext>(["signal", "repetition", "experiment"]);

export function taskContext(signal: () => AbortSignal, repetition: number, experiment: string): TaskContext {
  return taskContextView(new TaskContextSource(signal, repetition, experiment));
}

class EvaluatorArgsSource implements EvaluatorArgs {
  private exampleCopy: Example | undefined;
  private outputCopy: { value: unknown } | undefined;

  constructor(
    private readonly original: Example,
    private readonly taskOutput: unknown,
    readonly durationMs: number,
    private readonly signalOf: () => AbortSignal,
  ) {}

  get example(): Example {
    this.exampleCopy ??= ownCopy(this.original);
    return this.exampleCopy;
  }
  get input() {
    return this.example.input;
  }
  get expected() {
    return this.example.output;
  }
  get metadata() {
    return this.example.metadata;
  }
  get output(): unknown {
    this.outputCopy ??= { value: ownCopy(this.taskOutput) };
    return this.outputCopy.value;
  }
  get signal(): AbortSignal {
    return this.signalOf();
  }

  /** console.log(args) shows the fields, not this class. */
  [inspect](): EvaluatorArgs {
    const { input, output, expected, metadata, example, durationMs, signal } = this;
    return { input, output, expected, metadata, example, durationMs, signal };
  }
}

const evaluatorArgsView = lazyFields<EvaluatorArgs>(["input", "output", "expected", "metadata", "example", "durationMs", "signal"]);

export function evaluatorArgs(example: Example, output: unknown, durationMs: number, signal: () => AbortSignal): EvaluatorArgs {
  return evaluatorArgsView(new EvaluatorArgsSource(example, output, durationMs, signal));
}
