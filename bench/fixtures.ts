/** Experiment folders written into a temp dir, in the layout the engine discovers. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ExperimentFixture {
  /** Folder name, which is also the dataset's name. */
  name: string;
  /** Source of task.ts. */
  task: string;
  /** Evaluator file stem → source of `<stem>.ts`. */
  evaluators: Record<string, string>;
  examples: number;
}

/** A task that does nothing and returns {ok: true}. */
export const noopTask = `export function task() {\n  return { ok: true };\n}\n`;

/**
 * A task that waits `ms` on a timer, then returns {ok: true}. It stamps its first call on
 * globalThis, so the bench can tell the engine's set-up (loading code and dataset) from its loop.
 */
export const sleepTask = (ms: number) =>
  `export async function task() {\n  (globalThis as any).__evalwireBenchFirstTaskAt ??= performance.now();\n  await new Promise((resolve) => setTimeout(resolve, ${ms}));\n  return { ok: true };\n}\n`;

/** An evaluator that always returns 1, named after its file. */
export const oneEvaluator = (name: string) => `export function ${name}() {\n  return 1;\n}\n`;

/** One dataset line, as the brief describes them: {"id","input","output"}. */
export function datasetLine(index: number): string {
  return JSON.stringify({ id: `ex-${index}`, input: { user_query: `question number ${index}` }, output: { expected_output: `answer ${index}` } });
}

/** Writes `<experimentsDir>/<name>/{task.ts, <evaluator>.ts…, dataset.jsonl}`; returns the folder. */
export function writeExperiment(experimentsDir: string, fixture: ExperimentFixture): string {
  const dir = join(experimentsDir, fixture.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "task.ts"), fixture.task);
  for (const [stem, source] of Object.entries(fixture.evaluators)) writeFileSync(join(dir, `${stem}.ts`), source);
  const lines: string[] = new Array(fixture.examples);
  for (let index = 0; index < fixture.examples; index++) lines[index] = datasetLine(index + 1);
  writeFileSync(join(dir, "dataset.jsonl"), `${lines.join("\n")}\n`);
  return dir;
}
