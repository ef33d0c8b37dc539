import type { OnExist } from "../config/settings.js";
import { exampleKey, type TestsetExample } from "../datasets/testset.js";
import { callPhoenix, type Phoenix, PhoenixError } from "./client.js";
import { fetchExamples, findDataset, type PhoenixDatasetInfo } from "./datasets.js";

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
    const action = onExist === "skip" ? "create" : onExist === "overwrite" ? "update" : "append";
    const answer = await post(phoenix, name, action, examples, action === "append" ? () => retryAppend(phoenix, name, examples) : undefined);
    if (answer === "taken") return { name, action: "skipped", datasetId: null };
    if (answer === "created by a lost try") {
      const made = await findDataset(phoenix, name);
      return { name, action: "created", datasetId: made?.id ?? "", versionId: "", examples: examples.length };
    }
    return { name, action: "created", datasetId: answer.dataset_id, versionId: answer.version_id, examples: examples.length };
  }
  if (onExist === "skip") return { name, action: "skipped", datasetId: existing.id };

  if (onExist === "overwrite") {
    // One request: Phoenix diffs the examples against the latest version and writes one new version.
    const answer = (await post(phoenix, name, "update", examples)) as UploadAnswer;
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

  const { fresh } = (await stillMissing(phoenix, name, examples, existing))!;
  if (fresh.length === 0) return { name, action: "appended", datasetId: existing.id, versionId: null, added: 0, alreadyThere: examples.length };
  const answer = (await post(phoenix, name, "append", fresh, () => retryAppend(phoenix, name, fresh))) as UploadAnswer;
  return { name, action: "appended", datasetId: answer.dataset_id, versionId: answer.version_id, added: answer.num_created_examples, alreadyThere: examples.length - fresh.length };
}

/** The examples not in the dataset yet (null when there is no such dataset). */
async function stillMissing(
  phoenix: Phoenix,
  name: string,
  examples: TestsetExample[],
  known?: PhoenixDatasetInfo,
): Promise<{ datasetId: string; versionId: string; fresh: TestsetExample[] } | null> {
  const dataset = known ?? (await findDataset(phoenix, name));
  if (!dataset) return null;
  const { examples: current, versionId } = await fetchExamples(phoenix, dataset);
  const keys = new Set(current.map((example) => exampleKey(example)));
  return { datasetId: dataset.id, versionId, fresh: examples.filter((example) => !keys.has(exampleKey(example))) };
}

/**
 * Before an append is tried again: the try whose answer was lost may have appended already, so
 * send only what is still missing, or nothing (answering for the lost try) when all of it is there.
 */
async function retryAppend(phoenix: Phoenix, name: string, examples: TestsetExample[]): Promise<TestsetExample[] | UploadAnswer> {
  const there = await stillMissing(phoenix, name, examples);
  if (!there) return examples;
  if (there.fresh.length > 0) return there.fresh;
  return { dataset_id: there.datasetId, version_id: there.versionId, num_created_examples: examples.length, num_updated_examples: 0, num_deleted_examples: 0 };
}

/**
 * POST /v1/datasets/upload?sync=true. "taken" when action "create" finds the name taken, or
 * "created by a lost try" when a retry meets the dataset its own earlier try made. `beforeRetry`
 * gives the examples to send again (or the answer, when nothing is left to send).
 */
async function post(
  phoenix: Phoenix,
  name: string,
  action: UploadAction,
  examples: TestsetExample[],
  beforeRetry?: () => Promise<TestsetExample[] | UploadAnswer>,
): Promise<UploadAnswer | "taken" | "created by a lost try"> {
  let attempt = 0;
  let conflict = 0;
  const { data, status } = await callPhoenix(
    `uploading dataset "${name}"`,
    phoenix.baseUrl,
    async (signal) => {
      let batch = examples;
      if (attempt++ > 0 && beforeRetry) {
        const next = await beforeRetry();
        if (!Array.isArray(next)) return { data: { data: next }, response: new Response(null, { status: 200 }) };
        batch = next;
      }
      return phoenix.client.POST("/v1/datasets/upload", {
        params: { query: { sync: true } },
        // No `splits`: Phoenix then keeps the split assignments of the examples that stay.
        body: { action, name, inputs: batch.map((e) => e.input), outputs: batch.map((e) => e.output), metadata: batch.map((e) => e.metadata) },
        signal,
      });
    },
    phoenix.retry,
    action === "create"
      ? (code, _error, tries) => {
          if (code === 409) conflict = tries;
          return code === 409;
        }
      : undefined,
  );
  if (status === 409) return conflict > 1 ? "created by a lost try" : "taken";
  if (!data?.data) throw new PhoenixError(`uploading dataset "${name}": Phoenix at ${phoenix.baseUrl} answered ${status} without the dataset's id`, status);
  return data.data;
}
