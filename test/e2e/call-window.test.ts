// A high example concurrency is honoured for calls that wait, and costs nothing for calls that do
// not: the engine asks for at most 1,024 calls at once until it finds both threads idle, waiting.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, evalwire, readResults, runDirs, useTempDirs } from "./_support.js";

const temp = useTempDirs();

/** An experiment of `n` examples whose task waits `waitMs` and returns the most calls it saw in flight at once. */
function project(n: number, waitMs: number): string {
  const cwd = temp();
  const dir = join(cwd, "experiments", "wide");
  const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `ex-${i + 1}`, input: { n: i + 1 } }));
  for (const [file, text] of Object.entries({
    "dataset.jsonl": `${rows.join("\n")}\n`,
    "task.ts": `const seen = globalThis as unknown as { inFlight?: number; most?: number };
export async function task() {
  seen.inFlight = (seen.inFlight ?? 0) + 1;
  seen.most = Math.max(seen.most ?? 0, seen.inFlight);
  if (${waitMs} > 0) await new Promise((resolve) => setTimeout(resolve, ${waitMs}));
  seen.inFlight--;
  return { most: seen.most };
}
`,
  })) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return cwd;
}

const mostInFlight = (cwd: string) => Math.max(...readResults(runDirs(cwd)[0]!).map((result: any) => result.output.most));

describe("example concurrency above 1,024", () => {
  it("runs more than 1,024 calls at once when the calls wait", async () => {
    const cwd = project(4000, 400);
    const run = await evalwire(["run", "--experiments", "experiments", "--example-concurrency", "5000"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(mostInFlight(cwd)).toBeGreaterThan(1024);
  });

  it("keeps at most 1,024 calls asked for at once when the calls return at once", async () => {
    const cwd = project(20_000, 0);
    const run = await evalwire(["run", "--experiments", "experiments", "--example-concurrency", "100000"], cwd);
    expect(run.code, describeRun(run)).toBe(0);
    expect(mostInFlight(cwd)).toBeLessThanOrEqual(1024);
  });
});
