import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFolders } from "../../helpers/cli.js";
import { type BadInput, dataset, experiment, taskThat } from "./case.js";

/** Examples e1..e5 one at a time; e3 never ends on its own (`stall` runs there), so e1 and e2 are what finishes. */
function slow(name: string, stall: string, overrides: Record<string, string | null> = {}): Record<string, string> {
  return experiment(name, { "task.ts": taskThat(`if (example.id === "e3") { ${stall} }`), "dataset.jsonl": dataset(5), "evalwire.toml": "example_concurrency = 1\n", ...overrides });
}

const ignoresSignal = "setInterval(() => {}, 1000); await new Promise(() => {});";
const notice = (signal: string) => new RegExp(`^${signal}: stopping; finished results are kept \\(press Ctrl-C again to quit at once\\)$`);
const firstTwo = { ids: ["e1", "e2"], status: "interrupted" as const };

export const interruptCases: BadInput[] = [
  {
    what: "Ctrl-C mid-run, with a task that ignores its signal",
    // "then" runs after "slow" (name order), so the first two results are slow's.
    files: { ...slow("slow", ignoresSignal), ...experiment("then") },
    args: ["run"],
    interrupt: { signals: ["SIGINT"], afterResults: 2 },
    code: 130,
    message: notice("SIGINT"),
    stdout: /■ slow\b.*2\/5/,
    kept: { eval_slow: firstTwo },
  },
  {
    what: "SIGTERM while two experiments run side by side",
    files: { ...slow("one", ignoresSignal), ...slow("two", ignoresSignal) },
    args: ["run", "--concurrency", "2"],
    interrupt: { signals: ["SIGTERM"], afterResults: 4 },
    code: 130,
    message: notice("SIGTERM"),
    kept: { eval_one: firstTwo, eval_two: firstTwo },
  },
  {
    what: "Ctrl-C while a task file is still loading",
    // .mts: outside a "type": "module" package, tsx loads a .ts file as CommonJS, where a top-level await fails at once.
    files: experiment("greet", { "task.ts": null, "task.mts": "await new Promise((resolve) => setTimeout(resolve, 20_000));\nexport const task = () => ({});\n" }),
    args: ["run"],
    interrupt: { signals: ["SIGINT"], afterStdout: "1 experiment in" },
    code: 130,
    message: notice("SIGINT"),
    stdout: /Interrupted: 0 passed, 0 failed, 1 interrupted\./,
  },
  {
    what: "Ctrl-C with a JSON report asked for: the report is still written, and says interrupted",
    files: slow("slow", ignoresSignal),
    args: ["run", "--reporter", "json=reports/run.json"],
    interrupt: { signals: ["SIGINT"], afterResults: 2 },
    code: 130,
    message: notice("SIGINT"),
    stdout: /json report: reports\/run\.json/,
    kept: { eval_slow: firstTwo },
    check: (cwd) => JSON.parse(readFileSync(join(cwd, "reports", "run.json"), "utf8")).run.status === "interrupted",
  },
  {
    what: "Ctrl-C during a dry run records nothing",
    files: slow("slow", ignoresSignal),
    args: ["run", "--dry-run", "5"],
    interrupt: { signals: ["SIGINT"], afterStdout: "slow example e2" },
    code: 130,
    message: notice("SIGINT"),
  },
  {
    what: "Ctrl-C while a task blocks its thread, with no time limit",
    files: slow("slow", "while (true) {}"),
    args: ["run", "--timeout", "0"],
    interrupt: { signals: ["SIGINT"], afterResults: 2 },
    code: 130,
    message: notice("SIGINT"),
    kept: { eval_slow: firstTwo },
  },
  {
    what: "Ctrl-C while an evaluator ignores its signal",
    files: experiment("judged", {
      "dataset.jsonl": dataset(5),
      "evalwire.toml": "example_concurrency = 1\n",
      "exact.ts": null,
      "judge.ts": `export async function judge({ example }: { example: { id: string } }) {\n  if (example.id === "e3") { ${ignoresSignal} }\n  return 1;\n}\n`,
    }),
    args: ["run"],
    interrupt: { signals: ["SIGINT"], afterResults: 2 },
    code: 130,
    message: notice("SIGINT"),
    kept: { eval_judged: firstTwo },
  },

  {
    what: "Ctrl-C while --resume finishes a run: the results of both sittings are kept, once each",
    files: slow("slow", "", { "task.ts": `import { existsSync } from "node:fs";\n${taskThat(`if (example.id === "e3" && existsSync("hang.flag")) { ${ignoresSignal} }`)}` }),
    before: [{ args: ["run"] }],
    // From here e3 hangs; the run is made unfinished with e1 alone recorded.
    edits: { "hang.flag": "" },
    fault: (cwd) => {
      const dir = join(cwd, ".evalwire", "runs", runFolders(cwd)[0]!);
      const [first] = readFileSync(join(dir, "results.jsonl"), "utf8").split("\n");
      writeFileSync(join(dir, "results.jsonl"), `${first}\n`);
      const { endedAt: _e, summary: _s, ...run } = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      writeFileSync(join(dir, "run.json"), JSON.stringify({ ...run, status: "running" }));
      return undefined;
    },
    args: ["run", "--resume"],
    interrupt: { signals: ["SIGINT"], afterResults: 2 },
    code: 130,
    message: notice("SIGINT"),
    // The other line says what is resumed.
    stderrLines: 2,
    kept: { eval_slow: firstTwo },
  },
];
