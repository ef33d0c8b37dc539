/**
 * (e) Example concurrency does not cost time: a no-op task and one evaluator over 200,000 local
 * examples, recorded, at example concurrency 10 and at 100,000, each in a fresh process. Figure:
 * run() wall time at 100,000 over that at 10 (target: no growth, ≤ 1.2).
 *
 *   npx tsx bench/high-concurrency.ts [--examples N]
 */
import { join } from "node:path";
import { noopTask, oneEvaluator, writeExperiment } from "./fixtures.js";
import { checkBuild, childrenDir, fmt, isMain, log, makeTempDir, ms, type Row, removeTempDir, rowsTable, runChild } from "./lib.js";

const bench = "e high concurrency";
const targetRatio = 1.2;

interface EngineReport {
  runWallMs: number;
  runCpuMs: number;
  error: string | null;
  experiments: { status: string; completed: number }[];
  maxRssKb: number;
}

export async function highConcurrency(options: { examples?: number } = {}): Promise<Row[]> {
  checkBuild();
  const examples = options.examples ?? 200_000;
  const tmp = makeTempDir("high-concurrency");
  try {
    const experimentsDir = join(tmp, "experiments");
    writeExperiment(experimentsDir, { name: "wide", task: noopTask, evaluators: { always_one: oneEvaluator("always_one") }, examples });
    log(`\n== ${bench}: no-op task + 1 evaluator, ${fmt(examples)} examples, recorded; example concurrency 10 and 100,000`);
    const timings: Record<number, EngineReport & { peakRssMb: number }> = {};
    for (const exampleConcurrency of [10, 100_000]) {
      const runsDir = join(tmp, `runs-${exampleConcurrency}`);
      const child = await runChild<EngineReport>(join(childrenDir, "engine-run.mjs"), [JSON.stringify({ experimentsDir, runsDir, exampleConcurrency })]);
      timings[exampleConcurrency] = { ...child.report, peakRssMb: child.peakRssMb };
      const result = child.report.experiments[0];
      log(
        `   concurrency ${fmt(exampleConcurrency)}: run() ${ms(child.report.runWallMs)} (CPU ${ms(child.report.runCpuMs)}), peak RSS ${fmt(child.peakRssMb, 1)} MB, ${result?.status} ${fmt(result?.completed ?? 0)}`,
      );
      removeTempDir(runsDir);
    }
    const low = timings[10]!;
    const high = timings[100_000]!;
    const ratio = high.runWallMs / low.runWallMs;
    const ok = [low, high].every((t) => t.experiments[0]?.status === "passed" && t.experiments[0]?.completed === examples);
    return [
      {
        bench,
        figure: `concurrency 100,000 ${ms(high.runWallMs)} / concurrency 10 ${ms(low.runWallMs)} = ${fmt(ratio, 2)} (peak RSS ${fmt(high.peakRssMb, 0)} MB vs ${fmt(low.peakRssMb, 0)} MB)${ok ? "" : " [RUN INCOMPLETE]"}`,
        target: `≤ ${targetRatio}`,
        met: ok && ratio <= targetRatio,
      },
    ];
  } finally {
    removeTempDir(tmp);
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--examples");
  const rows = await highConcurrency(at === -1 ? {} : { examples: Number(process.argv[at + 1]) });
  log(`\n${rowsTable(rows)}`);
}
