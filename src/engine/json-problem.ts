/**
 * Why a task's output cannot be recorded as JSON as it is, or null when it can. JSON.stringify
 * alone does not say: it writes a Map or a Set as {}, a typed array as {"0":…}, an Error as {} and
 * a NaN inside an object as null, so the recorded output would silently differ from the returned one.
 * `undefined` in an object is left out and in a list becomes null, as JSON always does.
 */
export function jsonProblem(value: unknown): string | null {
  try {
    return problemAt(value, "", new Set());
  } catch (error) {
    // A getter that throws.
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  }
}

const lossy = [Map, Set, WeakMap, WeakSet, ArrayBuffer, Error, Promise, RegExp] as const;

function problemAt(value: unknown, at: string, path: Set<object>): string | null {
  const where = at === "" ? "" : ` at ${at}`;
  if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") return `a ${typeof value}${where}`;
  if (typeof value === "number" && !Number.isFinite(value)) return `${value}${where}`;
  if (value === null || typeof value !== "object") return null;
  // A Date (or anything with toJSON) says itself how it is written, unless writing it throws.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return thrownBy(() => JSON.stringify(value), `a toJSON() that throws${where}`);
  if (!isPlain(value) && (ArrayBuffer.isView(value) || lossy.some((kind) => value instanceof kind))) return `a ${value.constructor?.name ?? "non-JSON object"}${where}`;
  if (path.has(value)) return `a cycle${where}`;
  path.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = problemAt(value[i], `${at}[${i}]`, path);
        if (problem) return problem;
      }
      return null;
    }
    for (const key of Object.keys(value)) {
      const problem = problemAt((value as Record<string, unknown>)[key], `${at}.${key}`, path);
      if (problem) return problem;
    }
    return null;
  } finally {
    path.delete(value);
  }
}

/** An object literal or an array: none of the lossy kinds, told without testing each. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}

function thrownBy(write: () => unknown, what: string): string | null {
  try {
    write();
    return null;
  } catch (error) {
    return `${what} (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
  }
}
