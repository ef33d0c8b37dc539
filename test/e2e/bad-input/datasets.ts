import { type BadInput, experiment } from "./case.js";

const greetKept = { eval_greet: { ids: ["a", "b", "c"], status: "passed" as const } };

/**
 * Experiment `data` gets this dataset file in place of its own: exit 1, one line naming the file
 * (and line, when there is one), and no run folder for it. With `beside`, experiment `greet` runs
 * beside it and must be recorded (a few cases show that; the rest save the second experiment's time).
 */
function broken(what: string, file: string, text: string, message: RegExp, beside = false): BadInput {
  return {
    what,
    files: { ...(beside ? experiment("greet") : {}), ...experiment("data", { "dataset.jsonl": null, [file]: text }) },
    args: ["run"],
    code: 1,
    message: new RegExp(`^evalwire: data failed: ${message.source}`),
    ...(beside ? { kept: greetKept } : {}),
  };
}

export const datasetCases: BadInput[] = [
  broken("no dataset file", "notes.md", "to do\n", /no dataset for "data": add experiments\/data\/dataset\.jsonl \(or set \[local\] datasets_dir\)$/, true),
  broken("a JSONL line that is not JSON", "dataset.jsonl", '{"id":"a","input":{"name":"A"}}\n{"id":"b","input":{"name":"B"}\n', /experiments\/data\/dataset\.jsonl:2: not valid JSON/, true),
  broken("a record without input", "dataset.jsonl", '{"id":"a","input":{"name":"A"}}\n{"id":"b","output":{"greeting":"x"}}\n', /experiments\/data\/dataset\.jsonl:2: "input" must be an object/),
  broken(
    "a record with an unknown key",
    "dataset.jsonl",
    '{"id":"a","input":{"name":"A"},"expected":{"greeting":"x"}}\n',
    /experiments\/data\/dataset\.jsonl:1: unknown key "expected"; a record has input, output, metadata and id$/,
  ),
  broken(
    "a duplicate id",
    "dataset.jsonl",
    '{"id":"a","input":{"name":"A"}}\n{"id":"a","input":{"name":"B"}}\n',
    /experiments\/data\/dataset\.jsonl:2: duplicate id "a" \(first on line 1\); ids must be unique$/,
  ),
  broken("an empty id", "dataset.jsonl", '{"id":"a","input":{"name":"A"}}\n{"id":"","input":{"name":"B"}}\n', /experiments\/data\/dataset\.jsonl:2: "id": /),
  broken("a dataset of blank lines", "dataset.jsonl", "\n\n", /experiments\/data\/dataset\.jsonl: the dataset has no examples$/),
  broken("a line that is a list, not a record", "dataset.jsonl", "[1, 2]\n", /experiments\/data\/dataset\.jsonl:1: expected an object \{ input, output\?, metadata\?, id\? \}$/),
  broken("metadata that is not an object", "dataset.jsonl", '{"id":"a","input":{"name":"A"},"metadata":["x"]}\n', /experiments\/data\/dataset\.jsonl:1: "metadata" must be an object$/),
  broken(
    "a CSV without the input column",
    "dataset.csv",
    "id,question\n1,hi\n",
    /experiments\/data\/dataset\.csv:1: missing column "user_query" \(columns: id, question\); add it or set \[dataset\] input_keys$/,
    true,
  ),
  broken("a CSV row with a cell too many", "dataset.csv", "id,user_query\n1,hi\n2,hello,there\n", /experiments\/data\/dataset\.csv:3: /),
  broken("a YAML dataset with a syntax error", "dataset.yaml", "- id: a\n  input: {name: A\n", /experiments\/data\/dataset\.yaml:\d+:\d+: /, true),
  broken(
    "a .json dataset with a trailing comma",
    "dataset.json",
    '[{"id":"a","input":{"name":"A"}},]\n',
    /experiments\/data\/dataset\.json:1:\d+: not valid JSON: a trailing comma.*name it \.yaml/,
  ),
  {
    what: "two dataset files for one experiment",
    files: { ...experiment("greet"), ...experiment("data", { "dataset.yaml": "- input: {name: A}\n" }) },
    args: ["run"],
    code: 1,
    message: /^evalwire: data failed: several dataset files for "data": experiments\/data\/dataset\.jsonl, experiments\/data\/dataset\.yaml; keep one$/,
    kept: greetKept,
  },
  {
    what: "a dataset path that is a folder",
    files: { ...experiment("greet"), ...experiment("data", { "dataset.jsonl": null, "dataset.jsonl/readme.md": "oops\n" }) },
    args: ["run"],
    code: 1,
    message: /^evalwire: data failed: experiments\/data\/dataset\.jsonl is a folder, not a dataset file/,
    kept: greetKept,
  },
  {
    what: "--example naming an id the dataset does not have",
    files: experiment("greet"),
    args: ["run", "--example", "zz"],
    code: 1,
    message: /^evalwire: greet failed: dataset "greet" has no example "zz"/,
  },
];
