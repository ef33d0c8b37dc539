// The `rubric` evaluator (the examples' own criteria) judges only the examples that carry some: its
// pass rate, pass@k and pass^k leave the others out, as its mean does. Before, an example without
// criteria counted as a failed call, so `rubric = { pass_rate = 1 }` could never pass.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, useTempDirs } from "./_support.js";

const temp = useTempDirs();

describe("gates of the examples' own rubric criteria", () => {
  for (const repetitions of ["1", "2"]) {
    it(`count only the examples that carry criteria (--repetitions ${repetitions})`, async () => {
      const cwd = temp();
      const r = await evalwire(["run", "--experiments", fixture("example-rubric-gates", "experiments"), "--repetitions", repetitions, "--reporter", "json=report.json"], cwd);
      expect(r.code, describeRun(r)).toBe(0);
      const rubric = JSON.parse(readFileSync(join(cwd, "report.json"), "utf8")).experiments[0].evaluators.rubric;
      expect(rubric).toMatchObject({ mean: 1, scored: 2 * Number(repetitions), passRate: 1, passAtK: 1, passAllK: 1 });
    }, 60_000);
  }
});
