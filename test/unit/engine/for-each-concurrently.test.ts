import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CallWindow } from "../../../src/engine/call-window.js";
import { forEachConcurrently } from "../../../src/engine/for-each-concurrently.js";

/** Items that count how many were taken. */
function counted(n: number) {
  const state = { taken: 0 };
  function* items() {
    for (let i = 0; i < n; i++) {
      state.taken++;
      yield i;
    }
  }
  return { items: items(), state };
}

describe("forEachConcurrently", () => {
  it("calls every item once, never more than the limit in flight, taking an item only when its call starts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 0, max: 3 })),
        async (n, limits, delays) => {
          const { items, state } = counted(n);
          let active = 0;
          let finished = 0;
          let limitAt = 0;
          const seen: number[] = [];
          const limit = () => limits[Math.min(limitAt, limits.length - 1)]!;
          await forEachConcurrently(items, limit, async (item) => {
            active++;
            expect(active).toBeLessThanOrEqual(Math.max(...limits));
            expect(state.taken - finished).toBeLessThanOrEqual(Math.max(...limits));
            seen.push(item);
            await new Promise((resolve) => setTimeout(resolve, delays[item % Math.max(1, delays.length)] ?? 0));
            active--;
            finished++;
            limitAt++;
          });
          expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("keeps to a lowered limit from the next start on", async () => {
    const { items } = counted(40);
    let limit = 10;
    let active = 0;
    let most = 0;
    let started = 0;
    await forEachConcurrently(
      items,
      () => limit,
      async () => {
        if (++started === 10) limit = 2;
        active++;
        if (started > 12) most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
      },
    );
    expect(started).toBe(40);
    expect(most).toBe(2);
  });

  it("rejects with the first error of a call or of the items", async () => {
    await expect(
      forEachConcurrently(
        [1, 2, 3],
        () => 2,
        async (item) => (item === 2 ? Promise.reject(new Error("boom")) : undefined),
      ),
    ).rejects.toThrow("boom");
    // A call that throws before it returns its promise, as one that rejects.
    await expect(
      forEachConcurrently(
        [1, 2, 3],
        () => 2,
        (item) => {
          if (item === 2) throw new Error("thrown at once");
          return Promise.resolve();
        },
      ),
    ).rejects.toThrow("thrown at once");
    function* broken() {
      yield 1;
      throw new Error("dataset changed");
    }
    await expect(
      forEachConcurrently(
        broken(),
        () => 4,
        async () => {},
      ),
    ).rejects.toThrow("dataset changed");
  });

  it("when the items break, starts nothing more and rejects only once the calls in flight have ended", async () => {
    function* broken() {
      yield 1;
      yield 2;
      throw new Error("dataset changed");
    }
    const events: string[] = [];
    const run = forEachConcurrently(
      broken(),
      () => 4,
      async (item) => {
        events.push(`start ${item}`);
        await new Promise((resolve) => setTimeout(resolve, 30 * item));
        events.push(`end ${item}`);
      },
    ).catch((error: Error) => events.push(`rejected: ${error.message}`));
    await run;
    expect(events).toEqual(["start 1", "start 2", "end 1", "end 2", "rejected: dataset changed"]);
  });

  it("when a call throws before it starts (its example's line changed), starts nothing after it", async () => {
    const started: number[] = [];
    const run = forEachConcurrently(
      [1, 2, 3, 4, 5, 6],
      () => 10,
      (item) => {
        if (item === 3) throw new Error("dataset changed");
        started.push(item);
        return new Promise((resolve) => setTimeout(resolve, 20));
      },
    );
    await expect(run).rejects.toThrow("dataset changed");
    expect(started).toEqual([1, 2]);
  });

  it("tells onFailure once, at the failure, before the calls in flight end", async () => {
    const events: string[] = [];
    const run = forEachConcurrently(
      [1, 2, 3, 4],
      () => 10,
      (item) => {
        if (item === 3) throw new Error("dataset changed");
        return new Promise<void>((resolve) => setTimeout(() => resolve(void events.push(`end ${item}`)), 20));
      },
      () => events.push("failure"),
    );
    await expect(run).rejects.toThrow("dataset changed");
    expect(events).toEqual(["failure", "end 1", "end 2"]);
  });

  it("lets timers run between calls that never yield", async () => {
    let fired = 0;
    const timer = setInterval(() => fired++, 5);
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    await forEachConcurrently(
      Array.from({ length: 40 }, (_, i) => i),
      () => 4,
      async () => busy(5),
    );
    clearInterval(timer);
    expect(fired).toBeGreaterThan(1);
  });
});

describe("CallWindow", () => {
  it("starts small under a high maximum and doubles only when found full while the calls' thread was mostly idle", async () => {
    let busy = 1;
    const window = new CallWindow(100_256, () => busy);
    const later = () => new Promise((resolve) => setTimeout(resolve, 60));
    expect(window.limit).toBe(1024);
    await later();
    window.ended(1024); // full, but the thread is busy: more calls at once would not go faster
    expect(window.limit).toBe(1024);
    busy = 0.1;
    await later();
    window.ended(500); // idle but not full
    expect(window.limit).toBe(1024);
    window.ended(1024);
    expect(window.limit).toBe(2048);
    window.ended(2048); // looked at less than 50 ms ago
    expect(window.limit).toBe(2048);
    for (let i = 0; i < 8; i++) {
      await later();
      window.ended(window.limit);
    }
    expect(window.limit).toBe(100_256);
    expect(new CallWindow(266, () => 0).limit).toBe(266);
  });
});
