import { createServer } from "node:net";
import { type BadInput, experiment } from "./case.js";

const greet = experiment("greet");

/** An evalwire.toml that cannot work: exit 2, one line naming the file and the key, before any work. */
function toml(what: string, text: string, message: RegExp): BadInput {
  return { what, files: { ...greet, "evalwire.toml": text }, args: ["run"], code: 2, message };
}

export const configCases: BadInput[] = [
  toml("a misspelt key", "[experiments]\nconcurency = 2\n", /^evalwire: evalwire\.toml: unknown key \[experiments\] concurency; known keys here: .*\bconcurrency\b/),
  toml("a number given as a word", '[experiments]\nconcurrency = "two"\n', /^evalwire: evalwire\.toml: \[experiments\] concurrency: expected a whole number from 1 up \(got "two"\)$/),
  toml("a misspelt section", '[experimnts]\ndir = "experiments"\n', /^evalwire: evalwire\.toml: unknown key experimnts; known keys here: experiments,/),
  toml("an [experiments] dir that does not exist", '[experiments]\ndir = "evals"\n', /^evalwire: experiments folder not found: evals \(pass --experiments DIR or set \[experiments\] dir\)$/),
  toml("a TOML syntax error", "[experiments]\ntimeout = 5 000\n", /^evalwire: evalwire\.toml:2:\d+: invalid TOML: /),
  toml("a key given twice", "[experiments]\nrepetitions = 2\nrepetitions = 3\n", /^evalwire: evalwire\.toml:3:1: invalid TOML: .*already defined/),
  toml("nested [experiments.metadata]", '[experiments.metadata]\nowner = { name = "search" }\n', /^evalwire: evalwire\.toml: \[experiments\.metadata\] owner: .*metadata is flat/),
  toml("a time limit longer than a timer can wait", "[experiments]\ntimeout = 4294967296\n", /^evalwire: evalwire\.toml: \[experiments\] timeout: expected a whole number from 0 to 2147483647/),
  toml("an unknown [cache] mode", '[cache]\nmode = "sometimes"\n', /^evalwire: evalwire\.toml: \[cache\] mode: expected off, read, write or readwrite \(got "sometimes"\)$/),
  toml("a [thresholds] max_errors that is not a count", '[thresholds]\nmax_errors = "lots"\n', /^evalwire: evalwire\.toml: \[thresholds\] max_errors: .*\(got "lots"\)$/),
  toml(
    "a threshold on an evaluator no experiment has",
    "[thresholds]\nrelevance = 0.5\n",
    /^evalwire: evalwire\.toml: \[thresholds\] relevance: no experiment has an evaluator relevance \(evaluators: exact\)$/,
  ),
  toml("an unknown reporter in [report]", '[report]\nreporters = ["xml=out.xml"]\n', /^evalwire: evalwire\.toml: \[report\] reporters "xml=out\.xml": unknown reporter "xml"/),
  toml("[phoenix] traces as a word", '[phoenix]\ntraces = "no"\n', /^evalwire: evalwire\.toml: \[phoenix\] traces: expected true or false \(got "no"\)$/),
  toml("a misspelt [judge] key", '[judge]\nmodle = "gpt-4o-mini"\n', /^evalwire: evalwire\.toml: unknown key \[judge\] modle; known keys here: .*\bmodel\b/),
  toml("[local] runs_dir as a number", "[local]\nruns_dir = 5\n", /^evalwire: evalwire\.toml: \[local\] runs_dir: expected a quoted string \(got 5\)$/),
  toml("an empty [dataset] delimiter", '[dataset]\ndelimiter = ""\n', /^evalwire: evalwire\.toml: \[dataset\] delimiter: must not be empty \(got ""\)$/),
  toml("an unknown [dataset] on_exist", '[dataset]\non_exist = "replace"\n', /^evalwire: evalwire\.toml: \[dataset\] on_exist: expected skip, overwrite or append \(got "replace"\)$/),
  toml("[dataset] input_keys as a number", "[dataset]\ninput_keys = 5\n", /^evalwire: evalwire\.toml: \[dataset\] input_keys: expected a column name or a list of column names \(got 5\)$/),
  toml("[report] reporters as one string, not a list", '[report]\nreporters = "github"\n', /^evalwire: evalwire\.toml: \[report\] reporters: expected a list \(got "github"\)$/),
  {
    what: "an experiment folder's evalwire.toml with a misspelt key",
    files: { ...greet, ...experiment("other", { "evalwire.toml": "repetitons = 2\n" }) },
    args: ["run"],
    code: 2,
    message: /^evalwire: experiments\/other\/evalwire\.toml: unknown key repetitons; known keys here: .*\brepetitions\b/,
  },
  {
    what: "--config naming a file with a bad key: the message names that file",
    files: { ...greet, "ci/nightly.toml": "[baseline]\nmax_regressions = -1\n" },
    args: ["run", "--config", "ci/nightly.toml"],
    code: 2,
    message: /^evalwire: ci\/nightly\.toml: \[baseline\] max_regressions: /,
  },
  {
    what: "--config naming a file whose [phoenix] base_url is not a URL: the message names that file and key",
    files: { ...greet, "ci/nightly.toml": '[phoenix]\nbase_url = "phoenix:6006"\n' },
    args: ["run", "--config", "ci/nightly.toml"],
    code: 2,
    message: /^evalwire: ci\/nightly\.toml: \[phoenix\] base_url: expected a URL such as http:\/\/localhost:6006 \(got "phoenix:6006"\)$/,
  },
  {
    what: "--config naming a folder: the message says to name the file in it",
    files: { ...greet, "ci/evalwire.toml": "" },
    args: ["run", "--config", "ci"],
    code: 2,
    message: /^evalwire: ci: is a folder, not a TOML file; name the file itself \(such as ci\/evalwire\.toml\)$/,
  },
  {
    what: "PHOENIX_HOST that is not a URL",
    files: greet,
    env: { PHOENIX_HOST: "phoenix:6006" },
    args: ["run"],
    code: 2,
    message: /^evalwire: PHOENIX_HOST: expected a URL such as http:\/\/localhost:6006 \(got "phoenix:6006"\)$/,
  },
  {
    what: "EVALWIRE_LOADER with a typo",
    files: greet,
    env: { EVALWIRE_LOADER: "tsc" },
    args: ["run"],
    code: 2,
    message: /^evalwire: EVALWIRE_LOADER: the one value it takes is tsx \(got "tsc"\); unset it to let evalwire choose$/,
  },
  {
    what: "PHOENIX_CLIENT_HEADERS that is not JSON",
    files: greet,
    env: { PHOENIX_HOST: "http://127.0.0.1:9", PHOENIX_CLIENT_HEADERS: "x-team=search" },
    args: ["run"],
    code: 2,
    message: /^evalwire: PHOENIX_CLIENT_HEADERS: expected a JSON object such as \{"x-team":"search"\}$/,
  },
  {
    what: "a Phoenix URL where no server listens",
    files: greet,
    args: async () => ["run", "--phoenix-url", `http://127.0.0.1:${await closedPort()}`],
    code: 1,
    message: /^evalwire: greet failed: looking up dataset "greet": cannot reach Phoenix at http:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
  },
  {
    what: "a dataset_version pin the dataset no longer matches: that experiment fails, the other runs",
    files: { ...greet, ...experiment("pinned", { "evalwire.toml": 'dataset_version = "sha256:0000"\n' }) },
    args: ["run"],
    code: 1,
    message:
      /^evalwire: pinned failed: experiments\/pinned\/dataset\.jsonl: content hash is sha256:[0-9a-f]+, but dataset_version pins sha256:0000: restore the pinned file, or set dataset_version = "sha256:[0-9a-f]+" in the folder's evalwire\.toml$/,
    kept: { eval_greet: { ids: ["a", "b", "c"], status: "passed" } },
  },
];

/** A port on 127.0.0.1 that was free a moment ago, and where nothing listens now. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
