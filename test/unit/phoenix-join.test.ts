// Joining a sharded run's experiment on a Phoenix too old to have dataset labels: a small HTTP
// server plays that Phoenix (the pinned real one has them; the Phoenix tests cover it for real).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { openPhoenix, PhoenixError } from "../../src/phoenix/client.js";
import { joinExperiment, runToken } from "../../src/phoenix/join.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

it("names the missing dataset labels API and what to do, and creates nothing", async () => {
  const requests: string[] = [];
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url?.split("?")[0]}`);
    if (request.url?.startsWith("/v1/datasets/")) response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [], next_cursor: null }));
    else response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Not Found" }));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let created = 0;
  const join = joinExperiment(openPhoenix({ baseUrl: url }, { retries: 1, minDelayMs: 5, maxDelayMs: 5, requestTimeoutMs: 2000 }), {
    datasetId: "RGF0YXNldDox",
    token: runToken("42", "qa", "RGF0YXNldDox"),
    runId: "42",
    create: async () => {
      created++;
      return { id: "x" };
    },
  });
  await expect(join).rejects.toBeInstanceOf(PhoenixError);
  await expect(join).rejects.toThrow(
    `Phoenix at ${url} has no dataset labels API (/v1/dataset_labels), which shards with a run id use to meet in one experiment: upgrade Phoenix, or run without --run-id`,
  );
  expect(created).toBe(0);
  expect(requests).toEqual(["GET /v1/datasets/RGF0YXNldDox/experiments", "POST /v1/dataset_labels"]);
});
