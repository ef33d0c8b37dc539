// Checked by the compiler (npm run typecheck): a wrong type below is an error there, and so is
// an expected error (ts-expect-error) that no longer happens.
import type { createClient } from "@arizeai/phoenix-client";
import { describe, expectTypeOf, it } from "vitest";
import { allPass, exactMatch, llmJudge, maxDurationMs, piiSafety, topK, weighted } from "../../src/evaluators/index.js";
import { defineEvaluator, defineExperiment, defineTask, type EvaluatorArgs, type Example, type ExperimentRunnerOptions, type RunResult } from "../../src/index.js";

interface Input {
  question: string;
}
interface Expected {
  answer: number;
}

describe("the typed library", () => {
  it("carries the task's output type to its evaluators", () => {
    const experiment = defineExperiment<Input, { value: number }, Expected>({
      task: (example) => ({ value: example.input.question.length }),
      evaluators: {
        exact: ({ output, expected }) => output.value === expected.answer,
        // @ts-expect-error: the output has no "text"
        wrong: ({ output }) => output.text === "",
      },
    });
    expectTypeOf(experiment.task).parameter(0).toEqualTypeOf<Example<Input, Expected>>();
  });

  it("takes the built-in evaluators beside typed ones, with Input and Expected declared as interfaces (the README's example)", () => {
    // Before, an interface (no index signature) was not assignable to the built-ins' Record<string, unknown> arguments.
    const experiment = defineExperiment<Input, string, Expected>({
      task: (example) => example.input.question,
      evaluators: {
        exact: exactMatch(),
        top: topK({ k: 3 }),
        safe: piiSafety(),
        quick: maxDurationMs({ value: 100 }),
        both: allPass([exactMatch(), piiSafety()]),
        mixed: weighted([[exactMatch(), 1]]),
        judged: llmJudge({ criterion: "correct", model: "m", baseUrl: "http://127.0.0.1:1/v1" }),
        short: ({ output }) => output.length < 4,
      },
    });
    expectTypeOf(experiment.evaluators).toBeObject();
  });

  it("checks a task's return against what defineTask declares", () => {
    // @ts-expect-error: a string is not { value: number }
    defineTask<Input, { value: number }>(() => "text");
    const task = defineTask<Input, { value: number }>((example) => ({ value: example.input.question.length }));
    expectTypeOf(task).returns.toEqualTypeOf<{ value: number } | Promise<{ value: number }>>();
  });

  it("types an evaluator's arguments", () => {
    const evaluator = defineEvaluator<string, Expected>(({ output, expected }) => output.length === expected.answer);
    expectTypeOf(evaluator).parameter(0).toEqualTypeOf<EvaluatorArgs<string, Expected>>();
  });

  it("takes a client from createClient of @arizeai/phoenix-client as phoenixClient, named without that package's types", () => {
    expectTypeOf<ReturnType<typeof createClient>>().toExtend<NonNullable<ExperimentRunnerOptions["phoenixClient"]>>();
    // @ts-expect-error: a connection's settings are the `phoenix` option, not a client
    const wrong: ExperimentRunnerOptions = { experimentsDir: "experiments", phoenixClient: { baseUrl: "http://127.0.0.1:6006" } };
    expectTypeOf(wrong).toEqualTypeOf<ExperimentRunnerOptions>();
  });

  it("run() resolves with a RunResult", () => {
    expectTypeOf<RunResult["status"]>().toEqualTypeOf<"passed" | "failed" | "interrupted">();
  });
});
