import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { version } from "../version.js";
import type { OptionSpec } from "./flag-values.js";
import { type MergeFlags, mergeOptions } from "./merge-options.js";
import { type InitFlags, initOptions, type ListFlags, listOptions, type RunFlags, runOptions, selectionOf } from "./options.js";
import {
  type CacheFlags,
  type CompareFlags,
  cacheOptions,
  compareOptions,
  type ExportFlags,
  exportOptions,
  type ReportFlags,
  reportOptions,
  type SyncFlags,
  syncOptions,
} from "./runs-options.js";
import { type PullFlags, pullOptions, type UploadFlags, uploadOptions, type ValidateFlags, validateOptions } from "./testset-options.js";

export type ParsedCli =
  | { command: "run"; flags: RunFlags }
  | { command: "list"; flags: ListFlags }
  | { command: "init"; flags: InitFlags }
  | { command: "validate"; file: string | undefined; flags: ValidateFlags }
  | { command: "upload"; file: string | undefined; flags: UploadFlags }
  | { command: "pull"; name: string; flags: PullFlags }
  | { command: "sync"; run: string; flags: SyncFlags }
  | { command: "cache-clear"; flags: CacheFlags }
  | { command: "export"; run: string | undefined; flags: ExportFlags }
  | { command: "compare"; a: string; b: string; flags: CompareFlags }
  | { command: "report"; run: string | undefined; flags: ReportFlags }
  | { command: "merge"; runs: string[]; flags: MergeFlags }
  /** --help or --version: text to print, nothing to run. */
  | { command: "print"; text: string };

/** Parses argv (without node and script) in-process: no output, no exit. Throws UsageError. */
export function parseCli(argv: string[]): ParsedCli {
  let parsed: ParsedCli | undefined;
  let printed = "";
  const capture = (text: string) => {
    printed += text;
  };
  const program = new Command("evalwire")
    .description("Run experiments on LLM applications, discovered from a directory tree, and fail CI when anything breaks.")
    .version(version, "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: capture, writeErr: capture })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    // Program options (--version) only before the command, so `pull NAME --version ID` is pull's own.
    .enablePositionalOptions();

  /** `argument` is one positional, as commander writes it: `<name>` required, `[file]` optional. */
  const command = <Flags>(name: string, description: string, options: Record<string, OptionSpec>, done: (flags: Flags, argument?: string) => ParsedCli, argument?: [string, string]) => {
    const sub = program.command(name).description(description).exitOverride().allowExcessArguments(false);
    if (argument) sub.argument(...argument);
    sub.configureOutput({ writeOut: capture, writeErr: capture });
    for (const spec of Object.values(options)) {
      // --no-x alone would make x default to true, hiding evalwire.toml's value: a hidden --x first keeps it unset.
      if (spec.flags.startsWith("--no-")) sub.addOption(new Option(`--${spec.flags.slice(5)}`).hideHelp());
      const option = new Option(spec.flags, spec.description);
      if (spec.parse) option.argParser(spec.parse);
      sub.addOption(option);
    }
    // Commander hands back the options untyped; each command's `done` names their type.
    sub.action((...args: unknown[]) => {
      parsed = argument ? done(args[1] as Flags, args[0] as string | undefined) : done(args[0] as Flags);
    });
  };
  command("run", "run every experiment (or those named) and record the results", runOptions, (flags: RunFlags) => {
    selectionOf(flags);
    return { command: "run", flags };
  });
  command("list", "show the experiments, evaluators and datasets that run would use, and their problems", listOptions, (flags: ListFlags) => ({ command: "list", flags }));
  command("init", "create an example experiment and an evalwire.toml to start from", initOptions, (flags: InitFlags) => ({ command: "init", flags }));
  const testset: [string, string] = ["[file]", "testset: .csv, .jsonl, .json, .yaml or .yml (or --csv PATH; default [dataset] csv_path)"];
  command(
    "validate",
    "check a testset file for missing columns, empty tags and outputs, duplicates and malformed records",
    validateOptions,
    (flags: ValidateFlags, file) => ({ command: "validate", file, flags }),
    testset,
  );
  command(
    "upload",
    "upload a testset to Phoenix: a CSV as one dataset per tag, a JSONL/JSON/YAML file as one dataset",
    uploadOptions,
    (flags: UploadFlags, file) => ({ command: "upload", file, flags }),
    testset,
  );
  command("pull", "write a Phoenix dataset to a local file, for runs with the local backend", pullOptions, (flags: PullFlags, name) => ({ command: "pull", name: name!, flags }), [
    "<name>",
    "the dataset's name on Phoenix",
  ]);
  command(
    "sync",
    "push a local run (recorded while Phoenix was down, or with the local backend) into Phoenix; what is there already is not posted again",
    syncOptions,
    (flags: SyncFlags, run) => ({ command: "sync", run: run!, flags }),
    ["<run>", "a run folder, or the name of a run in the runs folder"],
  );
  command(
    "cache",
    "clear: remove every cached task output (evalwire run --cache)",
    cacheOptions,
    (flags: CacheFlags, action) => {
      if (action !== "clear") throw new UsageError(`cache takes one action, clear (got ${JSON.stringify(action)})`);
      return { command: "cache-clear", flags };
    },
    ["<action>", "clear"],
  );

  const run: [string, string] = ["[run]", "a run folder, a run name in the runs folder, or (Phoenix backend) a Phoenix experiment id"];
  command(
    "export",
    "write a run's task calls as CSV or JSON: example_id, repetition, output, error, a score per evaluator",
    exportOptions,
    (flags: ExportFlags, id) => ({ command: "export", run: id, flags }),
    run,
  );
  command("report", "write a run's report as markdown: scores, errors, gates and failed examples", reportOptions, (flags: ReportFlags, id) => ({ command: "report", run: id, flags }), run);
  const compare = program.command("compare").description("compare two runs: mean per evaluator, and the task calls that regressed or were fixed").exitOverride().allowExcessArguments(false);
  compare.argument("<a>", "the earlier run (folder, name, or Phoenix experiment id)").argument("<b>", "the later run");
  compare.configureOutput({ writeOut: capture, writeErr: capture });
  for (const spec of Object.values(compareOptions) as OptionSpec[]) {
    const option = new Option(spec.flags, spec.description);
    if (spec.parse) option.argParser(spec.parse);
    compare.addOption(option);
  }
  compare.action((a: string, b: string, flags: CompareFlags) => {
    parsed = { command: "compare", a, b, flags };
  });

  const merge = program
    .command("merge")
    .description("join the shards of a run (run --shard I/N) into one run: summary, thresholds, baseline gates and reports over the whole")
    .exitOverride()
    .argument("<runs...>", "shard run folders, or folders holding them (such as .evalwire/runs)");
  merge.configureOutput({ writeOut: capture, writeErr: capture });
  for (const spec of Object.values(mergeOptions) as OptionSpec[]) {
    const option = new Option(spec.flags, spec.description);
    if (spec.parse) option.argParser(spec.parse);
    merge.addOption(option);
  }
  merge.action((runs: string[], flags: MergeFlags) => {
    parsed = { command: "merge", runs, flags };
  });

  if (argv.length === 0) throw new UsageError("no command given; try: evalwire run (see evalwire --help)");
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { command: "print", text: printed };
      // Commander puts its suggestion ("(Did you mean run?)") on a line of its own: keep the message one line.
      const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
      // A problem after a command is that command's: its own help lists its flags and arguments.
      const command = program.commands.find((each) => each.name() === argv[0]);
      if (!command) throw new UsageError(`${message} (see evalwire --help)`);
      const usage = `evalwire ${command.name()} ${command.usage()}`;
      if (error.code === "commander.missingArgument") throw new UsageError(`${message}; usage: ${usage} (see evalwire ${command.name()} --help)`);
      throw new UsageError(`${message} (see evalwire ${command.name()} --help)`);
    }
    throw error;
  }
  if (!parsed) throw new UsageError("no command given; try: evalwire run (see evalwire --help)");
  return parsed;
}
