// --retries against a local HTTP server that answers 429 (with Retry-After) and 503 on a share of
// calls: every example ends recorded with each attempt, and example concurrency backs off on the
// 429s and recovers, as the progress output shows.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { describeRun, evalwire, fixture, readResults, runDirs, useTempDirs } from "./_support.js";

const temp = useTempDirs();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * Examples 1-8 are answered 429 (Retry-After: 1) on their first call, 9-12 are answered 503 on
 * theirs; every other call succeeds after 200 ms. `inFlightAt` notes, per example's first call,
 * how many calls the server was serving when it arrived (itself included).
 */
async function flakyServer() {
  const calls = new Map<string, number>();
  const inFlightAt = new Map<string, number>();
  let inFlight = 0;
  const server = createServer((request, response) => {
    const id = new URL(request.url ?? "/", "http://x").searchParams.get("id") ?? "";
    const n = Number(id.slice(3));
    const call = (calls.get(id) ?? 0) + 1;
    calls.set(id, call);
    inFlight++;
    if (call === 1) inFlightAt.set(id, inFlight);
    const answer = () => {
      inFlight--;
      if (call === 1 && n <= 8) response.writeHead(429, { "retry-after": "1" }).end("slow down");
      else if (call === 1 && n <= 12) response.writeHead(503).end("overloaded");
      else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ answer: n * 2 }));
    };
    setTimeout(answer, n <= 8 ? 30 : 200);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, inFlightAt };
}

describe("evalwire run --retries", () => {
  it("retries 429s and 503s, records each attempt, and backs example concurrency off and up again", async () => {
    const server = await flakyServer();
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("long-runs-flaky"), "--retries", "3", "--example-concurrency", "8"], cwd, { FLAKY_URL: server.url });
    expect(r.code, describeRun(r)).toBe(0);
    const results = readResults(runDirs(cwd)[0]!);
    expect(results).toHaveLength(40);
    expect(results.every((result: any) => result.status === "ok" && result.output.answer === 2 * Number(result.exampleId.slice(3)))).toBe(true);

    const byId = Object.fromEntries(results.map((result: any) => [result.exampleId, result]));
    expect(byId["ex-1"].attempts).toEqual([
      { attempt: 1, error: "the model answered 429", status: 429, retriedBecause: "HTTP 429", waitedMs: expect.any(Number) },
      { attempt: 2, error: null, status: null, retriedBecause: null, waitedMs: 0 },
    ]);
    // Retry-After: 1 is honoured (plus at most 10%).
    expect(byId["ex-1"].attempts[0].waitedMs).toBeGreaterThanOrEqual(1000);
    expect(byId["ex-1"].attempts[0].waitedMs).toBeLessThanOrEqual(1100);
    expect(byId["ex-10"].attempts.map((attempt: any) => attempt.retriedBecause)).toEqual(["HTTP 503", null]);
    expect(byId["ex-20"].attempts).toBeUndefined();
    for (let n = 1; n <= 40; n++) expect(server.calls.get(`ex-${n}`), `calls of ex-${n}`).toBe(n <= 12 ? 2 : 1);

    // The progress lines (plain output: not a terminal).
    expect(r.stdout).toContain("⇅ flaky: example concurrency 8 → 4 of 8 (rate-limited: HTTP 429)");
    expect(r.stdout).toMatch(/⇅ flaky: example concurrency 4 → 5 of 8 \(recovering\)/);
    expect(r.stdout).toMatch(/⇅ flaky: example concurrency 7 → 8 of 8 \(recovering\)/);
  });

  it("does not retry without --retries: the 429 is the example's error", async () => {
    const server = await flakyServer();
    const cwd = temp();
    const r = await evalwire(["run", "--experiments", fixture("long-runs-flaky"), "--example-concurrency", "8"], cwd, { FLAKY_URL: server.url });
    expect(r.code, describeRun(r)).toBe(1);
    const failed = readResults(runDirs(cwd)[0]!).filter((result: any) => result.status !== "ok");
    expect(failed.map((result: any) => result.exampleId).sort((a: string, b: string) => Number(a.slice(3)) - Number(b.slice(3)))).toEqual(Array.from({ length: 12 }, (_, i) => `ex-${i + 1}`));
    expect(failed.find((result: any) => result.exampleId === "ex-1").attempts).toEqual([{ attempt: 1, error: "the model answered 429", status: 429, retriedBecause: null, waitedMs: 0 }]);
    expect(r.stdout).toContain("example concurrency 8 → 4 of 8 (rate-limited: HTTP 429)");
    // Calls that start once the limit fell to 4 (the 9th to 16th started as the first 8 were
    // answered) find fewer in flight: the limit grows by 1 per `limit` calls gone through, so
    // before ex-24 starts it is at most 6. At a steady 8 the 7th of ex-17..ex-23 to arrive finds 7.
    const seen = Array.from({ length: 7 }, (_, i) => server.inFlightAt.get(`ex-${17 + i}`) ?? 0);
    expect(Math.max(...seen), `calls in flight as ex-17..ex-23 arrived: ${seen.join(", ")}`).toBeLessThanOrEqual(6);
  });
});
