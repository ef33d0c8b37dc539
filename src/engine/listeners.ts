import type { RunListener } from "./events.js";
import { errorMessage } from "./run-example.js";

type Hook = keyof RunListener;

/**
 * One listener that calls every listener's hook in turn. A listener that throws (or rejects) cannot
 * break the run: it is reported through the others' onWarning, once per listener and hook.
 */
export function fanOut(listeners: RunListener[]): Required<RunListener> {
  const warned = new Set<string>();
  const warn = (listener: RunListener, hook: Hook, error: unknown) => {
    const key = `${listeners.indexOf(listener)} ${hook}`;
    if (warned.has(key)) return;
    warned.add(key);
    const message = `reporter ${listener.constructor?.name && listener.constructor !== Object ? listener.constructor.name : `#${listeners.indexOf(listener) + 1}`} failed in ${hook}: ${errorMessage(error)}`;
    for (const other of listeners) {
      if (other === listener) continue;
      try {
        other.onWarning?.(message);
      } catch {
        // A listener that cannot take a warning has nothing more to be told.
      }
    }
  };
  const call =
    <K extends Hook>(hook: K) =>
    async (...args: Parameters<NonNullable<RunListener[K]>>): Promise<void> => {
      for (const listener of listeners) {
        const fn = listener[hook] as ((...a: typeof args) => unknown) | undefined;
        if (!fn) continue;
        try {
          const returned = fn.apply(listener, args);
          if (returned && typeof (returned as Promise<unknown>).then === "function") await returned;
        } catch (error) {
          warn(listener, hook, error);
        }
      }
    };
  // The hooks called per result stay synchronous: no promise is made unless a listener returns one.
  const sync =
    <K extends Hook>(hook: K) =>
    (...args: Parameters<NonNullable<RunListener[K]>>): void => {
      for (const listener of listeners) {
        const fn = listener[hook] as ((...a: typeof args) => unknown) | undefined;
        if (!fn) continue;
        try {
          const returned = fn.apply(listener, args);
          if (returned && typeof (returned as Promise<unknown>).then === "function") (returned as Promise<unknown>).then(undefined, (error) => warn(listener, hook, error));
        } catch (error) {
          warn(listener, hook, error);
        }
      }
    };
  return {
    onRunStart: sync("onRunStart"),
    onExperimentStart: sync("onExperimentStart"),
    onResult: sync("onResult"),
    onExperimentEnd: sync("onExperimentEnd"),
    onWarning: sync("onWarning"),
    onNote: sync("onNote"),
    onConcurrency: sync("onConcurrency"),
    onRunEnd: call("onRunEnd"),
  };
}
