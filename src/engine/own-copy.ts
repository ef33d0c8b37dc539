/**
 * A copy that the caller may change freely. Strings, numbers and other primitives are immutable, so
 * they are returned as they are: a task that returns a 50 MB string costs nothing here.
 */
export function ownCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  try {
    return structuredClone(value);
  } catch {
    // Values that cannot be cloned (functions in an in-memory example) are shared.
    return value;
  }
}
