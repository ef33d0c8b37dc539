import pc from "picocolors";
import { resolveSettings } from "../config/settings.js";
import { ExitCode, UsageError } from "../errors.js";
import { plural } from "../report/format.js";
import { shownPath } from "../shown-path.js";
import { findRunFolder, readRunFolder } from "../sinks/run-folder.js";
import { phoenixConnection } from "./environment.js";
import type { SyncFlags } from "./runs-options.js";
import { noPhoenix } from "./upload.js";

/** Pushes a local run into Phoenix; what Phoenix already holds is not posted again. */
export async function syncCommand(given: string, flags: SyncFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  const connection = phoenixConnection(settings);
  if (!connection) throw new UsageError(noPhoenix("sync"));
  const folder = readRunFolder(findRunFolder(given, settings.runsDir));
  const shown = shownPath(folder.dir);
  if (folder.run.status === "running")
    process.stderr.write(`${pc.yellow("warning:")} ${shown} did not finish (run.json says running); syncing the ${plural(folder.results.length, "result")} it holds\n`);
  if (folder.skippedLines.length > 0) {
    process.stderr.write(`${pc.yellow("warning:")} ${shown}/results.jsonl: skipped unreadable line ${folder.skippedLines.join(", ")} (a crash tears at most the last line)\n`);
  }

  const { openPhoenix } = await import("../phoenix/client.js");
  const { syncRun } = await import("../phoenix/sync.js");
  const phoenix = openPhoenix(connection);
  process.stdout.write(`Syncing ${folder.run.name} (${plural(folder.results.length, "result")}) to Phoenix at ${phoenix.baseUrl}\n`);
  const outcome = await syncRun(phoenix, folder);
  const { runs, evaluations } = outcome;
  process.stdout.write(
    `${outcome.created ? "Created the experiment; posted" : "Posted"} ${plural(runs.posted, "run")} and ${plural(evaluations.posted, "evaluation")}` +
      ` (already there: ${plural(runs.alreadyThere, "run")}, ${plural(evaluations.alreadyThere, "evaluation")}) · ${outcome.url}\n`,
  );
  if (outcome.problem) {
    process.stderr.write(`${pc.red("error:")} ${outcome.problem}; run evalwire sync again to post the rest\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}
