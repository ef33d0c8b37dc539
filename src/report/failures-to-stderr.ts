import { fstatSync } from "node:fs";
import type { RunListener } from "../engine/events.js";
import type { Output } from "./format.js";
import type { ReportedExperiment } from "./reported.js";

/**
 * One line on stderr per failed experiment (`evalwire: search failed: top_k mean 0.72 < 0.80`), so
 * whoever reads only stderr (stdout sent to a file, a CI step that shows stderr on failure) sees
 * why the exit code is 1. Not written when stdout and stderr are the same file or terminal: the
 * summary already said it there.
 */
export class FailuresToStderr implements RunListener {
  constructor(private readonly err: Output) {}

  onRunEnd(results: ReportedExperiment[]): void {
    for (const result of results.filter((r) => r.status === "failed")) {
      const errors = result.taskErrors + result.evaluatorErrors;
      this.err.write(`evalwire: ${result.experiment} failed: ${result.failure ?? `${errors} task or evaluator error${errors === 1 ? "" : "s"}`}\n`);
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
