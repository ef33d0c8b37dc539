import { pc } from "../colour.js";
import { EvalwireError, ExitCode } from "../errors.js";
import { releaseSignals } from "./held-signals.js";
import { type ParsedCli, parseCli } from "./parse.js";

/**
 * The only place that exits the process: after the command's output is flushed, so that work a
 * task abandoned (it ignored its signal) never keeps a finished run alive.
 */
export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes("--verbose");
  // `evalwire run | head` closes the pipe early: stop writing there, and let the run finish.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
  let code: number;
  try {
    code = await dispatch(parseCli(argv));
  } catch (error) {
    code = reportError(error, verbose);
  }
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

async function dispatch(parsed: ParsedCli): Promise<number> {
  if (parsed.command !== "run") releaseSignals();
  switch (parsed.command) {
    case "print":
      process.stdout.write(parsed.text);
      return ExitCode.ok;
    case "run":
      // The first experiment's thread boots while the run's own code loads (it gets the run's [judge] settings when taken).
      (await import("../sandbox/warm-worker.js")).startThreadAhead();
      return (await import("./run.js")).runCommand(parsed.flags);
    case "list":
      return (await import("./list.js")).listCommand(parsed.flags);
    case "init":
      return (await import("./init.js")).initCommand(parsed.flags);
    case "validate":
      return (await import("./validate.js")).validateCommand(parsed.file, parsed.flags);
    case "upload":
      return (await import("./upload.js")).uploadCommand(parsed.file, parsed.flags);
    case "pull":
      return (await import("./pull.js")).pullCommand(parsed.name, parsed.flags);
    case "cache-clear":
      return (await import("./cache.js")).cacheClearCommand(parsed.flags);
    case "sync":
      return (await import("./sync.js")).syncCommand(parsed.run, parsed.flags);
    case "export":
      return (await import("./export.js")).exportCommand(parsed.run, parsed.flags);
    case "compare":
      return (await import("./compare.js")).compareCommand(parsed.a, parsed.b, parsed.flags);
    case "report":
      return (await import("./report.js")).reportCommand(parsed.run, parsed.flags);
    case "merge":
      return (await import("./merge.js")).mergeCommand(parsed.runs, parsed.flags);
  }
}

/** Known errors are one line; a stack trace only with --verbose. */
function reportError(error: unknown, verbose: boolean): number {
  const known = error instanceof EvalwireError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${pc.red("evalwire:")} ${known ? message : `unexpected error: ${message}`}\n`);
  if (verbose && error instanceof Error) process.stderr.write(`${pc.dim(stackOf(error))}\n`);
  else if (!known) process.stderr.write(pc.dim("run with --verbose for the stack trace\n"));
  return known ? error.exitCode : ExitCode.failed;
}

function stackOf(error: Error): string {
  let text = error.stack ?? String(error);
  let cause = error.cause;
  while (cause instanceof Error) {
    text += `\nCaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return text;
}
