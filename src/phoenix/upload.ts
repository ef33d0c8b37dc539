import type { OnExist } from "../config/settings.js";
import { exampleKey, type TestsetExample } from "../datasets/testset.js";
import { callPhoenix, PhoenixError, type Phoenix } from "./client.js";
import { fetchExamples, findDataset } from "./datasets.js";

/** What happened to one dataset. Every change is one request, so a dataset is never half-written. */
export type UploadOutcome =
  | { name: string; action: "created"; datasetId: string; versionId: string; examples: number }
  /** It existed and on_exist is skip: left as it was. */
  | { name: string; action: "skipped"; datasetId: string | null }
  /** overwrite: the dataset now holds exactly the file's examples, as one new version (none when nothing changed). */
  | { name: string; action: "replaced"; datasetId: string; versionId: string; examples: number; added: number; removed: number; changed: number }
  /** append: only examples not already there were added (none: no request, no new version). */
  | { name: string; action: "appended"; datasetId: string; versionId: string | null; added: number; alreadyThere: number };

type UploadAction = "create" | "update" | "append";

interface UploadAnswer {
  dataset_id: string;
  version_id: string;
  num_created_examples: number;
  num_updated_examples: number;
  num_deleted_examples: number;
}

/**
 * Uploads one dataset's examples. Ids are not sent: Phoenix gives each example its own (an id of
 * the file's would become an external id, which Phoenix 20 refuses as the example of an
 * experiment run). Examples should already be free of duplicates.
 */
export async function uploadDataset(phoenix: Phoenix, name: string, examples: TestsetExample[], onExist: OnExist): Promise<UploadOutcome> {
  const existing = await findDataset(phoenix, name);
  if (!existing) {
    // Each mode's own action creates a missing dataset; "create" refuses (409) one made meanwhile.
    const answer = await post(phoenix, name, onExist === "skip" ? "create" : onExist === "overwrite" ? "update" : "append", examples);
    if (!answer) return { name, action: "skipped", datasetId: null };
    return { name, action: "created", datasetId: answer.dataset_id, versionId: answer.version_id, examples: examples.length };
  }
  if (onExist === "skip") return { name, action: "skipped", datasetId: existing.id };

  if (onExist === "overwrite") {
    // One request: Phoenix diffs the examples against the latest version and writes one new version.
    const answer = (await post(phoenix, name, "update", examples))!;
    return {
      name,
      action: "replaced",
      datasetId: answer.dataset_id,
      versionId: answer.version_id,
      examples: examples.length,
      added: answer.num_created_examples,
      removed: answer.num_deleted_examples,
      changed: answer.num_updated_examples,
    };
  }

  const { examples: current } = await fetchExamples(phoenix, existing);
  const there = new Set(current.map((example) => exampleKey(example)));
  const fresh = examples.filter((example) => !there.has(exampleKey(example)));
  if (fresh.length === 0) return { name, action: "appended", datasetId: existing.id, versionId: null, added: 0, alreadyThere: examples.length };
  const answer = (await post(phoenix, name, "append", fresh))!;
  return { name, action: "appended", datasetId: answer.dataset_id, versionId: answer.version_id, added: answer.num_created_examples, alreadyThere: examples.length - fresh.length };
}

/** POST /v1/datasets/upload?sync=true; null when action "create" finds the name taken. */
async function post(phoenix: Phoenix, name: string, action: UploadAction, examples: TestsetExample[]): Promise<UploadAnswer | null> {
  const { data, status } = await callPhoenix(
    `uploading dataset "${name}"`,
    phoenix.baseUrl,
    (signal) =>
      phoenix.client.POST("/v1/datasets/upload", {
        params: { query: { sync: true } },
        // No `splits`: Phoenix then keeps the split assignments of the examples that stay.
        body: { action, name, inputs: examples.map((e) => e.input), outputs: examples.map((e) => e.output), metadata: examples.map((e) => e.metadata) },
        signal,
      }),
    phoenix.retry,
    action === "create" ? (status) => status === 409 : undefined,
  );
  if (status === 409) return null;
  if (!data?.data) throw new PhoenixError(`uploading dataset "${name}": Phoenix at ${phoenix.baseUrl} answered ${status} without the dataset's id`, status);
  return data.data;
}
