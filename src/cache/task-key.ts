import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { build } from "esbuild";
import stringify from "safe-stable-stringify";
import { LoadError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { readTaskSpec } from "../tasks/task-yaml.js";

/** Raised when the format of a cache key changes, so old entries are never read as new ones. */
const keyFormat = 1;

export interface TaskSource {
  /** sha256 over every local file the task is built from (path and content). */
  hash: string;
  /** Those files, absolute, sorted. */
  files: string[];
}

/**
 * The content hash of a task file and every local file it imports, transitively. esbuild resolves
 * the imports the way tsx loads them (TypeScript extensions, `./x.js` meaning `./x.ts`, tsconfig
 * `paths`); packages (bare imports) are not followed, so a node_modules update does not invalidate
 * the cache, and `[cache] key` is there for what the code does not show (a model name, say).
 */
export async function taskSourceHash(taskFile: string): Promise<TaskSource> {
  const root = dirname(resolve(taskFile));
  if (/\.ya?ml$/.test(taskFile)) return hashFiles(root, await declaredTaskFiles(resolve(taskFile)));
  let inputs: Record<string, unknown>;
  try {
    const result = await build({
      entryPoints: [resolve(taskFile)],
      absWorkingDir: root,
      bundle: true,
      metafile: true,
      write: false,
      packages: "external",
      platform: "node",
      format: "esm",
      logLevel: "silent",
      // Files imported as data count as source: a changed prompt template changes the key.
      loader: { ".txt": "text", ".md": "text", ".html": "text", ".sql": "text", ".prompt": "text" },
    });
    inputs = result.metafile.inputs;
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : "";
    throw new LoadError(`cannot compute the cache key of ${shownPath(taskFile)}: ${where}${first?.text ?? (error as Error).message}`);
  }
  return hashFiles(
    root,
    Object.keys(inputs)
      .map((input) => resolve(root, input))
      .filter((file) => existsSync(file)),
  );
}

/**
 * A task.yaml, and for a command: every relative argument that names a file (`agent.py`), with the
 * local imports of a JS or TS one. A Python script's own imports are not followed: `[cache] key`
 * covers them.
 */
async function declaredTaskFiles(taskFile: string): Promise<string[]> {
  const spec = readTaskSpec(taskFile);
  const files = [taskFile];
  if (!spec.command) return files;
  const cwd = resolve(dirname(taskFile), spec.cwd ?? ".");
  for (const arg of spec.command) {
    // A program on PATH or at an absolute path (/usr/bin/python3) is not the user's code.
    if (arg.includes("${") || isAbsolute(arg)) continue;
    const file = resolve(cwd, arg);
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    files.push(...(/\.(ts|mts|cts|js|mjs|cjs)$/.test(file) ? (await taskSourceHash(file)).files : [file]));
  }
  return files;
}

function hashFiles(root: string, found: string[]): TaskSource {
  const files = [...new Set(found)].sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${relative(root, file)}\0${createHash("sha256").update(readFileSync(file)).digest("hex")}\n`);
  }
  return { hash: hash.digest("hex"), files };
}

export interface CallKeyParts {
  /** TaskSource.hash */
  task: string;
  example: { id: string; input: unknown };
  repetition: number;
  /** `[cache] key` and the task's own extras; anything JSON. */
  extras: readonly unknown[];
}

/** The key of one task call: the same task code on the same example, repetition and extras. */
export function callKey({ task, example, repetition, extras }: CallKeyParts): string {
  // Key order does not matter: {"a":1,"b":2} and {"b":2,"a":1} are the same input.
  const text = stringify({ format: keyFormat, task, example: { id: example.id, input: example.input }, repetition, extras }) ?? "";
  return createHash("sha256").update(text).digest("hex");
}
