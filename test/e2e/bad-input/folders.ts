import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFolders } from "../../helpers/cli.js";
import { type BadInput, experiment } from "./case.js";

const greet = experiment("greet");
const greetKept = { eval_greet: { ids: ["a", "b", "c"], status: "passed" as const } };

/** Changes a file of the one run folder that `before` recorded. */
function spoil(file: string, change: (path: string) => void) {
  return (cwd: string) => {
    change(join(cwd, ".evalwire", "runs", runFolders(cwd)[0]!, file));
    return undefined;
  };
}
const recorded = (cwd: string) => runFolders(cwd)[0]!;

export const folderCases: BadInput[] = [
  {
    what: "no experiments folder, and none named",
    files: { "README.md": "nothing here yet\n" },
    args: ["run"],
    code: 2,
    message: /^evalwire: experiments folder not found: experiments \(pass --experiments DIR or set \[experiments\] dir\)$/,
  },
  {
    what: "--experiments naming a task file instead of its folder",
    files: greet,
    args: ["run", "--experiments", "experiments/greet/task.ts"],
    code: 2,
    message: /^evalwire: experiments\/greet\/task\.ts is a file, not a folder of experiments \(pass --experiments DIR\)$/,
  },
  {
    what: "an experiments folder with no task file in any subfolder",
    files: { "experiments/greet/dataset.jsonl": '{"input":{"name":"A"}}\n', "experiments/notes.ts": "export {};\n" },
    args: ["run"],
    code: 2,
    message: /^evalwire: no experiments in experiments: an experiment is a subfolder holding task\.ts or task\.yaml \(run "evalwire init" to create one\)$/,
  },
  {
    what: "a task file named Task.ts: that experiment fails, the other runs",
    files: { ...greet, ...experiment("cased", { "task.ts": null, "Task.ts": "export const task = () => ({});\n" }) },
    args: ["run"],
    code: 1,
    message: /^evalwire: cased failed: experiments\/cased\/Task\.ts: the task file must be named task\.ts \(lower case\); rename it$/,
    kept: greetKept,
  },
  {
    what: "two task files in one folder",
    files: { ...greet, ...experiment("twice", { "task.js": "export const task = () => ({});\n" }) },
    args: ["run"],
    code: 1,
    message: /^evalwire: twice failed: several task files \(task\.js, task\.ts\); keep one$/,
    kept: greetKept,
  },
  {
    what: "a helper without a leading _ is taken for an evaluator, and says so",
    files: { ...greet, ...experiment("helped", { "utils.ts": "export const shout = (s: string) => s.toUpperCase();\n" }) },
    args: ["run"],
    code: 1,
    message: /^evalwire: helped failed: experiments\/helped\/utils\.ts: exports no evaluator named "utils".*name it _utils\.ts/,
    kept: greetKept,
  },
  {
    what: "an evaluator file named max_errors",
    files: { ...greet, "experiments/greet/max_errors.ts": "export const max_errors = () => 1;\n" },
    args: ["run"],
    code: 2,
    message: /^evalwire: greet: an evaluator may not be named max_errors .*; rename max_errors\.ts$/,
  },
  {
    what: "a runs folder that is a file",
    files: { ...greet, ".evalwire/runs": "" },
    args: ["run"],
    code: 2,
    message: /^evalwire: \.evalwire\/runs is a file, not a folder for runs: move it away, or set \[local\] runs_dir in evalwire\.toml to a folder$/,
  },
  {
    what: "a [local] runs_dir below a file",
    files: { ...greet, "evalwire.toml": '[local]\nruns_dir = "out/runs"\n', out: "" },
    args: ["run"],
    code: 2,
    message: /^evalwire: out is a file, not a folder for runs: move it away, or set \[local\] runs_dir in evalwire\.toml to a folder$/,
  },
  {
    what: "a [local] datasets_dir without the experiment's dataset",
    files: { ...experiment("greet", { "dataset.jsonl": null }), ...experiment("other"), "evalwire.toml": '[local]\ndatasets_dir = "data"\n', "data/others.jsonl": "" },
    args: ["run"],
    code: 1,
    message: /^evalwire: greet failed: no dataset for "greet": add experiments\/greet\/dataset\.jsonl or data\/greet\.jsonl$/,
    kept: { eval_other: { ids: ["a", "b", "c"], status: "passed" } },
  },
  {
    what: "init where the experiments folder is a file",
    files: { experiments: "notes\n" },
    args: ["init"],
    code: 2,
    message: /^evalwire: experiments is a file, not a folder for experiments: move it away, or pass --experiments DIR$/,
  },

  {
    what: "init in a folder this user cannot write",
    root: true,
    asNobody: true,
    files: { "README.md": "a project\n" },
    fault: (cwd) => {
      chmodSync(cwd, 0o755);
      return undefined;
    },
    args: ["init"],
    code: 2,
    message: /^evalwire: \S+: cannot write it \(permission denied; run init in a folder this user may write\)$/,
  },
  {
    what: "a recorded run whose run.json is not JSON",
    files: greet,
    before: [{ args: ["run"] }],
    fault: spoil("run.json", (path) => writeFileSync(path, "garbage\nmore garbage\n")),
    args: (cwd) => ["report", recorded(cwd)],
    code: 2,
    message: /^evalwire: run "eval_greet_\S+": \.evalwire\/runs\/eval_greet_\S+\/run\.json: cannot read it \(not valid JSON\)$/,
  },
  {
    what: "a recorded run with a line changed by hand in the middle of results.jsonl",
    files: greet,
    before: [{ args: ["run"] }],
    fault: spoil("results.jsonl", (path) => writeFileSync(path, `{"exampleId":"a"\n${readFileSync(path, "utf8")}`)),
    args: (cwd) => ["export", recorded(cwd)],
    code: 2,
    message: /^evalwire: \.evalwire\/runs\/eval_greet_\S+\/results\.jsonl:1: not a JSON line \(only a last line cut short by a crash is skipped\)$/,
  },
  {
    what: "a baseline run with a line changed by hand",
    files: greet,
    before: [{ args: ["run"] }],
    fault: spoil("results.jsonl", (path) => writeFileSync(path, `${readFileSync(path, "utf8")}{"exampleId":"d"\n{"exampleId":"e"}\n`)),
    args: (cwd) => ["run", "--baseline", recorded(cwd)],
    code: 1,
    message: /^evalwire: greet failed: baseline .*\.evalwire\/runs\/eval_greet_\S+\/results\.jsonl:4: not a JSON line/,
    kept: { eval_greet: { ids: ["a", "b", "c"], status: "failed" } },
  },
  {
    what: "--resume of a run that finished",
    files: greet,
    before: [{ args: ["run"] }],
    args: (cwd) => ["run", "--resume", recorded(cwd)],
    code: 2,
    message: /^evalwire: greet failed: run eval_greet_\S+ is not unfinished \(it passed\); nothing to resume$/,
  },
];
