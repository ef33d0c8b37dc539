// Child process of bench/first-task.ts: the time from ExperimentRunner.run() to the first task call.
// The experiment's task.ts (written by the bench) posts the moment of its first call on a
// BroadcastChannel, which reaches this thread from any worker. Prints one JSON line on stdout.
// argv[2]: JSON {dist, experimentsDir, runsDir, longRun?} (longRun: e.g. {resume: true})
const options = JSON.parse(process.argv[2]);
const { ExperimentRunner } = await import(options.dist);
const channel = new BroadcastChannel("evalwire-bench-first-task");
let firstCallAt = null;
channel.onmessage = (event) => {
  firstCallAt ??= event.data;
};
const start = performance.timeOrigin + performance.now();
const result = await new ExperimentRunner({ experimentsDir: options.experimentsDir, runsDir: options.runsDir, listeners: [], ...(options.longRun ? { longRun: options.longRun } : {}) }).run();
const end = performance.timeOrigin + performance.now();
channel.close();
const experiments = Array.isArray(result) ? result : result.experiments;
process.stdout.write(
  `${JSON.stringify({ firstTaskMs: firstCallAt === null ? null : firstCallAt - start, runMs: end - start, status: experiments.map((r) => r.status).join(","), completed: experiments.reduce((sum, r) => sum + r.completed, 0), maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
