import { pc } from "../colour.js";
import { resolveSettings } from "../config/settings.js";
import { planUpload, readTestset } from "../datasets/testset.js";
import { ExitCode, UsageError } from "../errors.js";
import type { UploadOutcome } from "../phoenix/upload.js";
import { plural } from "../report/format.js";
import { shownPath } from "../shown-path.js";
import { phoenixConnection } from "./environment.js";
import type { UploadFlags } from "./testset-options.js";
import { formatIssues, testsetPath } from "./validate.js";

/** Uploads a testset to Phoenix: a CSV as one dataset per tag, a records file as one dataset. */
export async function uploadCommand(file: string | undefined, flags: UploadFlags): Promise<number> {
  const settings = resolveSettings(flags, process.env, process.cwd());
  const connection = phoenixConnection(settings);
  if (!connection) throw new UsageError(noPhoenix("upload"));
  const path = testsetPath(file, flags, settings);
  const shown = shownPath(path);
  // With --name a CSV is one dataset, so its tags are neither needed nor checked.
  const testset = readTestset(path, { csv: settings.csv, byTag: flags.name === undefined });

  if (flags.strict && testset.issues.length > 0) {
    process.stdout.write(formatIssues(testset.issues));
    process.stdout.write(`${pc.red(`Upload aborted (--strict): ${testset.issues.length} issue(s) found in ${shown}; nothing uploaded.`)}\n`);
    return ExitCode.failed;
  }
  const plan = planUpload(testset, { name: flags.name });
  for (const warning of plan.warnings) process.stderr.write(`${pc.yellow("warning:")} ${warning}\n`);

  const { openPhoenix } = await import("../phoenix/client.js");
  const { uploadDataset } = await import("../phoenix/upload.js");
  const { datasetUrl } = await import("../phoenix/datasets.js");
  const phoenix = openPhoenix(connection);
  process.stdout.write(`Uploading ${shown} to Phoenix at ${phoenix.baseUrl} (on exist: ${settings.onExist})\n`);
  const done: string[] = [];
  const skipped: string[] = [];
  for (const dataset of plan.datasets) {
    let outcome: UploadOutcome;
    try {
      outcome = await uploadDataset(phoenix, dataset.name, dataset.examples, settings.onExist);
    } catch (error) {
      const rest = plan.datasets.slice(done.length + 1).map((d) => d.name);
      process.stderr.write(
        `${pc.red("failed:")} ${dataset.name}${done.length > 0 ? `; uploaded before it: ${done.join(", ")}` : ""}${rest.length > 0 ? `; not tried: ${rest.join(", ")}` : ""}\n`,
      );
      throw error;
    }
    done.push(dataset.name);
    if (outcome.action === "skipped") skipped.push(dataset.name);
    const url = outcome.datasetId ? ` · ${datasetUrl(phoenix.baseUrl, outcome.datasetId)}` : "";
    process.stdout.write(`  ${pc.bold(dataset.name)}: ${describeOutcome(outcome)}${pc.dim(url)}\n`);
  }
  // A skipped dataset was not uploaded: the closing line must not say it was.
  const uploaded = done.filter((name) => !skipped.includes(name));
  const skips = skipped.length > 0 ? `${skipped.length} dataset(s) skipped (they exist): ${skipped.join(", ")}` : "";
  if (uploaded.length === 0) process.stdout.write(`Nothing uploaded${skips ? `; ${skips}` : ""}\n`);
  else process.stdout.write(`Uploaded ${uploaded.length} dataset(s): ${uploaded.join(", ")}${skips ? `; ${skips}` : ""}\n`);
  return ExitCode.ok;
}

type Outcome = Awaited<ReturnType<typeof import("../phoenix/upload.js").uploadDataset>>;

function describeOutcome(outcome: Outcome): string {
  switch (outcome.action) {
    case "created":
      return `created with ${count(outcome.examples)}`;
    case "skipped":
      return "skipped: it already exists and is kept as it is (--on-exist overwrite or append changes it)";
    case "replaced":
      if (outcome.added + outcome.removed + outcome.changed === 0) return `replaced: already the file's ${count(outcome.examples)}, no new version`;
      return `replaced in one new version: ${count(outcome.examples)} (${outcome.added} added, ${outcome.removed} removed${outcome.changed > 0 ? `, ${outcome.changed} changed` : ""})`;
    case "appended":
      return outcome.added === 0
        ? `appended 0 new examples: all ${outcome.alreadyThere} already there, no new version`
        : `appended ${count(outcome.added, "new example")}${outcome.alreadyThere > 0 ? ` (${outcome.alreadyThere} already there, not added again)` : ""}`;
  }
}

const count = (n: number, noun = "example") => plural(n, noun);

/** The usage error for a command that needs Phoenix when none is configured. */
export function noPhoenix(command: string): string {
  return `${command} needs a Phoenix server: pass --phoenix-url URL, or set PHOENIX_HOST (or [phoenix] base_url in evalwire.toml)`;
}
