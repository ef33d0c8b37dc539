import { resolve } from "node:path";
import { pc } from "../colour.js";
import { resolveSettings, type Settings } from "../config/settings.js";
import type { RunInfo } from "../engine/events.js";
import { fanOut } from "../engine/listeners.js";
import { runTimestamp } from "../engine/naming.js";
import { runResult } from "../engine/run-experiments.js";
import { ExitCode } from "../errors.js";
import type { BaselineOptions } from "../judge/experiment-judge.js";
import type { Phoenix } from "../phoenix/client.js";
import { sameDestination } from "../report/failures-to-stderr.js";
import { createReporters } from "../report/index.js";
import { checkReportPaths } from "../report/spec.js";
import { findShards } from "../runs/find-shards.js";
import { examplesOf, placesOf } from "../runs/merge-examples.js";
import { mergeShards } from "../runs/merge-runs.js";
import { barsNotApplied, experimentFolders, mergeThresholds } from "../runs/merge-thresholds.js";
import { pickRun } from "../runs/pick-run.js";
import { takeRetries } from "../runs/retried-shards.js";
import { checkResults, groupShards } from "../runs/shard-groups.js";
import { shownPath } from "../shown-path.js";
import { RunStore } from "../sinks/run-store.js";
import type { ExperimentResult } from "../types.js";
import { isCI } from "./environment.js";
import type { MergeFlags } from "./merge-options.js";

/**
 * `evalwire merge RUN...`: joins the shards of a run (`run --shard I/N`) into one run folder per
 * experiment, with the summary, thresholds, baseline gates and reports computed over the whole.
 * Every check that can refuse (exit 2) is made before anything is written.
 */
export async function mergeCommand(given: string[], flags: MergeFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  checkReportPaths(settings.reporters);
  const warn = (message: string) => process.stderr.write(`${pc.yellow("warning:")} ${message}\n`);
  const folders = experimentFolders(settings.experimentsDir, experimentsNamed(flags, settings));
  const retries = takeRetries(findShards(given));
  const groups = groupShards(pickRun(retries.heads, flags.runId ?? null));
  for (const group of groups) checkResults(group);
  const thresholds = mergeThresholds(groups, folders, settings, warn);
  const showsInputs = settings.reporters.some((spec) => spec.name === "html");
  const store = new RunStore(settings.runsDir);
  const baseline = await baselineOf(settings);

  const out = process.stdout;
  // A report file that cannot be written fails the merge, as it fails a run: CI would otherwise pass without its junit.xml.
  let reportsFailed = 0;
  const onReportFailed = (message: string) => {
    reportsFailed++;
    process.stderr.write(`${pc.red("evalwire:")} ${message}\n`);
  };
  const listener = fanOut([
    ...createReporters({
      out,
      live: Boolean(out.isTTY) && !isCI(),
      quiet: Boolean(flags.quiet),
      verbose: Boolean(flags.verbose),
      dryRun: false,
      reporters: settings.reporters,
      env: process.env,
      err: sameDestination(1, 2) ? null : process.stderr,
      onReportFailed,
    }),
    { onWarning: warn },
  ]);
  const info: RunInfo = {
    backend: "local",
    location: settings.runsDir,
    runsDir: settings.runsDir,
    experimentsDir: settings.experimentsDir,
    experiments: groups.map((group) => group.experiment),
    dryRun: false,
    timestamp: runTimestamp(),
  };
  listener.onRunStart(info);
  if (!flags.quiet) for (const note of retries.notes) out.write(`${pc.dim(note)}\n`);
  const results: ExperimentResult[] = [];
  for (const group of groups) {
    if (!flags.quiet) out.write(`${pc.dim(`${group.experiment}: merging ${group.count} shards: ${group.shards.map((shard) => shard.run.name).join(", ")}`)}\n`);
    const examples = examplesOf(
      group.shards[0]!.run,
      folders.find((folder) => folder.name === group.experiment),
      settings,
    );
    const read = typeof examples === "string" ? null : examples;
    if (!read && showsInputs) warn(`${group.experiment}: the html report shows no inputs or expected outputs: ${examples}`);
    const merged = await mergeShards(group, {
      store,
      thresholds: thresholds.get(group.experiment)!,
      baseline,
      listener,
      examples: showsInputs ? read : null,
      places: read && placesOf(read),
    });
    const changed = merged.judgement ? barsNotApplied(group, merged.judgement, thresholds.get(group.experiment)!, settings.thresholds.flags) : null;
    if (changed) warn(changed);
    results.push(merged);
  }
  await listener.onRunEnd(results, info);
  const { exitCode } = runResult(results, false);
  return exitCode === ExitCode.ok && reportsFailed > 0 ? ExitCode.failed : exitCode;
}

/** How the user named the experiments folder, or null for the default (./experiments), which may be absent. */
function experimentsNamed(flags: MergeFlags, settings: Settings): string | null {
  if (flags.experiments !== undefined) return `--experiments ${flags.experiments}`;
  if (settings.experimentsDir !== resolve("experiments")) return `${shownPath(settings.configFile ?? "evalwire.toml")}: [experiments] dir`;
  return null;
}

/** `--baseline` / `[baseline]`, as `run` takes it; a Phoenix experiment id needs the Phoenix backend. */
async function baselineOf(settings: Settings): Promise<BaselineOptions | null> {
  const { ref, ...gates } = settings.baseline;
  if (!ref) return null;
  let phoenix: Phoenix | null = null;
  if (settings.backend.kind === "phoenix") {
    const { openPhoenix } = await import("../phoenix/client.js");
    const { baseUrl, apiKey, headers } = settings.backend;
    phoenix = openPhoenix({ baseUrl, apiKey, headers });
  }
  return { ...gates, ref, runsDir: settings.runsDir, phoenix };
}
