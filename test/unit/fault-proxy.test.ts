import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Fault, type FaultProxy, startFaultProxy } from "../phoenix/fault-proxy.js";

interface Arrival {
  method: string;
  url: string;
  host: string;
  body: string;
  at: number;
}

// A target that records what reaches it (and when) and answers 201 with an echo of it.
const arrivals: Arrival[] = [];
let target: Server;
let targetUrl: string;

beforeAll(async () => {
  target = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const arrival = { method: request.method ?? "", url: request.url ?? "", host: request.headers.host ?? "", body, at: Date.now() };
      arrivals.push(arrival);
      response.writeHead(201, { "content-type": "application/json", "x-target": "echo" }).end(JSON.stringify(arrival));
    });
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  arrivals.length = 0;
});

async function proxyWith(decide: Parameters<typeof startFaultProxy>[1]): Promise<FaultProxy> {
  proxy = await startFaultProxy(targetUrl, decide);
  return proxy;
}

describe("startFaultProxy", () => {
  it("passes a request through: method, path, body, status and headers, with the target's host", async () => {
    const { url, counts } = await proxyWith(() => "pass");
    const response = await fetch(`${url}/echo?x=1`, { method: "POST", body: "hello" });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-target")).toBe("echo");
    expect(await response.json()).toMatchObject({ method: "POST", url: "/echo?x=1", host: new URL(targetUrl).host, body: "hello" });
    expect(counts).toEqual({ pass: 1, "503": 0, reset: 0, delay: 0 });
  });

  it("answers 503 itself, without reaching the target", async () => {
    const { url, counts } = await proxyWith(() => "503");
    const response = await fetch(`${url}/v1/datasets`, { method: "POST", body: "{}" });
    expect(response.status).toBe(503);
    await response.text();
    expect(arrivals).toEqual([]);
    expect(counts["503"]).toBe(1);
  });

  it("resets the connection, so fetch rejects, without reaching the target", async () => {
    const { url, counts } = await proxyWith(() => "reset");
    await expect(fetch(`${url}/v1/datasets`)).rejects.toThrow("fetch failed");
    expect(arrivals).toEqual([]);
    expect(counts.reset).toBe(1);
  });

  it("holds a delayed request back for at least the delay, then forwards it", async () => {
    const { url, counts } = await proxyWith(() => ({ delayMs: 300 }));
    const sent = Date.now();
    const response = await fetch(`${url}/slow`, { method: "PUT", body: "late" });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ method: "PUT", url: "/slow", body: "late" });
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]!.at - sent).toBeGreaterThanOrEqual(300);
    expect(counts.delay).toBe(1);
  });

  it("numbers requests from 0 in arrival order and applies each one's fault", async () => {
    const seen: { index: number; method: string; path: string }[] = [];
    const plan: Fault[] = ["503", "pass", "reset", "pass"];
    const { url, counts } = await proxyWith((request) => {
      seen.push(request);
      return plan[request.index] ?? "pass";
    });
    const statuses: (number | string)[] = [];
    for (const path of ["/a", "/b", "/c", "/d"]) {
      statuses.push(
        await fetch(`${url}${path}`).then(
          async (response) => {
            await response.text();
            return response.status;
          },
          () => "failed",
        ),
      );
    }
    expect(statuses).toEqual([503, 201, "failed", 201]);
    expect(seen).toEqual([
      { index: 0, method: "GET", path: "/a" },
      { index: 1, method: "GET", path: "/b" },
      { index: 2, method: "GET", path: "/c" },
      { index: 3, method: "GET", path: "/d" },
    ]);
    expect(arrivals.map((arrival) => arrival.url)).toEqual(["/b", "/d"]);
    expect(counts).toEqual({ pass: 2, "503": 1, reset: 1, delay: 0 });
  });

  it("closes promptly although the client keeps its connection alive", async () => {
    const { url } = await proxyWith(() => "pass");
    await (await fetch(`${url}/keep`)).text();
    const started = Date.now();
    await proxy!.close();
    proxy = undefined;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
