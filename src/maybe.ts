/**
 * A value now, or a promise of it once some user code returned a promise. Most tasks and
 * evaluators return plain values: passed through async functions, each step cost a suspended
 * frame and promises (about 8 KB of garbage an example in the worker), so an example's steps stay
 * synchronous until one of them has something to wait for.
 */
export type Maybe<T> = T | Promise<T>;

// Not named `then`: a module exporting `then` is itself a thenable, and `await import()` of it hangs.

/** `next(value)`, now when `value` is here, else once it settles (a rejection passes through). */
export function andThen<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Every value, now when all are here, else as Promise.all gives them. */
export function allOf<T>(values: Maybe<T>[]): Maybe<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[]);
}

function isPromise(value: unknown): boolean {
  return value instanceof Promise;
}
