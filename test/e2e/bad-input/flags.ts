import { runFolders } from "../../helpers/cli.js";
import { type BadInput, experiment } from "./case.js";

const greet = experiment("greet");

/** A flag that cannot work: exit 2, one line naming the flag and what it got, before any work. */
function usage(what: string, args: string[], message: RegExp): BadInput {
  return { what, files: greet, args: ["run", ...args], code: 2, message };
}

export const flagCases: BadInput[] = [
  usage("--dry-run with a negative count", ["--dry-run", "-1"], /^evalwire: --dry-run takes a whole number from 1 up \(got "-1"\)$/),
  usage("--dry-run with a fraction", ["--dry-run", "1.5"], /^evalwire: --dry-run takes .* \(got "1\.5"\)$/),
  usage("--concurrency 0", ["--concurrency", "0"], /^evalwire: --concurrency takes a whole number from 1 up \(got "0"\)$/),
  usage("--example-concurrency that is not a number", ["--example-concurrency", "ten"], /^evalwire: --example-concurrency takes .* \(got "ten"\)$/),
  usage("--repetitions 0", ["--repetitions", "0"], /^evalwire: --repetitions takes a whole number from 1 up \(got "0"\)$/),
  usage("--load-timeout in seconds with a unit", ["--load-timeout", "5s"], /^evalwire: --load-timeout takes .* \(got "5s"\)$/),
  usage("--backend that does not exist", ["--backend", "sqlite"], /^evalwire: --backend takes local or phoenix \(got "sqlite"\)$/),
  usage("--prefix with a slash", ["--prefix", "team/a"], /^evalwire: --prefix .* \(got "team\/a"\)$/),
  usage("--metadata without =", ["--metadata", "owner"], /^evalwire: --metadata takes KEY=VALUE \(got "owner"\)$/),
  usage("--cache with an unknown mode", ["--cache", "always"], /^evalwire: --cache takes off, read, write or readwrite \(got "always"\)$/),
  usage("--shard beyond its count", ["--shard", "4/3"], /^evalwire: --shard takes i\/n.*\(got "4\/3": i must not exceed n\)$/),
  usage("--limit and --sample together", ["--limit", "2", "--sample", "2"], /^evalwire: --limit and --sample choose examples in different ways: use one$/),
  usage("--seed without --sample", ["--seed", "7"], /^evalwire: --seed goes with --sample N/),
  usage("--resume with --dry-run", ["--resume", "--dry-run"], /^evalwire: --resume records into a run; --dry-run records nothing: use one$/),
  usage("--max-errors that is neither a count nor a share", ["--max-errors", "lots"], /^evalwire: --max-errors takes .* \(got "lots"\)$/),
  usage("--threshold with a word for a mean", ["--threshold", "exact=high"], /^evalwire: --threshold takes EVALUATOR=MEAN .*\(got "exact=high"\)$/),
  usage("--threshold naming an evaluator no experiment has", ["--threshold", "relevance=0.5"], /^evalwire: --threshold relevance: .*evaluator relevance \(evaluators: exact\)$/),
  usage(
    "--max-regressions with no baseline to compare with",
    ["--max-regressions", "0"],
    /^evalwire: --max-regressions goes with --baseline: .*; pass --baseline \[REF\] or set \[baseline\] ref$/,
  ),
  usage("--reporter of an unknown kind", ["--reporter", "xml=out.xml"], /^evalwire: --reporter "xml=out\.xml": unknown reporter "xml"; known: json=PATH/),
  usage("--phoenix-url that is not a URL", ["--phoenix-url", "localhost6006"], /^evalwire: --phoenix-url: expected a URL .*\(got "localhost6006"\)$/),
  usage("a misspelt flag", ["--nmae", "greet"], /^evalwire: unknown option '--nmae'.*--name.*\(see evalwire run --help\)$/),
  usage("an unknown --name", ["--name", "greeet"], /^evalwire: .*greeet.*\bgreet\b/),
  usage("--config naming a file that does not exist", ["--config", "ci/evalwire.toml"], /^evalwire: --config ci\/evalwire\.toml: no such file$/),
  {
    what: "compare given one run: the usage line shows both",
    files: greet,
    args: ["compare", "eval_greet_a"],
    code: 2,
    message: /^evalwire: missing required argument 'b'; usage: evalwire compare \[options\] <a> <b> \(see evalwire compare --help\)$/,
  },
  { what: "a misspelt command", files: greet, args: ["runn"], code: 2, message: /^evalwire: unknown command 'runn'.*\brun\b.*\(see evalwire --help\)$/ },
  {
    what: "--resume of a run that does not exist",
    files: greet,
    before: [{ args: ["run"] }],
    args: ["run", "--resume", "eval_greet_1999-01-01T00:00:00"],
    code: 2,
    message: /^evalwire: no run "eval_greet_1999-01-01T00:00:00": give a run folder holding run\.json, or the name of a run in \.evalwire\/runs$/,
  },
  {
    what: "--retry-errors of a run that --name leaves out",
    files: { ...greet, ...experiment("other") },
    before: [{ args: ["run", "--name", "greet"] }],
    args: (cwd) => ["run", "--name", "other", "--retry-errors", runFolders(cwd)[0]!],
    code: 2,
    message: /^evalwire: --retry-errors eval_greet_\S+ is a run of greet, which --name leaves out$/,
  },
];
