/** The files `evalwire init` writes, keyed by path. */
export function scaffoldFiles(experimentsDir: string): Record<string, string> {
  const dir = `${experimentsDir}/capitals`;
  return {
    "evalwire.toml": `# evalwire configuration: every key is optional. All of them: node_modules/evalwire/evalwire.toml.example
[experiments]
dir = ${JSON.stringify(experimentsDir)}
prefix = "eval"
example_concurrency = 10
timeout = 30000  # ms per task call

# A run is judged: a gate that fails fails its experiment, and evalwire exits 1.
[thresholds]
max_errors = 0       # task and evaluator errors allowed: a count, or a share such as "2%"
exact_match = 0.8    # the mean score of exact_match must be >= 0.8; raise it as your app improves
# exact_match = { mean = 0.8, pass_rate = 0.8 }   # or several bars for one evaluator
`,
    [`${dir}/task.ts`]: `import type { Example, TaskContext } from "evalwire";

const capitals: Record<string, string> = { france: "Paris", japan: "Tokyo", kenya: "Nairobi", peru: "Lima" };

/** The code under test: replace this lookup with a call to your application. */
export async function task(example: Example, ctx: TaskContext) {
  const country = String(example.input.country).toLowerCase();
  ctx.signal.throwIfAborted();
  return { answer: capitals[country] ?? "I don't know" };
}
`,
    [`${dir}/exact_match.ts`]: `import type { EvaluatorArgs } from "evalwire";

/** 1 when the answer equals the expected one, else 0. The file name is the evaluator's name. */
export function exact_match({ output, expected }: EvaluatorArgs) {
  return (output as { answer: string }).answer === expected.answer;
}
`,
    [`${dir}/dataset.jsonl`]: [
      { id: "fr", input: { country: "France" }, output: { answer: "Paris" } },
      { id: "jp", input: { country: "Japan" }, output: { answer: "Tokyo" } },
      { id: "ke", input: { country: "Kenya" }, output: { answer: "Nairobi" } },
      { id: "pe", input: { country: "Peru" }, output: { answer: "Lima" } },
      { id: "is", input: { country: "Iceland" }, output: { answer: "Reykjavik" } },
    ]
      .map((record) => JSON.stringify(record))
      .join("\n")
      .concat("\n"),
  };
}
