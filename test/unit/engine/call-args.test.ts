import { inspect, isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { evaluatorArgs, taskContext } from "../../../src/engine/call-args.js";

const example = { id: "a", input: { question: "q" }, output: { answer: "x" }, metadata: { topic: "t" } };
const signal = () => AbortSignal.abort();

describe("an evaluator's arguments", () => {
  it("look like a plain object of their fields: spread, keys, rest, JSON and console.log see them", () => {
    const args = evaluatorArgs(example, { answer: "y" }, 12, signal);
    expect(Object.keys(args)).toEqual(["input", "output", "expected", "metadata", "example", "durationMs", "signal"]);
    const { output, ...rest } = args;
    expect(output).toEqual({ answer: "y" });
    expect(Object.keys(rest)).toEqual(["input", "expected", "metadata", "example", "durationMs", "signal"]);
    expect({ ...args, expected: "other" }).toMatchObject({ input: { question: "q" }, output: { answer: "y" }, expected: "other", durationMs: 12 });
    expect(JSON.parse(JSON.stringify({ ...args, signal: undefined }))).toEqual({
      input: example.input,
      output: { answer: "y" },
      expected: example.output,
      metadata: example.metadata,
      example,
      durationMs: 12,
    });
    expect("input" in args && "toString" in args && !("original" in args)).toBe(true);
    expect(inspect(args)).toContain("expected: { answer: 'x' }");
    expect(inspect(args)).not.toContain("original");
  });

  it("are copies, made once: changing them changes neither the example nor what another read sees", () => {
    const taskOutput = { answer: "y" };
    const args = evaluatorArgs(example, taskOutput, 1, signal);
    (args.output as { answer: string }).answer = "changed";
    args.input.question = "changed";
    expect(args.output).toEqual({ answer: "changed" });
    expect(args.example.input.question).toBe("changed");
    expect(taskOutput.answer).toBe("y");
    expect(example.input.question).toBe("q");
    expect(evaluatorArgs(example, taskOutput, 1, signal).output).toEqual({ answer: "y" });
  });

  it("cannot be assigned to, with an error that says so", () => {
    const args = evaluatorArgs(example, 1, 1, signal) as { output: unknown };
    expect(() => {
      args.output = 2;
    }).toThrow(/read-only/);
    expect(() => delete (args as { output?: unknown }).output).toThrow(/read-only/);
  });
});

describe("a task's context", () => {
  it("shows its fields, and asks for its signal only when read", () => {
    let asked = 0;
    const signalOf = () => (asked++, new AbortController().signal);
    const ctx = taskContext(signalOf, 2, "greet");
    expect(ctx.repetition + ctx.experiment).toBe("2greet");
    expect(asked).toBe(0);
    expect(ctx.signal.aborted).toBe(false);
    expect(asked).toBe(1);
    expect(Object.keys(ctx)).toEqual(["signal", "repetition", "experiment"]);
    expect({ ...ctx, signal: null }).toEqual({ signal: null, repetition: 2, experiment: "greet" });
  });
});

describe("an evaluator's arguments, as user code and libraries test objects", () => {
  it("are plain objects by their prototype: deep equality with a literal holds, as a deep-copy library sees them", () => {
    const args = evaluatorArgs(example, { answer: "y" }, 12, signal);
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Reflect.get(args, "__proto__")).toBe(Object.prototype);
    expect(isDeepStrictEqual(args, { ...args })).toBe(true);
    // What lodash's cloneDeep does with an object: a new one of its prototype, given its own fields.
    const clone = Object.create(Object.getPrototypeOf(args)) as Record<string, unknown>;
    for (const key of Object.keys(args)) clone[key] = (args as unknown as Record<string, unknown>)[key];
    expect(clone.output).toEqual({ answer: "y" });
    const ctx = taskContext(signal, 1, "greet");
    expect(isDeepStrictEqual(ctx, { ...ctx })).toBe(true);
  });

  it("refuse to be frozen, sealed or given a prototype with the read-only error, and still work after", () => {
    const args = evaluatorArgs(example, { answer: "y" }, 12, signal);
    expect(() => Object.freeze(args)).toThrow(/read-only/);
    expect(() => Object.seal(args)).toThrow(/read-only/);
    expect(() => Object.preventExtensions(args)).toThrow(/read-only/);
    expect(() => Object.setPrototypeOf(args, null)).toThrow(/read-only/);
    expect(Object.keys(args)).toEqual(["input", "output", "expected", "metadata", "example", "durationMs", "signal"]);
    expect(JSON.parse(JSON.stringify({ ...args, signal: null })).output).toEqual({ answer: "y" });
    const ctx = taskContext(signal, 2, "greet");
    expect(() => Object.freeze(ctx)).toThrow(/read-only/);
    expect(Object.keys(ctx)).toEqual(["signal", "repetition", "experiment"]);
  });
});
