import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { type ExampleResult, ExperimentRunner } from "../../src/index.js";
import { resultChanged, resultOfJson, takeResultJson } from "../../src/result-json.js";
import { readResults, tempDir } from "../helpers/cli.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

const result: ExampleResult = { exampleId: "a", repetition: 1, status: "ok", output: { text: "é\ud800" }, error: null, startedAt: "t", durationMs: 1, evaluations: [] };

describe("a result kept as the worker's JSON", () => {
  it("is written as that JSON once; then, or once changed, as the result is now", () => {
    const json = JSON.stringify(result);
    const kept = resultOfJson(json);
    expect(kept).toEqual(result);
    expect(takeResultJson(kept)).toBe(json);
    kept.traceId = "0af7651916cd43dd8448eb211c80319c";
    expect(takeResultJson(kept)).toBe(JSON.stringify(kept));
    const changed = resultOfJson(json);
    changed.traceId = "0af7651916cd43dd8448eb211c80319c";
    resultChanged(changed);
    expect(takeResultJson(changed)).toBe(JSON.stringify(changed));
  });

  it("is not kept with the result once recorded: a listener that keeps every result holds their outputs, not their JSON too", async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const examples = 30;
    const outputBytes = 2_000_000;
    mkdirSync(join(dir, "experiments", "big"), { recursive: true });
    writeFileSync(join(dir, "experiments", "big", "task.ts"), `export const task = (example: { id: string }) => "x".repeat(${outputBytes}) + example.id;\n`);
    writeFileSync(join(dir, "experiments", "big", "dataset.jsonl"), Array.from({ length: examples }, (_, i) => JSON.stringify({ id: `e${i}`, input: {} })).join("\n"));
    const kept: ExampleResult[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    const run = await new ExperimentRunner({ experimentsDir: join(dir, "experiments"), runsDir: join(dir, "runs"), listeners: [{ onResult: (_info, each) => void kept.push(each) }] }).run();
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(run.status).toBe("passed");
    expect(readResults(run.experiments[0]!.runPath!)).toHaveLength(examples);
    expect(kept).toHaveLength(examples);
    // The outputs themselves are kept (one byte a character); their JSON, as large, would double it.
    expect(grown).toBeGreaterThan(examples * outputBytes);
    expect(grown).toBeLessThan(examples * outputBytes * 1.5);
  });
});
