import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { version } from "../version.js";
import { initOptions, listOptions, runOptions, type InitFlags, type ListFlags, type OptionSpec, type RunFlags } from "./options.js";

export type ParsedCli =
  | { command: "run"; flags: RunFlags }
  | { command: "list"; flags: ListFlags }
  | { command: "init"; flags: InitFlags }
  /** --help or --version: text to print, nothing to run. */
  | { command: "print"; text: string };

/** Parses argv (without node and script) in-process: no output, no exit. Throws UsageError. */
export function parseCli(argv: string[]): ParsedCli {
  let parsed: ParsedCli | undefined;
  let printed = "";
  const program = new Command("evalwire")
    .description("Run experiments on LLM applications, discovered from a directory tree, and fail CI when anything breaks.")
    .version(version, "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: (text) => void (printed += text), writeErr: (text) => void (printed += text) })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  const command = (name: string, description: string, options: Record<string, OptionSpec>, done: (flags: any) => ParsedCli) => {
    const sub = program.command(name).description(description).exitOverride().allowExcessArguments(false);
    sub.configureOutput({ writeOut: (text) => void (printed += text), writeErr: (text) => void (printed += text) });
    for (const spec of Object.values(options)) {
      const option = new Option(spec.flags, spec.description);
      if (spec.parse) option.argParser(spec.parse);
      sub.addOption(option);
    }
    sub.action((flags) => void (parsed = done(flags)));
  };
  command("run", "run every experiment (or those named) and record the results", runOptions, (flags) => ({ command: "run", flags }));
  command("list", "show the experiments, evaluators and datasets that run would use, and their problems", listOptions, (flags) => ({ command: "list", flags }));
  command("init", "create an example experiment and an evalwire.toml to start from", initOptions, (flags) => ({ command: "init", flags }));

  if (argv.length === 0) throw new UsageError("no command given; try: evalwire run (see evalwire --help)");
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { command: "print", text: printed };
      throw new UsageError(`${error.message.replace(/^error: /, "")} (see evalwire --help)`);
    }
    throw error;
  }
  if (!parsed) throw new UsageError("no command given; try: evalwire run (see evalwire --help)");
  return parsed;
}
