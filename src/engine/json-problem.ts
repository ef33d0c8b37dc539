/**
 * Why a task's output cannot be recorded as JSON as it is, or null when it can. JSON.stringify
 * alone does not say: it writes a Map or a Set as {}, a typed array as {"0":…}, an Error as {}, a
 * class instance with no fields of its own (a fetch Response) as {} and a NaN inside an object as
 * null, so the recorded output would silently differ from the returned one.
 * `undefined` in an object is left out and in a list becomes null, as JSON always does.
 */
export function jsonProblem(value: unknown): string | null {
  try {
    const problem = problemAt(value, path);
    return problem && `${problem.what}${problem.at === "" ? "" : ` at ${problem.at}`}${problem.why}`;
  } catch (error) {
    // A getter that throws.
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  }
}

/** The objects above the one looked at (problemAt leaves it empty), made once: an array per call was a hot allocation. */
const path: object[] = [];

const lossy = [Map, Set, WeakMap, WeakSet, ArrayBuffer, Error, Promise, RegExp] as const;

/** What is wrong, where (built on the way out: a value that is JSON, the usual case, costs no path), and why. */
interface Problem {
  what: string;
  at: string;
  why: string;
}

/** `path`: the objects above `value`, to tell a cycle from an object met twice. */
function problemAt(value: unknown, path: object[]): Problem | null {
  if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") return { what: `a ${typeof value}`, at: "", why: "" };
  if (typeof value === "number" && !Number.isFinite(value)) return { what: `${value}`, at: "", why: "" };
  if (value === null || typeof value !== "object") return null;
  // A Date (or anything with toJSON) says itself how it is written, unless writing it throws.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    const thrown = thrownBy(() => JSON.stringify(value));
    return thrown === null ? null : { what: "a toJSON() that throws", at: "", why: ` (${thrown})` };
  }
  if (!isPlain(value)) {
    if (ArrayBuffer.isView(value) || lossy.some((kind) => value instanceof kind)) return { what: named(value, "non-JSON object"), at: "", why: "" };
    // A class instance with no fields of its own (a fetch Response, Headers, private fields only).
    if (Object.keys(value).length === 0) return { what: named(value, "class instance"), at: "", why: emptyWhy(value) };
  }
  if (path.includes(value)) return { what: "a cycle", at: "", why: "" };
  path.push(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = problemAt(value[i], path);
        if (problem) return { ...problem, at: `[${i}]${problem.at}` };
      }
      return null;
    }
    for (const key of Object.keys(value)) {
      const problem = problemAt((value as Record<string, unknown>)[key], path);
      if (problem) return { ...problem, at: `.${key}${problem.at}` };
    }
    return null;
  } finally {
    path.pop();
  }
}

/** "a Map", "an Error": the object's class, or `otherwise`. */
function named(value: object, otherwise: string): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  if (typeof name !== "string" || name === "") return `a ${otherwise}`;
  return `${/^[AEIO]/.test(name) ? "an" : "a"} ${name}`;
}

/** Why an object with nothing of its own to write is not its JSON, {}. */
function emptyWhy(value: object): string {
  const hint = typeof Response === "function" && value instanceof Response ? ", such as await response.json()" : "";
  return `: JSON writes it as {}; return the data it holds${hint}`;
}

/** An object literal or an array: none of the lossy kinds, told without testing each. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}

/** The first line of what `write` throws, or null when it does not. */
function thrownBy(write: () => unknown): string | null {
  try {
    write();
    return null;
  } catch (error) {
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  }
}
