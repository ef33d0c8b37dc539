import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { localRun, type RunFile, readRunFile } from "../../../src/runs/local-run.js";
import { tempDir } from "../../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

const run: RunFile = { name: "eval_x_2026-01-01T00:00:00", experiment: "x", status: "interrupted", startedAt: "2026-01-01T00:00:00Z", evaluators: [], planned: 3 };

async function read(results: string): Promise<string[]> {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  writeFileSync(join(dir, "results.jsonl"), results);
  const ids: string[] = [];
  for await (const result of localRun(dir, run.name, run).results()) ids.push(result.exampleId);
  return ids;
}

describe("reading a recorded run back", () => {
  it("skips a last line cut short by a crash", async () => {
    expect(await read('{"exampleId":"a"}\n{"exampleId":"b"}\n{"exampleId":"c","repet')).toEqual(["a", "b"]);
  });

  it("refuses a bad line with whole lines after it, naming the file and line", async () => {
    await expect(read('{"exampleId":"a"}\n{"exampleId":\n{"exampleId":"c"}\n')).rejects.toThrow(UsageError);
    await expect(read('{"exampleId":"a"}\n{"exampleId":\n{"exampleId":"c"}\n')).rejects.toThrow(/results\.jsonl:2: not a JSON line/);
  });

  it("says a run.json that is not JSON is not JSON, in one line", () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    writeFileSync(join(dir, "run.json"), "garbage\nmore\n");
    expect(readRunFile(dir)).toMatch(/run\.json: cannot read it \(not valid JSON\)$/);
  });
});
