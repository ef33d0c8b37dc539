// When task spans leave for Phoenix: they wait while the experiment's posts are queued. The
// exporter here keeps what it is handed (the OTLP wire to a real Phoenix is test/phoenix/traces.test.ts).
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { expect, it } from "vitest";
import { type SpanSchedule, taskTracer } from "../../src/phoenix/task-tracer.js";

class KeptExports implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  /** `fails`: every export is refused, or only the first `fails` of them. */
  constructor(private readonly fails: boolean | number = false) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.batches.push(spans);
    const refused = this.fails === true || (typeof this.fails === "number" && this.batches.length <= this.fails);
    done(refused ? { code: 1, error: new Error("refused") } : { code: 0 });
  }
  async shutdown(): Promise<void> {}
  get sizes(): number[] {
    return this.batches.map((batch) => batch.length);
  }
}

const schedule: SpanSchedule = { batch: 4, idleEveryMs: 1000, maxWaitMs: 3_600_000 };

function setUp(options: { fails?: boolean | number } = {}) {
  const exported = new KeptExports(options.fails);
  const state = { clock: 0, postsWaiting: true };
  const tracer = taskTracer(exported, { projectName: "p", experiment: "qa", schedule, now: () => state.clock, postsWaiting: () => state.postsWaiting });
  const runTask = (index: number) => tracer.start({ id: `e${index}`, input: { q: index }, output: {}, metadata: {} }, 1).end({ output: { a: index } });
  return { exported, state, tracer, runTask };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

it("holds spans while posts are waiting, then sends them all at the end", async () => {
  const { exported, state, tracer, runTask } = setUp();
  for (let index = 0; index < 3; index++) {
    state.clock += 5000;
    runTask(index);
  }
  await tick();
  expect(exported.sizes).toEqual([]);
  expect(await tracer.close()).toBeNull();
  expect(exported.sizes).toEqual([3]);
  expect(exported.batches[0]!.map((span) => JSON.parse(span.attributes.metadata as string).example_id)).toEqual(["e0", "e1", "e2"]);
});

it("sends what waits when a span ends while no post is waiting, at most once per interval", async () => {
  const { exported, state, tracer, runTask } = setUp();
  state.postsWaiting = false;
  runTask(0); // the interval counts from the tracer's start: too early
  state.clock = 1000;
  runTask(1);
  await tick();
  expect(exported.sizes).toEqual([2]);
  state.clock = 1500;
  runTask(2); // idle, but within the interval of the last send
  await tick();
  expect(exported.sizes).toEqual([2]);
  state.clock = 2500;
  state.postsWaiting = true;
  runTask(3); // the interval is over, but posts are waiting
  await tick();
  expect(exported.sizes).toEqual([2]);
  await tracer.close();
  expect(exported.sizes).toEqual([2, 2]);
});

it("sends a full batch even while posts are waiting", async () => {
  const { exported, tracer, runTask } = setUp();
  for (let index = 0; index < 9; index++) runTask(index);
  await tick();
  expect(exported.sizes).toEqual([4, 4]);
  await tracer.close();
  expect(exported.sizes).toEqual([4, 4, 1]);
});

it("says how many spans were not exported, and does not throw", async () => {
  const { tracer, runTask } = setUp({ fails: true });
  for (let index = 0; index < 5; index++) runTask(index);
  expect(await tracer.close()).toBe("5 task spans not exported to Phoenix: refused");
});

it("tries the spans refused while Phoenix was away once more at the end, and counts only those refused again", async () => {
  // The first batch (4 spans, sent while posts waited) is refused: Phoenix was restarting.
  const { exported, tracer, runTask } = setUp({ fails: 1 });
  for (let index = 0; index < 6; index++) runTask(index);
  await tick();
  expect(exported.sizes).toEqual([4]);
  expect(await tracer.close()).toBeNull();
  // The 2 still waiting, then the 4 refused before: every span reached the exporter's server.
  const accepted = exported.batches.slice(1).flat();
  expect(accepted.map((span) => JSON.parse(span.attributes.metadata as string).example_id).sort()).toEqual(["e0", "e1", "e2", "e3", "e4", "e5"]);
});
