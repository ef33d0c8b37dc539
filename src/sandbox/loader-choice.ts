import { createRequire } from "node:module";
import type { Loader } from "../discovery/load-module.js";

const chosen = new Map<string, Loader>();

/**
 * How experiment code is loaded in this process: with Node's own type stripping when this Node has
 * it (>= 22.18 / 23.6) and nothing in the tsconfig that tsx would use (the working directory's, as
 * tsx finds it) makes tsx give other code: path aliases, or class fields compiled as assignments.
 * tsx otherwise, and whenever EVALWIRE_LOADER=tsx. A folder the native hooks cannot load is loaded
 * again with tsx (see WorkerSandbox), so this only decides what is tried first.
 */
export function chooseLoader(cwd = process.cwd()): Loader {
  let loader = chosen.get(cwd);
  if (!loader) {
    loader = !tsxOnly() && tsconfigAllowsNative(cwd) ? "native" : "tsx";
    chosen.set(cwd, loader);
  }
  return loader;
}

/** Whether every folder is loaded with tsx here, whatever its tsconfig: this Node cannot strip types, or EVALWIRE_LOADER=tsx. */
export function tsxOnly(): boolean {
  return process.env.EVALWIRE_LOADER === "tsx" || !nodeStripsTypes();
}

function nodeStripsTypes(): boolean {
  const { registerHooks } = process.getBuiltinModule("node:module") as { registerHooks?: unknown };
  const typescript = (process.features as { typescript?: unknown }).typescript;
  return typeof registerHooks === "function" && (typescript === "strip" || typescript === "transform");
}

/** Whether the tsconfig tsx would read (TSX_TSCONFIG_PATH, or the nearest to `cwd`) leaves tsx giving what Node gives. */
export function tsconfigAllowsNative(cwd: string): boolean {
  let options: Record<string, unknown> | undefined;
  try {
    // Loaded here, not with this file: a thread is started (see warm-worker) before any tsconfig is read.
    const { getTsconfig, parseTsconfig } = createRequire(import.meta.url)("get-tsconfig") as typeof import("get-tsconfig");
    const path = process.env.TSX_TSCONFIG_PATH;
    options = (path ? parseTsconfig(path) : getTsconfig(cwd)?.config)?.compilerOptions as Record<string, unknown> | undefined;
  } catch {
    // tsx reads the same file: let it report what is wrong with it.
    return false;
  }
  if (!options) return true;
  if (options.paths !== undefined || options.baseUrl !== undefined) return false;
  // get-tsconfig sets useDefineForClassFields for the targets that imply it, as TypeScript does.
  return options.useDefineForClassFields === true || (options.useDefineForClassFields === undefined && options.target === undefined);
}
