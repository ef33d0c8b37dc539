import { defaultRetryPolicy, openPhoenix, type Phoenix, type PhoenixClient } from "./client.js";
import type { PhoenixClientLike, PhoenixConnection, RetryPolicy } from "./connection.js";
import { PhoenixDatasets } from "./dataset-source.js";
import { PhoenixRecorder } from "./recorder.js";

/** Everything the Phoenix backend needs; loaded only when Phoenix is used, so a local run starts faster. */
export function phoenixBackend(from: { client: PhoenixClientLike } | PhoenixConnection, retryOptions: Partial<RetryPolicy> = {}, traces = true) {
  const retry = { ...defaultRetryPolicy, ...retryOptions };
  const { phoenix, headers } = "client" in from ? fromClient(from.client, retry) : { phoenix: openPhoenix(from, retry), headers: connectionHeaders(from) };
  const datasets = new PhoenixDatasets(phoenix);
  return {
    phoenix,
    datasets,
    recorder: new PhoenixRecorder(phoenix, {
      headers,
      traces: traces && ("client" in from || from.traces !== false),
      nodeIdOf: (datasetId, exampleId) => datasets.nodeIdOf(datasetId, exampleId),
    }),
  };
}

/** A client the library's user made: its base URL and headers serve the trace exporter too. */
function fromClient(client: PhoenixClientLike, retry: RetryPolicy): { phoenix: Phoenix; headers: Record<string, string> } {
  const baseUrl = (client.config.baseUrl ?? "").replace(/\/+$/, "");
  const headers = Object.fromEntries(new Headers(client.config.headers as ConstructorParameters<typeof Headers>[0]).entries());
  return { phoenix: { client: client as PhoenixClient, baseUrl, retry }, headers };
}

function connectionHeaders({ apiKey, headers }: PhoenixConnection): Record<string, string> {
  return { ...headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) };
}
