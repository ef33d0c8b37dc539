/**
 * Runs every benchmark in turn and prints one table of figures beside their targets. Figures are
 * reported, never asserted: the exit code is 0 whether targets are met or not (it is non-zero only
 * when a benchmark itself could not run).
 *
 *   npm run bench            (builds dist/ first)
 *   npx tsx bench/index.ts   (measures the dist/ already built)
 *
 * Each bench also runs alone: npx tsx bench/engine-overhead.ts, bench/concurrency.ts, bench/startup.ts,
 * bench/first-task.ts (with --before DIR to compare an older build), bench/high-concurrency.ts,
 * bench/large-dataset.ts.
 */
import { cpus, loadavg } from "node:os";
import { concurrency } from "./concurrency.js";
import { engineOverhead } from "./engine-overhead.js";
import { firstTask } from "./first-task.js";
import { highConcurrency } from "./high-concurrency.js";
import { largeDataset } from "./large-dataset.js";
import { checkBuild, hasGnuTime, log, type Row, rowsTable } from "./lib.js";
import { startup } from "./startup.js";

const benches: { name: string; run: () => Promise<Row[]> }[] = [
  { name: "a engine overhead", run: () => engineOverhead() },
  { name: "b concurrency", run: () => concurrency() },
  { name: "c start-up", run: () => startup() },
  { name: "d first call", run: () => firstTask() },
  { name: "e high concurrency", run: () => highConcurrency() },
  { name: "f large dataset", run: () => largeDataset() },
];

checkBuild();
const started = performance.now();
log(
  `evalwire benchmarks · node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "?"}) · ` +
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(" ")} · peak RSS from ${hasGnuTime() ? "/usr/bin/time -v" : "process.resourceUsage()"}`,
);

const rows: Row[] = [];
let broken = 0;
for (const bench of benches) {
  try {
    rows.push(...(await bench.run()));
  } catch (error) {
    broken++;
    process.stderr.write(`${bench.name}: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    rows.push({ bench: bench.name, figure: "could not run (see above)", target: "-", met: false });
  }
}

const withTarget = rows.filter((row) => row.met !== null);
log(`\n${rowsTable(rows)}`);
log(`\n${withTarget.filter((row) => row.met).length} of ${withTarget.length} targets met · ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (broken > 0) process.exitCode = 1;
