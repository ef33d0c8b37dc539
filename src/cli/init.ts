import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pc } from "../colour.js";
import { phoenixUrlVariables } from "../config/settings.js";
import { taskFile } from "../discovery/discover.js";
import { ExitCode, firstLine, UsageError } from "../errors.js";
import { fileInTheWay } from "../file-in-the-way.js";
import { makeFolder } from "../make-folder.js";
import { shownPath } from "../shown-path.js";
import { ignoreRunStore, runStoreEntry } from "./gitignore.js";
import type { InitFlags } from "./options.js";
import { scaffoldFiles, scaffoldServiceUrl } from "./scaffold.js";

/** Writes a small working experiment and an evalwire.toml; existing files are left alone. */
export async function initCommand(flags: InitFlags): Promise<number> {
  const cwd = process.cwd();
  const experimentsDir = flags.experiments ?? "experiments";
  const inTheWay = fileInTheWay(resolve(cwd, experimentsDir));
  if (inTheWay) {
    const flag = flags.experiments === undefined ? "pass --experiments DIR" : "pass another --experiments DIR";
    throw new UsageError(`${shownPath(inTheWay)} is a file, not a folder for experiments: move it away, or ${flag}`);
  }
  const files = scaffoldFiles(experimentsDir, flags.task);
  refuseSecondTaskFile(cwd, Object.keys(files), flags.task);
  for (const [path, content] of Object.entries(files)) {
    const file = resolve(cwd, path);
    if (existsSync(file)) {
      process.stdout.write(`${pc.yellow("exists")}   ${shownPath(file)} (left alone)\n`);
      continue;
    }
    writeNew(file, content);
    process.stdout.write(`${pc.green("created")}  ${shownPath(file)}\n`);
  }
  const ignored = cannotWrite(resolve(cwd, ".gitignore"), () => ignoreRunStore(resolve(cwd, ".gitignore")));
  if (ignored === "created") process.stdout.write(`${pc.green("created")}  .gitignore (ignores ${runStoreEntry}, where runs are recorded)\n`);
  if (ignored === "added") process.stdout.write(`${pc.green("updated")}  .gitignore (added ${runStoreEntry}, where runs are recorded)\n`);
  const run = `npx evalwire run${experimentsDir === "experiments" ? "" : ` --experiments ${experimentsDir}`}`;
  const steps = [run];
  // With a Phoenix URL in the environment, run reads the dataset from Phoenix, where it is not yet.
  const phoenix = phoenixInEnvironment(process.env);
  const datasetFile = Object.keys(files).find((path) => basename(path).startsWith("dataset."));
  if (phoenix && datasetFile) {
    steps.unshift(`npx evalwire upload ${datasetFile} (${phoenix.name} is set, so run reads the dataset from Phoenix at ${phoenix.url})`);
  }
  if (flags.task === "http") {
    steps.unshift(`start your service at ${scaffoldServiceUrl} (it gets {"country": "France"} and answers {"answer": "Paris"}), or set http.url in task.yaml`);
  }
  process.stdout.write(`\nNext: ${steps.join("; then: ")}\n`);
  return ExitCode.ok;
}

/** The variable that makes Phoenix the backend, as `run` reads them, and its URL. */
function phoenixInEnvironment(env: NodeJS.ProcessEnv): { name: string; url: string } | null {
  const name = phoenixUrlVariables.find((each) => env[each]);
  return name ? { name, url: env[name]! } : null;
}

function writeNew(file: string, content: string): void {
  cannotWrite(file, () => {
    makeFolder(dirname(file));
    writeFileSync(file, content);
  });
}

/** Runs a write; one that fails (a folder this user may not write) is one line naming the file. */
function cannotWrite<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied; run init in a folder this user may write" : firstLine(error);
    throw new UsageError(`${shownPath(file)}: cannot write it (${reason})`);
  }
}

/**
 * A folder holds one task file: a scaffold whose task file differs from the one already there
 * (`init --task command` after `init`) would leave an experiment that cannot run. Nothing is written.
 */
function refuseSecondTaskFile(cwd: string, paths: string[], kind: InitFlags["task"]): void {
  const ours = paths.find((path) => taskFile.test(basename(path)));
  if (ours === undefined) return;
  const dir = resolve(cwd, dirname(ours));
  const theirs = existsSync(dir) ? readdirSync(dir).find((name) => taskFile.test(name) && name !== basename(ours)) : undefined;
  if (theirs === undefined) return;
  const command = kind === undefined ? "init" : `init --task ${kind}`;
  throw new UsageError(
    `${shownPath(join(dir, theirs))} exists: ${command} would add ${basename(ours)} beside it (a folder holds one task file); pass --experiments DIR to scaffold in a new folder, or move ${shownPath(dir)} away`,
  );
}
