import { type BadInput, experiment } from "./case.js";

const all = ["a", "b", "c"];
const greetKept = { eval_greet: { ids: all, status: "passed" as const } };

/** Reads the example on stdin; fails on b (a message on stderr, exit 1), prints no JSON on c. */
const agent = `let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const example = JSON.parse(text);
  if (example.id === "b") {
    console.error("loading the model");
    console.error("KeyError: 'b'");
    process.exit(1);
  }
  if (example.id === "c") return console.log("not json at all");
  console.log(JSON.stringify({ answer: { greeting: "hello " + example.input.name } }));
});
`;

/**
 * Experiment `declared` has this task.yaml (and its own helper files) in place of task.ts. A
 * task.yaml that does not load runs nothing; one that loads records every example (`ran`), errors
 * included. With `beside`, experiment `greet` runs beside it and must be recorded too.
 */
function declared(what: string, yaml: string, message: RegExp, ran: string[] | null, options: { files?: Record<string, string>; beside?: boolean } = {}): BadInput {
  return {
    what,
    files: { ...(options.beside ? experiment("greet") : {}), ...experiment("declared", { "task.ts": null, "task.yaml": yaml, ...options.files }) },
    args: ["run"],
    code: 1,
    message: new RegExp(`^evalwire: declared failed: ${message.source}`),
    kept: { ...(options.beside ? greetKept : {}), ...(ran ? { eval_declared: { ids: ran, status: "failed" as const } } : {}) },
  };
}

export const declaredTaskCases: BadInput[] = [
  declared(
    "a misspelt key in task.yaml",
    "http:\n  url: http://127.0.0.1:9/x\n  body_template: x\n",
    /experiments\/declared\/task\.yaml:3:\d+: unknown key http\.body_template; known keys here: url, method, headers, body, output, timeout$/,
    null,
    { beside: true },
  ),
  declared(
    "an HTTP method that does not exist",
    "http:\n  url: http://127.0.0.1:9/x\n  method: FETCH\n",
    /experiments\/declared\/task\.yaml:3:11: http\.method: expected one of GET, POST, PUT, PATCH, DELETE \(got "FETCH"\)$/,
    null,
  ),
  declared(
    "an environment variable in the URL that is not set",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: task.yaml's own ${NAME}, not a template string
    "http:\n  url: ${EVALWIRE_CORPUS_UNSET}/v1\n",
    /experiments\/declared\/task\.yaml: http\.url: the environment variable EVALWIRE_CORPUS_UNSET is not set; set it, or write the value without \$\{EVALWIRE_CORPUS_UNSET\}$/,
    null,
  ),
  declared("a command given as a string, not a list", "command: node _agent.mjs\n", /experiments\/declared\/task\.yaml:1:10: command: expected a list: the program and its arguments/, null),
  declared(
    "a program that is not installed",
    "command: [evalwire-corpus-no-such-program]\n",
    /3 task or evaluator errors, the first: example \w: task: cannot run "evalwire-corpus-no-such-program": not found/,
    all,
    { beside: true },
  ),
  declared(
    "a program that exits with an error on one example, and prints no JSON on another",
    "command: [node, _agent.mjs]\noutput: answer\n",
    /2 task or evaluator errors, the first: example [bc]: task: node _agent\.mjs/,
    all,
    { files: { "_agent.mjs": agent } },
  ),
  declared(
    "a body template reading a key the examples lack",
    'http:\n  url: http://127.0.0.1:9/x\n  body:\n    q: "{{ input.query }}"\n',
    /3 task or evaluator errors, the first: example \w: task: http\.body: \{\{ input\.query \}\}: the example has no input\.query$/,
    all,
  ),
];
