import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { shownPath } from "../shown-path.js";
import { dirname, resolve } from "node:path";
import { pc } from "../colour.js";
import { ExitCode } from "../errors.js";
import type { InitFlags } from "./options.js";
import { scaffoldFiles } from "./scaffold.js";

/** Writes a small working experiment and an evalwire.toml; existing files are left alone. */
export async function initCommand(flags: InitFlags): Promise<number> {
  const cwd = process.cwd();
  const experimentsDir = flags.experiments ?? "experiments";
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
