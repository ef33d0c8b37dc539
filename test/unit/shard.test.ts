import { describe, expect, it } from "vitest";
import { formatShard, inShard, parseShard, shardOf, shardSuffix } from "../../src/engine/shard.js";
import { UsageError } from "../../src/errors.js";
import { thrownMessage } from "../helpers/errors.js";

// Ids as the two backends make them: Phoenix's base64 global ids, and local rows' own or numbered ids.
const ids = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? Buffer.from(`DatasetExample:${i + 1}`).toString("base64") : i % 3 === 1 ? String(i + 1) : `case-${i + 1}`));

describe("inShard", () => {
  it.each([1, 2, 3, 4, 5, 6, 7])("puts every task call of 1,000 examples × 2 repetitions in exactly one of %i shards", (count) => {
    const calls = ids.flatMap((id) => [1, 2].map((repetition) => ({ id, repetition })));
    const perShard = Array.from({ length: count }, (_, i) => calls.filter((call) => inShard({ index: i + 1, count }, call.id, call.repetition)));
    for (const call of calls) {
      const owners = perShard.filter((shard) => shard.includes(call));
      expect(owners, `${call.id} #${call.repetition}`).toHaveLength(1);
    }
    expect(perShard.reduce((sum, shard) => sum + shard.length, 0)).toBe(calls.length);
    // The hash spreads the work: no shard gets less than 3/4 or more than 5/4 of its share.
    for (const shard of perShard) {
      expect(shard.length).toBeGreaterThan((0.75 * calls.length) / count);
      expect(shard.length).toBeLessThan((1.25 * calls.length) / count);
    }
  });

  it("splits the repetitions of one example independently", () => {
    const shards = new Set(Array.from({ length: 40 }, (_, r) => shardOf("one-example", r + 1, 4)));
    expect(shards.size).toBe(4);
  });

  it("keeps every call without a shard", () => {
    expect(ids.every((id) => inShard(null, id, 1))).toBe(true);
  });

  // These values are the contract between shards of one run on different machines and Node
  // versions: a change here splits a run differently, so it must never happen silently.
  it.each([
    ["1", 1, 4, 3],
    ["1", 2, 4, 0],
    ["example-42", 1, 4, 1],
    ["RGF0YXNldEV4YW1wbGU6MQ==", 3, 7, 2],
    ["ünïcode", 1, 7, 2],
  ])("puts %j repetition %i in shard %i of %i (0-based) on every machine", (id, repetition, count, expected) => {
    expect(shardOf(id as string, repetition as number, count as number)).toBe(expected);
  });
});

describe("parseShard", () => {
  it("reads i/n", () => {
    expect(parseShard("1/4")).toEqual({ index: 1, count: 4 });
    expect(parseShard(" 4/4 ")).toEqual({ index: 4, count: 4 });
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
  });

  it.each([
    ["0/3", /--shard takes i\/n.*\(got "0\/3": i counts from 1\)/],
    ["4/3", /--shard takes i\/n.*\(got "4\/3": i must not exceed n\)/],
    ["a/b", /--shard takes i\/n.*\(got "a\/b": not two whole numbers joined by \/\)/],
    ["1/0", /--shard takes i\/n.*\(got "1\/0": n must be 1 or more\)/],
    ["2", /got "2": not two whole numbers/],
    ["-1/3", /got "-1\/3": not two whole numbers/],
    ["1.5/3", /not two whole numbers/],
  ])("refuses %j", (text, message) => {
    expect(thrownMessage(() => parseShard(text), UsageError)).toMatch(message);
  });

  it("names the key it was given", () => {
    expect(thrownMessage(() => parseShard("0/2", "EVALWIRE_SHARD"), UsageError)).toMatch(/^EVALWIRE_SHARD takes i\/n/);
  });
});

describe("shard names", () => {
  it("writes a shard as i/n and as a run folder suffix", () => {
    expect(formatShard({ index: 2, count: 4 })).toBe("2/4");
    expect(shardSuffix({ index: 2, count: 4 })).toBe("-shard-2-of-4");
    expect(shardSuffix(null)).toBe("");
  });
});
