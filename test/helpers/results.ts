import type { Evaluation, ExampleResult } from "../../src/types.js";

/** Results as the engine makes them, for tests of what reads them. */
export function evaluation(name: string, score: number | null, error: string | null = null, label: string | null = null): Evaluation {
  return { name, score, label, explanation: null, error, durationMs: 1 };
}
export function result(exampleId: string, evaluations: Evaluation[], options: { repetition?: number; error?: string } = {}): ExampleResult {
  return {
    exampleId,
    repetition: options.repetition ?? 1,
    status: options.error ? "error" : "ok",
    output: options.error ? null : { answer: exampleId },
    error: options.error ?? null,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 5,
    evaluations: options.error ? [] : evaluations,
  };
}
