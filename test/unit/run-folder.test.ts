import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { findRunFolder, readRunFolder, scanResults, updateRunFile } from "../../src/sinks/run-folder.js";
import { tempDir, writeFiles } from "../helpers/cli.js";
import { thrownMessage } from "../helpers/errors.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function project(): string {
  const { dir, remove } = tempDir("evalwire-run-folder-");
  cleanup.push(remove);
  return dir;
}

const run = { name: "eval_ds_2026-01-01T00:00:00", experiment: "ds", dataset: { name: "ds", version: null, source: null }, status: "running" };
const line = (exampleId: string, repetition: number, output: unknown) => JSON.stringify({ exampleId, repetition, status: "ok", output, error: null, evaluations: [] });

describe("findRunFolder", () => {
  it("takes a run's name in the runs folder, or a path to a run folder", () => {
    const cwd = project();
    const runs = join(cwd, ".evalwire", "runs");
    writeFiles(runs, { [`${run.name}/run.json`]: JSON.stringify(run) });
    expect(findRunFolder(run.name, runs, cwd)).toBe(join(runs, run.name));
    expect(findRunFolder(`.evalwire/runs/${run.name}`, runs, cwd)).toBe(join(runs, run.name));
    expect(findRunFolder(join(runs, run.name), runs, "/")).toBe(join(runs, run.name));
  });

  it("says what it takes when there is no such run", () => {
    const cwd = project();
    expect(thrownMessage(() => findRunFolder("nope", join(cwd, "runs"), cwd), UsageError)).toMatch(/^no run "nope": give a run folder holding run\.json, or the name of a run in /);
  });
});

describe("readRunFolder", () => {
  it("keeps one result per example and repetition (the later line), and names unreadable lines", () => {
    const dir = writeFiles(project(), {
      "run.json": JSON.stringify(run),
      "results.jsonl": [line("a", 1, 1), line("b", 1, 2), "not json", line("a", 1, 3), line("a", 2, 4), '{"exampleId":"c","rep'].join("\n"),
    });
    const read = readRunFolder(dir);
    expect(read.results.map((each) => [each.exampleId, each.repetition, each.output])).toEqual([
      ["b", 1, 2],
      ["a", 1, 3],
      ["a", 2, 4],
    ]);
    expect(read.skippedLines).toEqual([3, 6]);
  });

  it("refuses a run.json that is not a run, in one line naming the file", () => {
    const dir = writeFiles(project(), { "run.json": "{}" });
    expect(thrownMessage(() => readRunFolder(dir), UsageError)).toMatch(/run\.json: not a run evalwire recorded/);
    const broken = writeFiles(project(), { "run.json": "{" });
    expect(thrownMessage(() => readRunFolder(broken), UsageError)).toMatch(/run\.json: cannot read it/);
  });

  it("streams a results.jsonl larger than its 4 MB chunks, a character split between two chunks intact", () => {
    // 60,000 lines of about 100 bytes, each with two-byte characters: several chunk boundaries.
    const lines = Array.from({ length: 60_000 }, (_, i) => line(`ex-${i}`, 1, "é".repeat(20 + (i % 7))));
    const dir = writeFiles(project(), { "run.json": JSON.stringify(run), "results.jsonl": `${lines.join("\n")}\n` });
    let count = 0;
    let intact = true;
    const skipped = scanResults(dir, (result) => {
      intact &&= result.exampleId === `ex-${count}` && result.output === "é".repeat(20 + (count % 7));
      count++;
    });
    expect({ count, intact, skipped }).toEqual({ count: 60_000, intact: true, skipped: [] });
  });

  it("updateRunFile rewrites run.json with the change", () => {
    const dir = writeFiles(project(), { "run.json": JSON.stringify(run) });
    updateRunFile(dir, (current) => ({ ...current, links: { phoenix: { experimentId: "x" } } }));
    expect(readRunFolder(dir).run).toMatchObject({ ...run, links: { phoenix: { experimentId: "x" } } });
  });
});
