// The Python evalwire 0.6.0 as an oracle for the parity tests: its evaluators installed into a
// private venv (pinned in requirements.txt), run through one subprocess per batch of cases.
// Run directly: `npx tsx test/parity/python-evalwire.ts install`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

export const requirementsFile = join(here, "requirements.txt");
export const venv = join(root, ".cache", "python-evalwire", "venv");
const python = join(venv, "bin", "python");
// A copy of requirements.txt, written after a successful install: a changed pin reinstalls.
const installedRequirements = join(venv, "evalwire-requirements.txt");

/** A case for the Python side: a factory to build and the arguments to score, or a literal to read. */
export type PythonCase = { factory: string; options?: Record<string, unknown>; output: unknown; expected: Record<string, unknown> } | { literal: string };
export type PythonOutcome = { score: number } | { value: unknown } | { unrepresentable: string } | { error: string };

/** Runs a command to its end; rejects with its exit status and the last lines of its output. */
function run(command: string, args: string[], what: string, stdin?: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => reject(new Error(`${what} failed: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolveRun(stdout);
      else reject(new Error(`${what} failed (${signal ?? `exit code ${code}`}): ${(stderr || stdout).trim().split("\n").slice(-10).join("\n")}`));
    });
    child.stdin.end(stdin ?? "");
  });
}

/** Creates the venv and installs requirements.txt into it, unless that exact install is already there. */
export async function installPythonEvalwire(): Promise<void> {
  const requirements = readFileSync(requirementsFile, "utf8");
  if (existsSync(python) && existsSync(installedRequirements) && readFileSync(installedRequirements, "utf8") === requirements) return;
  process.stderr.write(`Installing the Python evalwire 0.6.0 (${relative(root, requirementsFile)}) into ${relative(process.cwd(), venv) || venv}\n`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(dirname(venv), { recursive: true });
  await run("python3", ["-m", "venv", venv], "python3 -m venv");
  const pip = join(venv, "bin", "pip");
  await run(pip, ["install", "--disable-pip-version-check", "-q", "--no-deps", "-r", requirementsFile], `pip install -r ${relative(root, requirementsFile)}`);
  await run(python, ["-c", "import evalwire.evaluators"], "importing evalwire.evaluators");
  writeFileSync(installedRequirements, requirements);
}

/** Scores every case with the Python evalwire, in one subprocess. */
export async function scoreWithPython(cases: PythonCase[]): Promise<PythonOutcome[]> {
  const output = await run(python, [join(here, "score.py")], "the Python evalwire", JSON.stringify(cases));
  // score.py writes a literal's inf, -inf or nan as { "$float": "inf" }.
  const floats: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: Number.NaN };
  const outcomes = JSON.parse(output, (_key, value) =>
    typeof value?.$float === "string" && Object.keys(value).length === 1 && value.$float in floats ? floats[value.$float] : value,
  ) as PythonOutcome[];
  if (outcomes.length !== cases.length) throw new Error(`the Python evalwire answered ${outcomes.length} cases of ${cases.length}`);
  return outcomes;
}

/**
 * Installs the oracle, or says why it cannot; in CI (or with EVALWIRE_REQUIRE_PYTHON_EVALWIRE=1) a
 * missing oracle is an error, so the parity tests fail rather than skip.
 */
export async function pythonEvalwireOrSkipReason(): Promise<string | null> {
  try {
    await installPythonEvalwire();
    return null;
  } catch (error) {
    const required = (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") || process.env.EVALWIRE_REQUIRE_PYTHON_EVALWIRE === "1";
    if (required) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
    process.stderr.write(`Python evalwire parity tests skipped: ${reason}\n`);
    return reason;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== "install") {
    console.error("usage: npx tsx test/parity/python-evalwire.ts install");
    process.exitCode = 2;
  } else {
    await installPythonEvalwire().then(
      () => console.log(`evalwire 0.6.0 in ${relative(process.cwd(), venv) || venv}`),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
      },
    );
  }
}
