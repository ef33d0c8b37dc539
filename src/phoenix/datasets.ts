import type { Example } from "../types.js";
import { callPhoenix, type Phoenix } from "./client.js";

export interface PhoenixDatasetInfo {
  id: string;
  name: string;
}

/**
 * A dataset's id by its exact name. The server pages its list (10 by default) and filters by name;
 * the cursor is followed anyway, so a server that ignores the filter is still searched to the end.
 */
export async function findDataset(phoenix: Phoenix, name: string, stop?: AbortSignal): Promise<PhoenixDatasetInfo | null> {
  let cursor: string | undefined;
  do {
    const { data } = await callPhoenix(
      `looking up dataset "${name}"`,
      phoenix.baseUrl,
      (signal) => phoenix.client.GET("/v1/datasets", { params: { query: { name, limit: 100, ...(cursor ? { cursor } : {}) } }, signal }),
      { ...phoenix.retry, stop },
    );
    const found = data?.data.find((dataset) => dataset.name === name);
    if (found) return { id: found.id, name: found.name };
    cursor = data?.next_cursor ?? undefined;
  } while (cursor);
  return null;
}

export interface PhoenixExamples {
  versionId: string;
  examples: Example[];
  /**
   * An example uploaded with an id of its own keeps it as `id`; runs must still be posted against
   * its node id (Phoenix answers 500 otherwise). Only such examples are here.
   */
  nodeIds: Map<string, string>;
}

/** A dataset's examples: the latest version unless one is pinned, all of them unless splits are named. */
export async function fetchExamples(
  phoenix: Phoenix,
  dataset: PhoenixDatasetInfo,
  options: { versionId?: string | undefined; splits?: string[] | undefined; stop?: AbortSignal | undefined } = {},
): Promise<PhoenixExamples> {
  const { data } = await callPhoenix(
    `fetching dataset "${dataset.name}"`,
    phoenix.baseUrl,
    (signal) =>
      phoenix.client.GET("/v1/datasets/{id}/examples", {
        params: { path: { id: dataset.id }, query: { ...(options.versionId ? { version_id: options.versionId } : {}), ...(options.splits?.length ? { split: options.splits } : {}) } },
        signal,
      }),
    { ...phoenix.retry, stop: options.stop },
  );
  const body = data!.data;
  const nodeIds = new Map<string, string>();
  for (const example of body.examples) if (example.node_id && example.node_id !== example.id) nodeIds.set(example.id, example.node_id);
  return {
    versionId: body.version_id,
    nodeIds,
    examples: body.examples.map((example) => ({
      id: example.id,
      input: example.input ?? {},
      output: example.output ?? {},
      metadata: example.metadata ?? {},
    })),
  };
}

/** The dataset's page in the Phoenix UI. */
export function datasetUrl(baseUrl: string, datasetId: string): string {
  return `${baseUrl}/datasets/${encodeURIComponent(datasetId)}/examples`;
}
