import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pc } from "../colour.js";
import { loadConfigFile, resolveSettings, type Settings } from "../config/settings.js";
import { readTestset, type TestsetIssue, testsetFormat } from "../datasets/testset.js";
import { ExitCode, UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { TestsetFlags, ValidateFlags } from "./testset-options.js";

/** Checks a testset without any server: every issue with its row (the file line), exit 1 when there is any. */
export async function validateCommand(file: string | undefined, flags: ValidateFlags): Promise<number> {
  // No Phoenix here: a stray PHOENIX_HOST must not matter.
  const settings = resolveSettings({ ...flags, backend: "local" }, process.env, process.cwd());
  const path = testsetPath(file, flags, settings);
  process.stdout.write(`Validating ${shownPath(path)}\n`);
  // `run` reads a CSV without a tag column: one is required only when named.
  const tagColumnNamed = flags.tagColumn !== undefined || loadConfigFile(flags.config, process.cwd()).config.dataset?.tag_column !== undefined;
  const { format, issues, tagColumn } = readTestset(path, { csv: settings.csv, byTag: tagColumnNamed || "if-present" });
  if (format === "csv" && tagColumn === undefined) {
    process.stdout.write(`  note: no "${settings.csv.tagColumn}" column, so upload needs --name NAME (the file as one dataset); a tag column splits it by tag\n`);
  }
  process.stdout.write(formatIssues(issues));
  if (issues.length > 0) {
    process.stdout.write(`${pc.red(`Validation failed: ${issues.length} issue(s) found.`)}\n`);
    return ExitCode.failed;
  }
  process.stdout.write(`${pc.green("Validation passed: testset is valid.")}\n`);
  return ExitCode.ok;
}

/** `  row {n}: {message}` per issue, as the Python evalwire prints them; n is the file line. */
export function formatIssues(issues: TestsetIssue[]): string {
  return issues.map((issue) => `  row ${issue.line}: ${issue.message}\n`).join("");
}

/** The testset to read: FILE, else --csv, else [dataset] csv_path. A missing or unknown kind of file is a usage error naming where it came from. */
export function testsetPath(file: string | undefined, flags: TestsetFlags, settings: Settings): string {
  const cwd = process.cwd();
  if (file !== undefined && flags.csv !== undefined && resolve(cwd, file) !== resolve(cwd, flags.csv)) {
    throw new UsageError(`two testsets given (${file} and --csv ${flags.csv}); pass one`);
  }
  const [path, source] =
    file !== undefined
      ? [resolve(cwd, file), file]
      : settings.csvPath !== null
        ? [settings.csvPath, flags.csv !== undefined ? `--csv ${flags.csv}` : `[dataset] csv_path in ${shownPath(settings.configFile ?? "evalwire.toml")}`]
        : [null, ""];
  if (path === null) throw new UsageError("no testset given: pass FILE or --csv PATH, or set [dataset] csv_path in evalwire.toml");
  if (!existsSync(path)) throw new UsageError(`${source}: no such file${source.includes(shownPath(path)) ? "" : ` (${shownPath(path)})`}`);
  if (statSync(path).isDirectory()) throw new UsageError(`${source}: is a folder; name a testset file`);
  testsetFormat(path);
  return path;
}
