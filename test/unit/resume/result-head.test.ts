import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callAtStart } from "../../../src/resume/result-head.js";

const at = (line: string) => {
  const bytes = Buffer.from(`xx${line}\n`);
  return callAtStart(bytes, 2, bytes.length - 1);
};

describe("callAtStart", () => {
  it("reads the example id and repetition off a line as the run store writes it", () => {
    expect(at('{"exampleId":"ex-1","repetition":12,"status":"ok"}')).toEqual({ exampleId: "ex-1", repetition: 12 });
    expect(at('{"exampleId":"é ü","repetition":1,"status":"ok"}')).toEqual({ exampleId: "é ü", repetition: 1 });
  });

  it("gives up (the line is then parsed) on anything else", () => {
    for (const line of [
      '{"exampleId":"a\\"b","repetition":1,"status":"ok"}',
      '{"repetition":1,"exampleId":"a","status":"ok"}',
      '{"exampleId":"a","repetition":"1","status":"ok"}',
      '{"exampleId":"a","repetition":01,"status":"ok"}',
      '{"exampleId":"a","repetition":1.5,"status":"ok"}',
      '{"exampleId":"a","repetition":12345678901,"status":"ok"}',
      '{"exampleId":"a","repetition":1',
      '{"exampleId":"a"',
      '{ "exampleId":"a","repetition":1,"status":"ok"}',
      "",
    ]) {
      expect(at(line)).toBeNull();
    }
  });

  it("agrees with JSON.parse whenever it reads a line", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 10_000 }), (exampleId, repetition) => {
        const line = JSON.stringify({ exampleId, repetition, status: "ok", output: null });
        const read = at(line);
        if (read !== null) expect(read).toEqual({ exampleId, repetition });
        if (!exampleId.includes('"') && !exampleId.includes("\\") && ![...exampleId].some((char) => char.charCodeAt(0) < 0x20)) expect(read).not.toBeNull();
      }),
    );
  });
});
