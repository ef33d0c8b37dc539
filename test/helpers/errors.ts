import { expect } from "vitest";

/** The message of the error `run` throws, after checking its class; fails the test if nothing is thrown. */
export function thrownMessage(run: () => unknown, kind: abstract new (...args: any[]) => Error): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return (error as Error).message;
  }
  throw new Error(`expected a ${kind.name}`);
}
