import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pc } from "../colour.js";
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
  for (const [path, content] of Object.entries(scaffoldFiles(experimentsDir, flags.task))) {
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
  if (flags.task === "http") {
    process.stdout.write(`\nNext: start your service at ${scaffoldServiceUrl} (it gets {"country": "France"} and answers {"answer": "Paris"}), or set http.url in task.yaml; then: ${run}\n`);
  } else {
    process.stdout.write(`\nNext: ${run}\n`);
  }
  return ExitCode.ok;
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
