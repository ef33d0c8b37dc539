import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { workedBefore } from "../../../src/resume/worked-time.js";
import type { RunFile } from "../../../src/sinks/run-folder.js";
import { tempDir } from "../../helpers/cli.js";

const removals: (() => void)[] = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

const at = (clock: string) => Date.parse(`2026-12-01T${clock}Z`);
const iso = (clock: string) => new Date(at(clock)).toISOString();

/** A run folder whose results.jsonl (and checkpoint.json, with `workedMs`) were last written at the times given. */
function folder(run: Partial<RunFile> & Record<string, unknown>, files: { resultsAt: string; checkpoint?: { workedMs: number; at: string } }) {
  const { dir, remove } = tempDir();
  removals.push(remove);
  writeFileSync(join(dir, "results.jsonl"), "");
  utimesSync(join(dir, "results.jsonl"), at(files.resultsAt) / 1000, at(files.resultsAt) / 1000);
  if (files.checkpoint) {
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify({ version: 1, resultsBytes: 0, state: { workedMs: files.checkpoint.workedMs } }));
    utimesSync(join(dir, "checkpoint.json"), at(files.checkpoint.at) / 1000, at(files.checkpoint.at) / 1000);
  }
  return { dir, run: { status: "running", startedAt: iso("10:00:00"), ...run } as RunFile, skippedLines: [] };
}

describe("workedBefore", () => {
  it("is the duration the last process recorded when it ended (it counts those before it)", () => {
    expect(workedBefore(folder({ status: "interrupted", summary: { durationMs: 4321 } }, { resultsAt: "11:00:00" }))).toBe(4321);
  });

  it("for a killed process, is its last checkpoint's count and the time from then to its last result", () => {
    const killed = folder({ resumedAt: [iso("10:30:00")] }, { resultsAt: "10:30:09", checkpoint: { workedMs: 20_000, at: "10:30:06" } });
    expect(workedBefore(killed)).toBe(23_000);
  });

  it("for a process killed before its first checkpoint, is an earlier process's checkpoint and the time from its own start (not the pause)", () => {
    const killed = folder({ resumedAt: [iso("10:30:00")] }, { resultsAt: "10:30:02", checkpoint: { workedMs: 5_000, at: "10:00:05" } });
    expect(workedBefore(killed)).toBe(7_000);
  });

  it("with no checkpoint at all, is the time from the run's start to its last result", () => {
    expect(workedBefore(folder({}, { resultsAt: "10:00:01.5" }))).toBe(1_500);
  });
});
