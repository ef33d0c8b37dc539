import { pc } from "../colour.js";
import { resolveSettings, type Settings } from "../config/settings.js";
import { type DatasetSource, LocalDatasets } from "../datasets/source.js";
import { datasetNameOf, discoverExperiments, type ExperimentFolder, selectExperiments } from "../discovery/discover.js";
import { ExitCode, firstLine } from "../errors.js";
import { plural } from "../report/format.js";
import { knobsFor } from "../runner.js";
import { WorkerSandbox } from "../sandbox/worker-sandbox.js";
import { shownPath } from "../shown-path.js";
import { version } from "../version.js";
import { phoenixConnection } from "./environment.js";
import type { ListFlags } from "./options.js";

/** Shows what `run` would do, loading every file and dataset as `run` would; exit 1 when any has a problem. */
export async function listCommand(flags: ListFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  const folders = selectExperiments(discoverExperiments(settings.experimentsDir), flags.name);
  const connection = phoenixConnection(settings);
  const datasets: DatasetSource = connection ? (await import("../phoenix/backend.js")).phoenixBackend(connection).datasets : new LocalDatasets(settings.datasetsDir, settings.csv);
  const out: string[] = [
    `${pc.bold("evalwire")} ${version} · ${connection ? `phoenix backend · ${connection.baseUrl}` : `local backend · runs in ${shownPath(settings.runsDir)}`}`,
    `${plural(folders.length, "experiment")} in ${shownPath(settings.experimentsDir)}`,
  ];
  // Every experiment is checked at once, each in a worker of its own; the report keeps name order.
  const checked = await Promise.all(folders.map((folder) => checkFolder(folder, settings, datasets)));
  let problems = 0;
  for (const [index, { lines, issues }] of checked.entries()) {
    problems += issues.length;
    out.push("", `${issues.length > 0 ? pc.red("✖") : pc.green("✔")} ${pc.bold(folders[index]!.name)}`, ...lines.map((line) => `  ${line}`), ...issues.map((issue) => `  ${pc.red(issue)}`));
  }
  out.push("", problems > 0 ? pc.red(`${plural(problems, "problem")} found.`) : pc.green("No problems found."));
  process.stdout.write(`${out.join("\n")}\n`);
  return problems > 0 ? ExitCode.failed : ExitCode.ok;
}

/** What `run` would load for one experiment, and what stands in its way. */
async function checkFolder(folder: ExperimentFolder, settings: Settings, datasets: DatasetSource): Promise<{ lines: string[]; issues: string[] }> {
  const lines: string[] = [];
  const issues: string[] = [];
  const datasetName = datasetNameOf(folder);
  if (folder.configError) issues.push(folder.configError);
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
    await sandbox.close();
    lines.push(`task        ${shownPath(folder.taskFile)}`);
    lines.push(`evaluators  ${sandbox.evaluators.join(", ") || pc.yellow("none: the task runs, but nothing is scored")}`);
  } catch (error) {
    issues.push(firstLine(error));
  }
  // A folder problem (unreadable, misnamed task file) comes first; its dataset would only add noise.
  if (folder.problems.length === 0) {
    try {
      const dataset = await datasets.load({ name: datasetName, experimentDir: folder.dir, version: folder.config.dataset_version, splits: folder.config.splits });
      lines.push(`dataset     ${datasetName}: ${plural(dataset.examples.length, "example")} from ${dataset.remote ? dataset.source : shownPath(dataset.source)} (${dataset.version})`);
    } catch (error) {
      issues.push(firstLine(error));
    }
  }
  return { lines, issues };
}
