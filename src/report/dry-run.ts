import { pc } from "../colour.js";
import type { ExperimentInfo, RunListener } from "../engine/events.js";
import type { Example, ExampleResult } from "../types.js";
import { duration, type Output } from "./format.js";

const maxOutput = 300;

/** In a dry run, each result as it comes: output and every score, so a task can be checked by eye. */
export class DryRunReporter implements RunListener {
  constructor(private readonly out: Output) {}

  onResult(info: ExperimentInfo, result: ExampleResult, example: Example): void {
    const lines = [
      `${pc.bold(info.experiment)} ${pc.dim(`example ${result.exampleId}`)}${result.repetition > 1 ? pc.dim(` repetition ${result.repetition}`) : ""} ${pc.dim(duration(result.durationMs))}`,
    ];
    if (result.error !== null) lines.push(`  ${pc.red(result.status === "timeout" ? "timeout" : "error")}: ${result.error}`);
    else lines.push(`  output: ${truncate(JSON.stringify(result.output))}`);
    lines.push(`  expected: ${Object.keys(example.output).length > 0 ? truncate(JSON.stringify(example.output)) : pc.dim("none in the dataset")}`);
    for (const evaluation of result.evaluations) {
      const value =
        evaluation.error !== null
          ? pc.red(`error: ${evaluation.error}`)
          : [evaluation.score !== null ? String(evaluation.score) : null, evaluation.label, evaluation.explanation ? pc.dim(evaluation.explanation) : null].filter(Boolean).join(" ");
      lines.push(`  ${evaluation.name}: ${value}`);
    }
    this.out.write(`${lines.join("\n")}\n`);
  }
}

function truncate(text: string): string {
  return text.length > maxOutput ? `${text.slice(0, maxOutput)}…` : text;
}
