// Child process of bench/engine-overhead.ts and bench/concurrency.ts: one ExperimentRunner.run()
// in a process of its own, so its peak RSS is the run's. Prints one JSON line on stdout.
// argv[2]: JSON {experimentsDir, runsDir, exampleConcurrency?, timeoutMs?, dryRun?}
import { readdirSync, readFileSync } from "node:fs";
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

const threads = threadCpu();
const cpuStart = process.cpuUsage();
const start = performance.now();
const run = await runner.run();
threads.stop();
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
    // CPU of the main thread and of the busiest other (the experiment's worker), from /proc (Linux); null elsewhere.
    mainCpuMs: threads.main(),
    workerCpuMs: threads.busiestOther(),
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

/**
 * Each thread's CPU time during run(), read from /proc/self/task every 20 ms (a worker's thread is
 * gone once it ends, so its last reading is its total). Linux only.
 */
function threadCpu() {
  const ticksPerMs = 100 / 1000;
  const first = new Map();
  const last = new Map();
  const read = () => {
    let tids;
    try {
      tids = readdirSync("/proc/self/task");
    } catch {
      return;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const ms = (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
        if (!first.has(tid)) first.set(tid, ms);
        last.set(tid, ms);
      } catch {
        // The thread ended between the listing and the reading.
      }
    }
  };
  read();
  const before = new Map(first);
  const timer = setInterval(read, 20);
  const used = (tid) => last.get(tid) - (before.get(tid) ?? 0);
  return {
    stop() {
      read();
      clearInterval(timer);
    },
    main: () => (last.has(String(process.pid)) ? used(String(process.pid)) : null),
    busiestOther: () => {
      const others = [...last.keys()].filter((tid) => tid !== String(process.pid)).map(used);
      return others.length > 0 ? Math.max(...others) : null;
    },
  };
}
