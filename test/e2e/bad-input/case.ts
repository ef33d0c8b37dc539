/**
 * One case of the bad-input corpus (test/e2e/bad-input-corpus.test.ts): files written into a fresh
 * working folder, the arguments of one `evalwire` call, and what must come of it.
 */
export interface BadInput {
  /** What is wrong, as the test names it. */
  what: string;
  /** Written into the working folder (paths relative to it) before anything runs. */
  files?: Record<string, string>;
  /** Calls made first, each of which must end with its code (default 0): a run to resume, a baseline... */
  before?: { args: string[]; code?: number }[];
  /** Written after `before`, just before the bad call: a dataset changed since the run it resumes... */
  edits?: Record<string, string>;
  /** A fault made just before the bad call (chmod, a small disk mounted); returns its undo. */
  fault?: (cwd: string) => (() => void) | undefined;
  /** Needs root: it mounts a disk, or runs the CLI as another user (then `asNobody`). */
  root?: boolean;
  /** Run the bad call as the user nobody, so that permissions bite (root reads everything). */
  asNobody?: boolean;
  /** The bad call's arguments; a function when they name something `before` made. */
  args: string[] | ((cwd: string) => string[] | Promise<string[]>);
  env?: Record<string, string>;
  /** Send these signals (in turn, a moment apart) once `afterResults` results are recorded, or `afterStdout` is printed. */
  interrupt?: { signals: NodeJS.Signals[]; afterResults?: number; afterStdout?: string };
  code: 0 | 1 | 2 | 130;
  /** The one line on stderr that says what went wrong: it must name the culprit. */
  message: RegExp;
  /** Lines on stderr when more than one (one per failed experiment, or a warning as well). */
  stderrLines?: number;
  /** What stdout must also say (the summary's reason, a progress line...). */
  stdout?: RegExp;
  /**
   * Finished results that must be on disk after the bad call, by the run folder's prefix
   * (`eval_<dataset>`): the example ids (`id#2` for a second repetition) and run.json's status.
   * With `partial`, some of those ids and not all (a disk that fills up): whichever are there, once
   * each. Every run folder not named here is unchanged (a usage error writes none).
   */
  /** A product bug this case shows and that is not fixed yet: the case is then expected to fail (test.fails). */
  knownBug?: string;
  /** Anything else the case must leave true, read from the working folder after the call. */
  check?: (cwd: string) => boolean;
  kept?: Record<string, { ids: string[]; partial?: true; status: "passed" | "failed" | "interrupted" | "running" }>;
}

const greetTask = `export function task(example: { id: string; input: { name: string } }) {
  return { greeting: \`hello \${example.input.name}\` };
}
`;

const exactEvaluator = `export function exact({ output, expected }: { output: { greeting: string }; expected: { greeting: string } }) {
  return output.greeting === expected.greeting;
}
`;

/** Three examples, a, b and c, each passing `exact` with the greet task. */
export const greetDataset = `${["a", "b", "c"].map((id) => JSON.stringify({ id, input: { name: id.toUpperCase() }, output: { greeting: `hello ${id.toUpperCase()}` } })).join("\n")}\n`;

/** A working experiment at `experiments/<name>`, with any file replaced or added by `overrides` (null removes one). */
export function experiment(name: string, overrides: Record<string, string | null> = {}): Record<string, string> {
  const files: Record<string, string | null> = { "task.ts": greetTask, "exact.ts": exactEvaluator, "dataset.jsonl": greetDataset, ...overrides };
  const out: Record<string, string> = {};
  for (const [file, content] of Object.entries(files)) if (content !== null) out[`experiments/${name}/${file}`] = content;
  return out;
}

/** A task that runs the greet task, except for `body`, which runs first (it may throw, exit, hang...). */
export function taskThat(body: string): string {
  return `export async function task(example: { id: string; input: { name: string } }, ctx: { signal: AbortSignal; repetition: number }) {
  ${body}
  return { greeting: \`hello \${example.input.name}\` };
}
`;
}

/** An evaluator named `name` that runs `body` first, then scores 1. */
export function evaluatorThat(name: string, body: string): string {
  return `export async function ${name}({ example, output }: { example: { id: string }; output: unknown }) {
  ${body}
  return 1;
}
`;
}

/** A dataset of `count` examples e1..eN for the greet task. */
export function dataset(count: number): string {
  return `${Array.from({ length: count }, (_, i) => JSON.stringify({ id: `e${i + 1}`, input: { name: `N${i + 1}` }, output: { greeting: `hello N${i + 1}` } })).join("\n")}\n`;
}

/** Ids e1..eN. */
export function ids(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `e${from + i}`);
}
