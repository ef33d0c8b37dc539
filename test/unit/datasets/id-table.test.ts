import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdTable } from "../../../src/datasets/id-table.js";

describe("IdTable", () => {
  it("keeps exactly what a Map of the same ids would", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { maxLength: 3000 }), (ids) => {
        const table = new IdTable();
        const map = new Map<string, number>();
        ids.forEach((id, line) => {
          expect(table.get(id)).toBe(map.get(id));
          // Some ids are set again: the later value wins.
          if (!map.has(id) || line % 3 === 0) {
            table.set(id, line + 1);
            map.set(id, line + 1);
          }
        });
        expect(table.size).toBe(map.size);
        for (const [id, value] of map) expect(table.get(id)).toBe(value);
        expect(table.has("\u0000not added")).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("tells apart ids whose hashes share a slot, past many resizes", () => {
    const table = new IdTable();
    for (let i = 0; i < 200_000; i++) table.set(`ex-${i}`, i + 1);
    expect(table.get("ex-0")).toBe(1);
    expect(table.get("ex-199999")).toBe(200_000);
    expect(table.size).toBe(200_000);
    expect(table.has("ex-200000")).toBe(false);
    expect(table.has("ex-")).toBe(false);
  });
});
