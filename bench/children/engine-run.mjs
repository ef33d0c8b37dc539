// Child process of bench/engine-overhead.ts and bench/concurrency.ts: one ExperimentRunner.run()
// in a process of its own, so its peak RSS is the run's. Prints one JSON line on stdout.
// argv[2]: JSON {experimentsDir, runsDir, exampleConcurrency?, timeoutMs?, dryRun?}
import { ExperimentRunner } from "../../dist/index.js";

const options = JSON.parse(process.argv[2]);
const runner = new ExperimentRunner({
  experimentsDir: options.experimentsDir,
  runsDir: options.runsDir,
  ...(options.exampleConcurrency !== undefined ? { exampleConcurrency: options.exampleConcurrency } : {}),
  ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  dryRun: options.dryRun ?? false,
  listeners: [],
});

const cpuStart = process.cpuUsage();
const start = performance.now();
const run = await runner.run();
const results = run.experiments;
const error = run.status === "passed" ? null : `the run ${run.status}`;
const end = performance.now();
const cpu = process.cpuUsage(cpuStart);
const runWallMs = end - start;
// A bench task may stamp its first call (globalThis.__evalwireBenchFirstTaskAt) to split set-up from the loop.
const firstTaskAt = globalThis.__evalwireBenchFirstTaskAt;

process.stdout.write(
  `${JSON.stringify({
    runWallMs,
    // user + system CPU of run(), all threads of this process: steadier than wall time on a busy machine.
    runCpuMs: (cpu.user + cpu.system) / 1000,
    setupMs: firstTaskAt === undefined ? null : firstTaskAt - start,
    loopMs: firstTaskAt === undefined ? null : end - firstTaskAt,
    error,
    experiments: results.map((r) => ({
      experiment: r.experiment,
      status: r.status,
      failure: r.failure,
      planned: r.planned,
      completed: r.completed,
      taskErrors: r.taskErrors,
      evaluatorErrors: r.evaluatorErrors,
      durationMs: r.durationMs,
      runPath: r.runPath,
    })),
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
