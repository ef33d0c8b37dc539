import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * In-thread module hooks for loading an experiment's TypeScript with Node's own type stripping
 * (Node >= 22.18 / 23.6), much faster to start than tsx. They do only what is sure to give what tsx
 * gives: ES modules of a `"type": "module"` package, with tsx's extensionless and `.js` -> `.ts`
 * imports when exactly one file fits. Anything else fails the load, and the sandbox then loads the
 * folder again with tsx, so a folder that tsx loads still loads.
 */
export function registerNativeHooks(): void {
  // Looked up at run time: Node 20 has no registerHooks, and this file is only called on a Node that does.
  const { registerHooks } = process.getBuiltinModule("node:module") as typeof import("node:module") & { registerHooks: RegisterHooks };
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const twin = tsxStyleTarget(specifier, context.parentURL);
        if (!twin) throw error;
        return nextResolve(twin, context);
      }
    },
    load(url, context, nextLoad) {
      if (isOwnCode(url) && !inModulePackage(url)) throw new NativeRefused(`${fileURLToPath(url)} is not in a "type": "module" package`);
      return nextLoad(url, context);
    },
  });
}

type RegisterHooks = (hooks: {
  resolve: (specifier: string, context: { parentURL?: string | undefined }, next: (specifier: string, context: object) => object) => object;
  load: (url: string, context: object, next: (url: string, context: object) => object) => object;
}) => void;

/** Why the native hooks will not load a file: the load fails, and tsx loads the folder instead. */
export class NativeRefused extends Error {
  readonly code = "ERR_EVALWIRE_NATIVE_REFUSED";
}

/** Extensions tsx tries for an import without one; a file of each could be what it means. */
const tsxExtensions = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];
/** The ones the native hooks load. */
const nativeExtensions = new Set([".ts", ".mts", ".js", ".mjs"]);
/** A `.js` import may name a `.ts` file (TypeScript's own convention). */
const tsTwins: Record<string, string> = { ".js": ".ts", ".mjs": ".mts" };

/**
 * The file a relative import that Node cannot resolve means to tsx, or null when it is not one
 * plain file of a kind the native hooks load (a folder's index, two candidates, a .tsx...).
 */
export function tsxStyleTarget(specifier: string, parentURL: string | undefined): string | null {
  if (!parentURL?.startsWith("file:") || !/^\.{1,2}\//.test(specifier) || /[?#]/.test(specifier)) return null;
  const path = fileURLToPath(new URL(specifier, parentURL));
  const extension = extname(path);
  const twin = tsTwins[extension];
  if (twin) {
    const target = path.slice(0, -extension.length) + twin;
    return isFile(target) && !isFile(`${target}x`) ? pathToFileURL(target).href : null;
  }
  if (tsxExtensions.includes(extension) || existsSync(path)) return null;
  const found = tsxExtensions.map((candidate) => path + candidate).filter(isFile);
  return found.length === 1 && nativeExtensions.has(extname(found[0]!)) ? pathToFileURL(found[0]!).href : null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The user's files, not a package's: Node itself refuses to strip types below node_modules. */
function isOwnCode(url: string): boolean {
  return url.startsWith("file:") && !url.includes("/node_modules/");
}

const moduleScopes = new Map<string, boolean>();

/** Whether Node and tsx both load this file as an ES module: a .mjs/.mts file, or one in a `"type": "module"` package. */
export function inModulePackage(url: string): boolean {
  const file = fileURLToPath(url);
  const extension = extname(file);
  return extension === ".mjs" || extension === ".mts" || isModuleScope(dirname(file));
}

/** Whether the package.json nearest to `dir` says `"type": "module"`. */
function isModuleScope(dir: string): boolean {
  let isModule = moduleScopes.get(dir);
  if (isModule !== undefined) return isModule;
  const packageJson = join(dir, "package.json");
  if (existsSync(packageJson)) {
    try {
      isModule = (JSON.parse(readFileSync(packageJson, "utf8")) as { type?: unknown }).type === "module";
    } catch {
      isModule = false;
    }
  } else {
    isModule = dirname(dir) !== dir && isModuleScope(dirname(dir));
  }
  moduleScopes.set(dir, isModule);
  return isModule;
}
