import { describe, expect, it } from "vitest";
import { takeRetries } from "../../../src/runs/retried-shards.js";
import type { RunHead } from "../../../src/sinks/run-folder.js";

/** A shard's run head as run.json gives it: only what takeRetries reads. */
function shard(name: string, index: number, retryOf?: string, runId = "R1"): RunHead {
  const metadata = retryOf ? { evalwire_retry_errors_of: retryOf } : {};
  return { dir: `/runs/${name}`, skippedLines: [], run: { name, experiment: "ds", shard: `${index}/2`, runId, metadata } as unknown as RunHead["run"] };
}

describe("takeRetries", () => {
  it("takes a --retry-errors run of a shard in place of the run it retried, a retry of a retry in place of both", () => {
    const heads = [shard("a-shard-1-of-2", 1), shard("b-shard-2-of-2", 2), shard("c-shard-1-of-2", 1, "a-shard-1-of-2"), shard("d-shard-1-of-2", 1, "c-shard-1-of-2")];
    const taken = takeRetries(heads);
    expect(taken.heads.map((head) => head.run.name)).toEqual(["b-shard-2-of-2", "d-shard-1-of-2"]);
    expect(taken.notes).toEqual([
      "ds shard 1/2: taking c-shard-1-of-2 (--retry-errors of a-shard-1-of-2) in its place",
      "ds shard 1/2: taking d-shard-1-of-2 (--retry-errors of c-shard-1-of-2) in its place",
    ]);
  });

  it("leaves runs alone that only share a name with a retry's source in another shard or run id", () => {
    const heads = [shard("a", 1), shard("c", 2, "a"), shard("x", 1, undefined, "R2"), shard("y", 1, "x", "R1")];
    expect(takeRetries(heads)).toEqual({ heads, notes: [] });
  });
});
