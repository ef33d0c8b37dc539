import { fstatSync } from "node:fs";
import type { ExperimentInfo, RunListener } from "../engine/events.js";
import { firstLine } from "../errors.js";
import type { ExampleResult } from "../types.js";
import type { Output } from "./format.js";
import type { ReportedExperiment } from "./reported.js";

/**
 * One line on stderr per failed experiment (`evalwire: search failed: top_k mean 0.72 < 0.80`), so
 * whoever reads only stderr (stdout sent to a file, a CI step that shows stderr on failure) sees
 * why the exit code is 1, and which example first went wrong. Not written when stdout and stderr are the same file or terminal: the
 * summary already said it there.
 */
export class FailuresToStderr implements RunListener {
  private readonly firstError = new Map<string, string>();

  constructor(private readonly err: Output) {}

  onResult(info: ExperimentInfo, result: ExampleResult): void {
    if (this.firstError.has(info.experiment)) return;
    const evaluator = result.evaluations.find((e) => e.error !== null);
    const message = result.error !== null ? `task: ${result.error}` : evaluator ? `${evaluator.name}: ${evaluator.error}` : null;
    if (message === null) return;
    const at = `example ${result.exampleId}${result.repetition > 1 ? ` (repetition ${result.repetition})` : ""}`;
    this.firstError.set(info.experiment, `${at}: ${firstLine(message)}`);
  }

  onRunEnd(results: ReportedExperiment[]): void {
    for (const result of results.filter((r) => r.status === "failed")) {
      const errors = result.taskErrors + result.evaluatorErrors;
      const first = this.firstError.get(result.experiment);
      const counted = `${errors} task or evaluator error${errors === 1 ? "" : "s"}${first ? `, the first: ${first}` : ""}`;
      this.err.write(`evalwire: ${result.experiment} failed: ${result.failure ?? counted}\n`);
    }
  }
}

/** Whether two file descriptors lead to the same file, pipe or terminal. */
export function sameDestination(a: number, b: number): boolean {
  try {
    const [x, y] = [fstatSync(a), fstatSync(b)];
    return x.dev === y.dev && x.ino === y.ino && x.rdev === y.rdev;
  } catch {
    return false;
  }
}
