import { resultsById, runDirFor } from "../_support.js";
import { type BadInput, evaluatorThat, experiment, taskThat } from "./case.js";

const all = ["a", "b", "c"];
const greetKept = { eval_greet: { ids: all, status: "passed" as const } };

/**
 * Experiment `bad` has its task or an evaluator replaced; `greet` beside it must run and be
 * recorded. Every example of `bad` is recorded too (an error is a result), and run.json says failed.
 */
function misbehaves(what: string, overrides: Record<string, string | null>, message: RegExp, extra: Partial<BadInput> = {}): BadInput {
  return {
    what,
    files: { ...experiment("greet"), ...experiment("bad", overrides) },
    args: ["run"],
    code: 1,
    message: new RegExp(`^evalwire: bad failed: ${message.source}`),
    kept: { ...greetKept, eval_bad: { ids: all, status: "failed" } },
    ...extra,
  };
}

/** As misbehaves, with no experiment beside `bad`: for what cannot reach beyond its own calls, and saves a second experiment's time. */
function misbehavesAlone(what: string, overrides: Record<string, string | null>, message: RegExp, extra: Partial<BadInput> = {}): BadInput {
  return { ...misbehaves(what, overrides, message, extra), files: experiment("bad", overrides), kept: { eval_bad: { ids: all, status: "failed" } }, ...extra };
}

/** Experiment `bad` cannot load: it records nothing; `greet` runs (with `alone`, there is no greet). */
function cannotLoad(what: string, overrides: Record<string, string | null>, message: RegExp, extra: Partial<BadInput> = {}, alone = false): BadInput {
  const c = misbehaves(what, overrides, message, extra);
  return alone ? { ...c, files: experiment("bad", overrides), kept: {} } : { ...c, kept: greetKept };
}

export const userCodeCases: BadInput[] = [
  misbehaves(
    "a task that throws on one example",
    { "task.ts": taskThat('if (example.id === "b") throw new Error("no quota left for B");') },
    /1 task or evaluator error, the first: example b: task: no quota left for B$/,
  ),
  misbehavesAlone(
    "a task that throws a string",
    { "task.ts": taskThat('if (example.id === "c") throw "plain string";') },
    /1 task or evaluator error, the first: example c: task: .*plain string/,
  ),
  misbehavesAlone(
    "a task that returns a BigInt",
    { "task.ts": taskThat('if (example.id === "a") return { tokens: 10n };') },
    /1 task or evaluator error, the first: example a: task: .*(BigInt|JSON)/,
  ),
  misbehavesAlone(
    "a task that returns a cycle",
    { "task.ts": taskThat('if (example.id === "b") { const o: any = {}; o.self = o; return o; }') },
    /1 task or evaluator error, the first: example b: task: .*(circular|cycle|JSON)/i,
  ),
  misbehavesAlone(
    "a task that returns a Map, which JSON would write as {}",
    { "task.ts": taskThat('if (example.id === "a") return { counts: new Map([["x", 1]]) };') },
    /1 task or evaluator error, the first: example a: task: the task returned a value that is not JSON \(a Map at \.counts\)$/,
  ),
  misbehavesAlone(
    "a task that returns a NaN deep inside, which JSON would write as null",
    { "task.ts": taskThat('if (example.id === "c") return { scores: [0.5, 0 / 0] };') },
    /1 task or evaluator error, the first: example c: task: the task returned a value that is not JSON \(NaN at \.scores\[1\]\)$/,
  ),
  misbehavesAlone(
    "an evaluator that throws on one example",
    { "exact.ts": null, "judge.ts": evaluatorThat("judge", 'if (example.id === "a") throw new Error("judge offline");') },
    /1 task or evaluator error, the first: example a: judge: judge offline$/,
  ),
  misbehavesAlone("an evaluator that returns NaN", { "exact.ts": null, "ratio.ts": "export const ratio = () => 0 / 0;\n" }, /3 task or evaluator errors, the first: example \w: ratio: .*NaN/),
  misbehavesAlone(
    "an evaluator that returns an object without a score or a label",
    { "exact.ts": null, "points.ts": "export const points = () => ({ points: 3 });\n" },
    /3 task or evaluator errors, the first: example \w: points: /,
  ),
  misbehaves(
    "process.exit in a task",
    { "task.ts": taskThat('if (example.id === "b") process.exit(3);') },
    /1 task or evaluator error, the first: example b: task: process\.exit\(3\) was called; a task or evaluator cannot end evalwire \(throw an error instead\)$/,
  ),
  misbehaves(
    "process.exit in an evaluator",
    { "exact.ts": null, "quits.ts": evaluatorThat("quits", 'if (example.id === "c") process.exit(0);') },
    /1 task or evaluator error, the first: example c: quits: process\.exit\(0\) was called; a task or evaluator cannot end evalwire \(throw an error instead\)$/,
  ),
  misbehaves(
    "process.kill of its own process in a task",
    { "task.ts": taskThat('if (example.id === "a") process.kill(process.pid);') },
    /1 task or evaluator error, the first: example a: task: /,
  ),
  misbehaves(
    "a task that blocks its thread on one example",
    { "task.ts": taskThat('if (example.id === "b") { while (true) {} }') },
    /1 task or evaluator error, the first: example b: task: blocked the event loop for more than 1500 ms: task\.ts never yields on example b/,
    { args: ["run", "--timeout", "1500", "--example-concurrency", "1"] },
  ),
  misbehaves(
    "an evaluator that blocks its thread on one example",
    { "exact.ts": null, "spins.ts": evaluatorThat("spins", 'if (example.id === "a") { while (true) {} }') },
    /1 task or evaluator error, the first: example a: spins: blocked the event loop for more than 1500 ms: evaluator spins never yields on example a, so evalwire stopped it$/,
    {
      args: ["run", "--timeout", "1500", "--example-concurrency", "1"],
      // The task finished: its output is kept, and the evaluator holds the error; b and c run in a new worker.
      check: (cwd) => {
        const { a, b, c } = resultsById(runDirFor(cwd, "bad"));
        return (
          a.status === "ok" &&
          a.error === null &&
          a.output?.greeting === "hello A" &&
          a.evaluations.length === 1 &&
          a.evaluations[0].name === "spins" &&
          /^blocked the event loop for more than 1500 ms: evaluator spins never yields on example a/.test(a.evaluations[0].error) &&
          [b, c].every((r) => r.status === "ok" && r.evaluations[0].score === 1)
        );
      },
    },
  ),
  misbehavesAlone(
    "an evaluator that ignores its signal past --timeout",
    { "exact.ts": null, "waits.ts": evaluatorThat("waits", 'if (example.id === "b") await new Promise(() => setInterval(() => {}, 1000));') },
    /1 task or evaluator error, the first: example b: waits: .*timed out.*1000/,
    {
      args: ["run", "--timeout", "1000"],
      // The task's output is kept beside the evaluator's error.
      check: (cwd) => resultsById(runDirFor(cwd, "bad")).b.output?.greeting === "hello B",
    },
  ),
  misbehaves(
    "a task that ignores its signal past --timeout",
    { "task.ts": taskThat('if (example.id === "c") await new Promise(() => setInterval(() => {}, 1000));') },
    /1 task or evaluator error, the first: example c: task: .*timed out.*1000/,
    { args: ["run", "--timeout", "1000"] },
  ),
  misbehaves(
    "an error that escapes a task (a promise nobody awaits)",
    { "task.ts": taskThat('if (example.id === "a") Promise.reject(new Error("forgotten promise"));') },
    /an error escaped the task or an evaluator \(not awaited, or thrown in a callback\): forgotten promise/,
    // The escape is also warned about on stderr as it happens.
    { stderrLines: 2 },
  ),
  cannotLoad(
    "a task file that throws while loading",
    { "task.ts": 'throw new Error("OPENAI_API_KEY is not set");\nexport const task = () => ({});\n' },
    /experiments\/bad\/task\.ts: .*OPENAI_API_KEY is not set/,
  ),
  cannotLoad("an evaluator file with a syntax error", { "exact.ts": "export const exact = () => {\n  return 1 +;\n};\n" }, /experiments\/bad\/exact\.ts\b.*(:2:|line 2\b)/, {}, true),
  cannotLoad(
    "a task that imports a file that does not exist",
    { "task.ts": 'import { model } from "./_model";\nexport const task = () => ({ model });\n' },
    /experiments\/bad\/task\.ts: .*_model/,
    {},
    true,
  ),
  cannotLoad("a task file with no task export", { "task.ts": "export const run = () => ({});\n" }, /experiments\/bad\/task\.ts: .*"task"/, {}, true),
  cannotLoad("an evaluator that is not a function", { "exact.ts": "export const exact = 0.5;\n" }, /experiments\/bad\/exact\.ts: .*function/, {}, true),
  cannotLoad(
    "a top-level await that never settles",
    { "task.ts": null, "task.mts": "await new Promise(() => {});\nexport const task = () => ({});\n" },
    /experiments\/bad\/task\.mts: did not finish loading within 8000 ms .*raise --load-timeout/,
    { args: ["run", "--load-timeout", "8000"] },
  ),
];
