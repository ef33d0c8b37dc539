// Child process of bench/engine-overhead.ts: the baseline the engine is compared with. A plain
// loop over the same dataset that calls the same task and evaluator functions (loaded the way
// the engine loads them, with tsx) under the same p-limit concurrency, and writes one JSON line
// per result with fs.writeSync. Prints one JSON line on stdout.
// argv[2]: JSON {taskFile, evaluatorFile, evaluatorName, datasetFile, resultsFile, concurrency, records?}
// records: "minimal" (default: { exampleId, output, score }, the loop the target is stated against)
// or "full" (the record the engine writes: status, start time, durations, the evaluation's fields).
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import pLimit from "p-limit";
import { tsImport } from "tsx/esm/api";

const options = JSON.parse(process.argv[2]);
const full = options.records === "full";

let lastMs = -1;
let lastIso = "";
/** The engine's isoNow: one Date string a millisecond. */
function isoNow() {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

const cpuStart = process.cpuUsage();
const start = performance.now();
const taskModule = await tsImport(pathToFileURL(options.taskFile).href, import.meta.url);
const evaluatorModule = await tsImport(pathToFileURL(options.evaluatorFile).href, import.meta.url);
const task = taskModule.task;
const evaluator = evaluatorModule[options.evaluatorName];

const examples = [];
for (const line of readFileSync(options.datasetFile, "utf8").split("\n")) {
  if (line.trim() === "") continue;
  const { id, input, output = {}, metadata = {} } = JSON.parse(line);
  examples.push({ id: String(id), input, output, metadata });
}
const loopStart = performance.now();

const fd = openSync(options.resultsFile, "a");
const limit = pLimit(options.concurrency);
const signal = new AbortController().signal;
let completed = 0;
let scoreSum = 0;
await Promise.all(
  examples.map((example) =>
    limit(async () => {
      const startedAt = full ? isoNow() : "";
      const start = performance.now();
      const output = await task(example, { signal, repetition: 1, experiment: "baseline" });
      const durationMs = full ? performance.now() - start : 0;
      const evaluatorStart = full ? performance.now() : 0;
      const score = await evaluator({ input: example.input, output, expected: example.output, metadata: example.metadata, example, durationMs });
      const record = full
        ? {
            exampleId: example.id,
            repetition: 1,
            status: "ok",
            output,
            error: null,
            startedAt,
            durationMs,
            evaluations: [{ name: options.evaluatorName, score, label: null, explanation: null, error: null, durationMs: performance.now() - evaluatorStart }],
          }
        : { exampleId: example.id, output, score };
      writeSync(fd, `${JSON.stringify(record)}\n`);
      completed++;
      scoreSum += score;
    }),
  ),
);
closeSync(fd);
const end = performance.now();
const cpu = process.cpuUsage(cpuStart);

process.stdout.write(
  `${JSON.stringify({
    totalMs: end - start,
    totalCpuMs: (cpu.user + cpu.system) / 1000,
    setupMs: loopStart - start,
    loopMs: end - loopStart,
    completed,
    scoreSum,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
