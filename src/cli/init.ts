import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { shownPath } from "../shown-path.js";
import { dirname, resolve } from "node:path";
import pc from "picocolors";
import { ExitCode, UsageError } from "../errors.js";
import { fileInTheWay } from "../file-in-the-way.js";
import type { InitFlags } from "./options.js";
import { scaffoldFiles } from "./scaffold.js";

/** Writes a small working experiment and an evalwire.toml; existing files are left alone. */
export async function initCommand(flags: InitFlags): Promise<number> {
  const cwd = process.cwd();
  const experimentsDir = flags.experiments ?? "experiments";
  const file = fileInTheWay(resolve(cwd, experimentsDir));
  if (file) {
    const flag = flags.experiments === undefined ? "pass --experiments DIR" : "pass another --experiments DIR";
    throw new UsageError(`${shownPath(file)} is a file, not a folder for experiments: move it away, or ${flag}`);
  }
  for (const [path, content] of Object.entries(scaffoldFiles(experimentsDir))) {
    const file = resolve(cwd, path);
    if (existsSync(file)) {
      process.stdout.write(`${pc.yellow("exists")}   ${shownPath(file)} (left alone)\n`);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    process.stdout.write(`${pc.green("created")}  ${shownPath(file)}\n`);
  }
  process.stdout.write(`\nNext: npx evalwire run${experimentsDir === "experiments" ? "" : ` --experiments ${experimentsDir}`}\n`);
  return ExitCode.ok;
}
