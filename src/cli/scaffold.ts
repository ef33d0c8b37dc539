/** What the scaffolded experiment's task is: TypeScript, or a task.yaml calling a service or running a program. */
export const taskKinds = ["ts", "http", "command"] as const;
export type TaskKind = (typeof taskKinds)[number];

/** Where the http scaffold sends its requests: the user's service. */
export const scaffoldServiceUrl = "http://127.0.0.1:8000/capital";

/** The files `evalwire init` writes, keyed by path. */
export function scaffoldFiles(experimentsDir: string, kind: TaskKind = "ts"): Record<string, string> {
  const dir = `${experimentsDir}/capitals`;
  return { ...configFile(experimentsDir), ...(kind === "ts" ? codeTask(dir) : declaredTask(dir, kind)), ...dataset(dir) };
}

function configFile(experimentsDir: string): Record<string, string> {
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
  };
}

function codeTask(dir: string): Record<string, string> {
  return {
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
  };
}

/** A task.yaml and, with no TypeScript at all, the exact_match evaluator as a rubric. */
function declaredTask(dir: string, kind: "http" | "command"): Record<string, string> {
  const rubric = `# The evaluators, declared without code: exact_match compares the output's answer with the expected one.
criteria:
  - type: exact_match
    field: answer           # the output's field
    expected_key: answer    # the expected output's field
`;
  if (kind === "http") {
    return {
      [`${dir}/task.yaml`]: `# The task: each example is sent to your service; its JSON answer is the output.
http:
  url: ${scaffoldServiceUrl}    # your service
  method: POST
  headers:
    Accept: application/json
    # Authorization: Bearer \${MY_SERVICE_TOKEN}   # read from the environment, never written here
  body:                         # {{ ... }} reads the example: id, input, expected, metadata
    country: "{{ input.country }}"
  # output: answer              # a field of the answer to keep as the output (default: all of it)
  timeout: 10000                # ms per request
`,
      [`${dir}/rubric.yaml`]: rubric,
    };
  }
  return {
    [`${dir}/task.yaml`]: `# The task: agent.py runs once per example, with the example as JSON on stdin;
# what it prints on stdout (JSON, or text) is the output.
command: [python3, agent.py]
env:
  CAPITALS_MODEL: lookup        # added to the program's environment
`,
    [`${dir}/agent.py`]: `"""The code under test: replace this lookup with a call to your agent."""
import json
import sys

CAPITALS = {"france": "Paris", "japan": "Tokyo", "kenya": "Nairobi", "peru": "Lima"}

example = json.load(sys.stdin)  # {"id": ..., "input": {...}, "output": {...}, "metadata": {...}}
country = example["input"]["country"].lower()
print(json.dumps({"answer": CAPITALS.get(country, "I don't know")}))
`,
    [`${dir}/rubric.yaml`]: rubric,
  };
}

function dataset(dir: string): Record<string, string> {
  return {
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
