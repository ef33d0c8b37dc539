import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { configureJudge, defaultJudgeSettings, judgeHandoff, judgeState, releaseJudgeSlotsOnExit } from "../../src/evaluators/judge/settings.js";
import { SharedSlots } from "../../src/evaluators/judge/shared-slots.js";

afterEach(() => configureJudge(defaultJudgeSettings(process.cwd())));

/** A thread that takes the one judge slot, says so, and never gives it back. */
function greedyWorker(slots: SharedArrayBuffer): Promise<Worker> {
  const code = `
    const { parentPort, workerData, threadId } = require("node:worker_threads");
    const cells = new Int32Array(workerData.slots);
    Atomics.compareExchange(cells, 1, 0, threadId + 1);
    parentPort.postMessage("holding");
    setInterval(() => {}, 1000);
  `;
  const worker = new Worker(code, { eval: true, workerData: { slots } });
  return new Promise((resolve) => worker.once("message", () => resolve(worker)));
}

describe("the judge limit across threads", () => {
  it("runs at most `concurrency` calls at once", async () => {
    const slots = SharedSlots.create(2);
    let inFlight = 0;
    let most = 0;
    const call = () =>
      slots.run(async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
      });
    await Promise.all(Array.from({ length: 8 }, call));
    expect(most).toBe(2);
  });

  it("a slot held by another thread is waited for, and freed when that thread ends", async () => {
    configureJudge({ ...defaultJudgeSettings(process.cwd()), concurrency: 1 });
    const worker = await greedyWorker(judgeHandoff().slots);
    releaseJudgeSlotsOnExit(worker);
    let ran = false;
    const waiting = judgeState().slots.run(async () => {
      ran = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toBe(false);
    await worker.terminate();
    await waiting;
    expect(ran).toBe(true);
  });

  it("gives up waiting when the signal aborts", async () => {
    const slots = SharedSlots.create(1);
    let release!: () => void;
    const holding = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const waiting = slots.run(async () => "ran", controller.signal);
    controller.abort(new Error("evaluator timed out"));
    await expect(waiting).rejects.toThrow("evaluator timed out");
    release();
    await holding;
  });
});
