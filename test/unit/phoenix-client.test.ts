// The retry policy of every Phoenix call, against a small HTTP server that answers as told: faults a
// real Phoenix cannot be made to give on demand. The Phoenix tests run the same calls for real.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openPhoenix, PhoenixError, type RetryPolicy } from "../../src/phoenix/client.js";
import { findDataset } from "../../src/phoenix/datasets.js";

const fast: RetryPolicy = { retries: 3, minDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 2000 };
let server: Server | undefined;

async function serve(answer: (request: IncomingMessage, response: ServerResponse, index: number) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    answer(request, response, requests.length - 1);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe("calls to Phoenix", () => {
  it("retries 5xx answers until one succeeds", async () => {
    const { url, requests } = await serve((_request, response, index) =>
      index < 2 ? json(response, 503, { detail: "busy" }) : json(response, 200, { data: [{ id: "RGF0YXNldDox", name: "qa" }], next_cursor: null }),
    );
    await expect(findDataset(openPhoenix({ baseUrl: url }, fast), "qa")).resolves.toEqual({ id: "RGF0YXNldDox", name: "qa" });
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatch(/^GET \/v1\/datasets\?name=qa/);
  });

  it("follows the cursor when the first page does not hold the name", async () => {
    const { url, requests } = await serve((request, response) =>
      request.url!.includes("cursor=")
        ? json(response, 200, { data: [{ id: "b", name: "qa" }], next_cursor: null })
        : json(response, 200, { data: [{ id: "a", name: "other" }], next_cursor: "next" }),
    );
    await expect(findDataset(openPhoenix({ baseUrl: url }, fast), "qa")).resolves.toEqual({ id: "b", name: "qa" });
    expect(requests).toHaveLength(2);
  });

  it("does not retry a 4xx answer, and names the call, the server and the answer", async () => {
    const { url, requests } = await serve((_request, response) => response.writeHead(403, { "content-type": "text/plain" }).end("Invalid token"));
    const error = await findDataset(openPhoenix({ baseUrl: url }, fast), "qa").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PhoenixError);
    expect((error as PhoenixError).message).toBe(`looking up dataset "qa": Phoenix at ${url} answered 403: Invalid token`);
    expect((error as PhoenixError).unavailable).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it("names a 4xx web page (a proxy's, at a wrong path) as not Phoenix's API, without retrying it", async () => {
    const { url, requests } = await serve((_request, response) => response.writeHead(404, { "content-type": "text/html" }).end("<html><body>Not Found</body></html>"));
    const error = await findDataset(openPhoenix({ baseUrl: url }, fast), "qa").catch((caught: unknown) => caught);
    expect((error as PhoenixError).message).toBe(
      `looking up dataset "qa": ${url} answered 404 with a web page, not Phoenix's REST API; set the Phoenix URL (--phoenix-url, PHOENIX_HOST or [phoenix] base_url) to the address Phoenix is served at, without a path such as /v1 or /projects`,
    );
    expect(requests).toHaveLength(1);
  });

  it("retries a proxy's 502 page: the server behind it is away, not the address wrong", async () => {
    const { url, requests } = await serve((_request, response, index) =>
      index === 0 ? response.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>") : json(response, 200, { data: [], next_cursor: null }),
    );
    await expect(findDataset(openPhoenix({ baseUrl: url }, fast), "qa")).resolves.toBeNull();
    expect(requests).toHaveLength(2);
  });

  it("gives up on an unreachable server after the retries, saying why", async () => {
    const { url } = await serve(() => {});
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const started = performance.now();
    const error = await findDataset(openPhoenix({ baseUrl: url }, fast), "qa").catch((caught: unknown) => caught);
    expect((error as PhoenixError).message).toMatch(new RegExp(`^looking up dataset "qa": cannot reach Phoenix at ${url} \\(.*ECONNREFUSED.*\\)$`));
    expect((error as PhoenixError).unavailable).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * fast.minDelayMs);
  });

  it("stops at once when its stop signal aborts: the request in flight and the tries to come", async () => {
    const stop = new AbortController();
    // Never answers: only the stop can end the call before its 60 s request timeout.
    const { url, requests } = await serve(() => stop.abort());
    const error = await findDataset(openPhoenix({ baseUrl: url }, { ...fast, requestTimeoutMs: 60_000 }), "qa", stop.signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(requests).toHaveLength(1);
  });

  it("treats a request with no answer in time as a network error and retries it", async () => {
    const { url, requests } = await serve((_request, response, index) => {
      if (index > 0) json(response, 200, { data: [], next_cursor: null });
    });
    await expect(findDataset(openPhoenix({ baseUrl: url }, { ...fast, requestTimeoutMs: 200 }), "qa")).resolves.toBeNull();
    expect(requests).toHaveLength(2);
  });

  it("sends the API key and the extra headers with every call", async () => {
    let headers: IncomingMessage["headers"] = {};
    const { url } = await serve((request, response) => {
      headers = request.headers;
      json(response, 200, { data: [], next_cursor: null });
    });
    await findDataset(openPhoenix({ baseUrl: `${url}/`, apiKey: "secret", headers: { "x-team": "search" } }, fast), "qa");
    expect(headers.authorization).toBe("Bearer secret");
    expect(headers["x-team"]).toBe("search");
  });
});
