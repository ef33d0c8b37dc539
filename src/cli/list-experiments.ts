import pLimit from "p-limit";
import { pc } from "../colour.js";
import { resolveSettings, type Settings } from "../config/settings.js";
import type { DatasetSource } from "../datasets/source.js";
import { datasetNameOf, discoverExperiments, type ExperimentFolder, knobsFor, selectExperiments } from "../discovery/discover.js";
import { ExitCode, firstLine, LoadError, UsageError } from "../errors.js";
import { planJudging } from "../judge/plan.js";
import { plural } from "../report/format.js";
import { WorkerSandbox } from "../sandbox/worker-sandbox.js";
import { shownPath } from "../shown-path.js";
import { version } from "../version.js";
import { phoenixConnection } from "./environment.js";
import type { ListFlags } from "./options.js";

/** Shows what `run` would do, loading every file and dataset as `run` would; exit 1 when any has a problem. */
export async function listExperiments(flags: ListFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  const found = discoverExperiments(settings.experimentsDir);
  const folders = selectExperiments(found, flags.name);
  // The code is loaded one folder after another in one worker thread, which each folder that loads
  // hands to the next (a thread's start costs more than most code). It starts loading now, while
  // this thread loads the dataset readers and reads the datasets.
  const oneAtATime = pLimit(1);
  const code = folders.map((folder) => oneAtATime(() => checkCode(folder, settings)));
  const connection = phoenixConnection(settings);
  const datasets: DatasetSource = connection
    ? (await import("../phoenix/backend.js")).phoenixBackend(connection).datasets
    : new (await import("../datasets/source.js")).LocalDatasets(settings.datasetsDir, settings.csv);
  const checked = await Promise.all(folders.map((folder, index) => checkFolder(folder, code[index]!, datasets)));
  const out: string[] = [
    `${pc.bold("evalwire")} ${version} · ${connection ? `phoenix backend · ${connection.baseUrl}` : `local backend · runs in ${shownPath(settings.runsDir)}`}`,
    `${plural(folders.length, "experiment")} in ${shownPath(settings.experimentsDir)}`,
  ];
  // A root bar naming an evaluator no experiment has: `run` stops at it before any work.
  const rootProblem = thresholdProblem(() => planJudging([], { ...settings.thresholds, flags: { evaluators: {} } }, { ref: null }, found));
  let problems = rootProblem ? 1 : 0;
  if (rootProblem) out.push("", pc.red(`✖ ${rootProblem}`));
  for (const [index, { lines, issues }] of checked.entries()) {
    problems += issues.length;
    out.push("", `${issues.length > 0 ? pc.red("✖") : pc.green("✔")} ${pc.bold(folders[index]!.name)}`, ...lines.map((line) => `  ${line}`), ...issues.map((issue) => `  ${pc.red(issue)}`));
  }
  out.push("", problems > 0 ? pc.red(`${plural(problems, "problem")} found.`) : pc.green("No problems found."));
  process.stdout.write(`${out.join("\n")}\n`);
  return problems > 0 ? ExitCode.failed : ExitCode.ok;
}

/** What `run` would load for one experiment, and what stands in its way. */
async function checkFolder(folder: ExperimentFolder, checkingCode: Promise<Checked>, datasets: DatasetSource): Promise<Checked> {
  const [code, data] = await Promise.all([checkingCode, checkDataset(folder, datasets)]);
  // The folder's own bars, and evaluator names, as `run` checks them before any work.
  const judging = folder.configError ? null : thresholdProblem(() => planJudging([folder], { root: { evaluators: {} }, rootLabel: "", flags: { evaluators: {} } }, { ref: null }));
  return { lines: [...code.lines, ...data.lines], issues: [...(folder.configError ? [folder.configError] : []), ...(judging ? [judging] : []), ...code.issues, ...data.issues] };
}

/** The message of the UsageError `check` throws (what `run` would stop at, exit 2), or null. */
function thresholdProblem(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

interface Checked {
  lines: string[];
  issues: string[];
}

async function checkCode(folder: ExperimentFolder, settings: Settings): Promise<Checked> {
  const lines: string[] = [];
  const issues: string[] = [];
  try {
    // In a worker, as `run` loads it: code that never finishes loading is a problem, not a hang.
    const { timeoutMs, loadTimeoutMs, exampleConcurrency } = knobsFor(folder, settings.knobs, settings.overrides);
    const sandbox = await WorkerSandbox.open(folder, {
      timeoutMs,
      loadTimeoutMs,
      concurrency: exampleConcurrency,
      stop: new AbortController().signal,
      events: { onEscaped: (message) => issues.push(`an error escaped while loading: ${message}`) },
    });
    await sandbox.closeKeepingThread();
    lines.push(`task        ${shownPath(folder.taskFile)}`);
    lines.push(`evaluators  ${sandbox.evaluators.join(", ") || pc.yellow("none: the task runs, but nothing is scored")}`);
  } catch (error) {
    // Code that loaded in part: what did load is shown too, and each file that did not has its line.
    const partial = error instanceof LoadError ? error.partial : undefined;
    if (!partial) return { lines, issues: [...issues, firstLine(error)] };
    if (partial.task) lines.push(`task        ${shownPath(folder.taskFile)}`);
    if (partial.evaluators.length > 0) lines.push(`evaluators  ${partial.evaluators.join(", ")}`);
    issues.push(...partial.problems.map((problem) => firstLine(problem)));
  }
  return { lines, issues };
}

async function checkDataset(folder: ExperimentFolder, datasets: DatasetSource): Promise<Checked> {
  // A folder problem (unreadable, misnamed task file) comes first; its dataset would only add noise.
  if (folder.problems.length > 0) return { lines: [], issues: [] };
  const datasetName = datasetNameOf(folder);
  try {
    const dataset = await datasets.load({ name: datasetName, experimentDir: folder.dir, version: folder.config.dataset_version, splits: folder.config.splits });
    return {
      lines: [`dataset     ${datasetName}: ${plural(dataset.examples.length, "example")} from ${dataset.remote ? dataset.source : shownPath(dataset.source)} (${dataset.version})`],
      issues: [],
    };
  } catch (error) {
    return { lines: [], issues: [firstLine(error)] };
  }
}
