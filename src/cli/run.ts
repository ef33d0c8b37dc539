import { pc } from "../colour.js";
import { resolveSettings, type Settings } from "../config/settings.js";
import type { LongRunOptions } from "../engine/long-run.js";
import { errorMessage } from "../engine/run-example.js";
import { ExitCode, UsageError } from "../errors.js";
import { configureJudge } from "../evaluators/judge/settings.js";
import { sameDestination } from "../report/failures-to-stderr.js";
import { createReporters } from "../report/index.js";
import { checkReportPaths } from "../report/spec.js";
import { ExperimentRunner } from "../runner.js";
import { findRunFolder, readRunFolder } from "../sinks/run-folder.js";
import { isCI, phoenixConnection } from "./environment.js";
import { takeHeldSignals } from "./held-signals.js";
import { type RunFlags, selectionOf } from "./options.js";

export async function runCommand(flags: RunFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  checkReportPaths(settings.reporters);
  const { longRun, names } = longRunOf(flags, settings);
  configureJudge(settings.judge);
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    process.stderr.write(`\n${pc.yellow(`${signal}:`)} stopping; finished results are kept (press Ctrl-C again to quit at once)\n`);
    interrupt.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  for (const signal of takeHeldSignals()) onSignal(signal);
  // User code runs in worker threads, where escaped errors fail their experiment. One that escapes
  // here (a reporter's callback) is reported and fails the run rather than ending it.
  let escaped = 0;
  const onEscaped = (error: unknown) => {
    escaped++;
    process.stderr.write(`${pc.red("error:")} an error escaped (not awaited, or thrown in a callback): ${errorMessage(error)}\n`);
  };
  // A report file that cannot be written fails the run: CI would otherwise pass without its junit.xml.
  let reportsFailed = 0;
  const onReportFailed = (message: string) => {
    reportsFailed++;
    process.stderr.write(`${pc.red("evalwire:")} ${message}\n`);
  };
  process.on("unhandledRejection", onEscaped);
  process.on("uncaughtException", onEscaped);

  if (settings.shard && !settings.runId && settings.backend.kind === "phoenix") {
    process.stderr.write(`${pc.yellow("warning:")} --shard without --run-id: this shard records a Phoenix experiment of its own; give every shard the same --run-id to record one\n`);
  }
  const out = process.stdout;
  const runner = new ExperimentRunner({
    experimentsDir: settings.experimentsDir,
    phoenix: phoenixConnection(settings),
    concurrency: settings.concurrency,
    exampleConcurrency: settings.knobs.exampleConcurrency,
    timeoutMs: settings.knobs.timeoutMs,
    loadTimeoutMs: settings.knobs.loadTimeoutMs,
    repetitions: settings.knobs.repetitions,
    metadata: settings.knobs.metadata,
    overrides: settings.overrides,
    dryRun: flags.dryRun,
    runsDir: settings.runsDir,
    datasetsDir: settings.datasetsDir,
    csv: settings.csv,
    signal: interrupt.signal,
    longRun,
    thresholds: settings.thresholds.root,
    thresholdsLabel: settings.thresholds.rootLabel,
    thresholdOverrides: settings.thresholds.flags,
    baseline: settings.baseline,
    shard: settings.shard,
    runId: settings.runId,
    listeners: [
      ...createReporters({
        out,
        live: Boolean(out.isTTY) && !isCI(),
        quiet: Boolean(flags.quiet),
        verbose: Boolean(flags.verbose),
        dryRun: flags.dryRun !== undefined,
        reporters: settings.reporters,
        env: process.env,
        // Failed experiments get a line on stderr too, unless it is where stdout goes.
        err: sameDestination(1, 2) ? null : process.stderr,
        onReportFailed,
      }),
      {
        onWarning: (message) => process.stderr.write(`${pc.yellow("warning:")} ${message}\n`),
        onNote: (message) => process.stderr.write(`${message}\n`),
      },
    ],
  });
  try {
    const run = await runner.run({ names, experimentNamePrefix: settings.prefix, metadata: flags.metadata });
    return run.exitCode === ExitCode.ok && escaped + reportsFailed > 0 ? ExitCode.failed : run.exitCode;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("unhandledRejection", onEscaped);
    process.off("uncaughtException", onEscaped);
  }
}

/**
 * Cache, retries, selection, --resume and --retry-errors, from flags and evalwire.toml. A run named
 * by --resume RUN or --retry-errors RUN selects its own experiment.
 */
function longRunOf(flags: RunFlags, settings: Settings): { longRun: LongRunOptions; names: string[] | undefined } {
  const longRun: LongRunOptions = { selection: selectionOf(flags), retries: settings.retries, cache: settings.cache };
  let names = flags.name;
  const named = (flag: string, given: string): string => {
    const dir = findRunFolder(given, settings.runsDir);
    const { experiment } = readRunFolder(dir).run;
    if (names && !names.includes(experiment)) throw new UsageError(`${flag} ${given} is a run of ${experiment}, which --name leaves out`);
    names = [experiment];
    return dir;
  };
  if (flags.resume === true) longRun.resume = true;
  else if (flags.resume !== undefined) longRun.resume = named("--resume", flags.resume);
  if (flags.retryErrors !== undefined) longRun.retryErrors = named("--retry-errors", flags.retryErrors);
  return { longRun, names };
}
