/**
 * A copy that the caller may change freely. Strings, numbers and other primitives are immutable, so
 * they are returned as they are: a task that returns a 50 MB string costs nothing here. Plain JSON
 * (what datasets and task outputs are) is copied by hand, several times faster than structuredClone
 * for the small objects of a typical example. Only own keys are copied, even when user code has
 * added enumerable ones to Object.prototype (prototype pollution).
 */
export function ownCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  try {
    return copyJson(value, prototypeClean()) as T;
  } catch {
    // Values that cannot be cloned (functions in an in-memory example) are shared.
    return value;
  }
}

const { hasOwn, defineProperty } = Object;
// As it was when evalwire loaded: a polyfill in user code (core-js replaces it on some Node versions) may throw where it does not.
const { structuredClone } = globalThis;

/** No enumerable key on Object.prototype: for-in then sees own keys only (testing each cost 30% more). */
function prototypeClean(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}

function copyJson(value: unknown, clean: boolean): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = copyJson(value[index], clean);
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    // A class that says how it is written (a money or date-time type's toJSON): its copy is that, as it is recorded.
    if (typeof (value as { toJSON?: unknown }).toJSON === "function" && !(value instanceof Date)) return JSON.parse(JSON.stringify(value));
    return structuredClone(value);
  }
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (!clean && !hasOwn(value, key)) continue;
    const field = copyJson((value as Record<string, unknown>)[key], clean);
    // A key "__proto__" (JSON.parse makes it an own key) stays a key: assigned, it would set the copy's prototype.
    if (key === "__proto__") defineProperty(copy, key, { value: field, writable: true, enumerable: true, configurable: true });
    else copy[key] = field;
  }
  return copy;
}
