import { DatasetError } from "../errors.js";
import { PhoenixError, type Phoenix } from "../phoenix/client.js";
import { datasetUrl, fetchExamples, findDataset } from "../phoenix/datasets.js";
import type { Dataset } from "./dataset.js";
import type { DatasetRequest, DatasetSource } from "./source.js";

/** Datasets fetched by name from a Phoenix server, optionally pinned to a version and narrowed to splits. */
export class PhoenixDatasets implements DatasetSource {
  /** Once Phoenix stayed unreachable through every retry, the other experiments fail at once rather than wait again. */
  private unreachable: PhoenixError | null = null;
  /** Node ids of examples that carry ids of their own, by dataset id and example id: runs are posted against them. */
  private readonly nodeIds = new Map<string, string>();

  constructor(private readonly phoenix: Phoenix) {}

  nodeIdOf(datasetId: string, exampleId: string): string | undefined {
    return this.nodeIds.get(`${datasetId} ${exampleId}`);
  }

  async load(request: DatasetRequest): Promise<Dataset> {
    if (this.unreachable) throw this.unreachable;
    try {
      return await this.fetch(request);
    } catch (error) {
      if (error instanceof PhoenixError && error.unavailable) this.unreachable = error;
      throw error;
    }
  }

  private async fetch({ name, version, splits }: DatasetRequest): Promise<Dataset> {
    const where = `Phoenix at ${this.phoenix.baseUrl}`;
    const info = await findDataset(this.phoenix, name);
    if (!info) throw new DatasetError(`dataset "${name}" not found on ${where}; upload it with \`evalwire upload\`, or name another in the folder's evalwire.toml (dataset = "...")`);
    try {
      const { versionId, examples, nodeIds } = await fetchExamples(this.phoenix, info, { versionId: version, splits });
      for (const [id, nodeId] of nodeIds) this.nodeIds.set(`${info.id} ${id}`, nodeId);
      if (examples.length === 0) throw new DatasetError(`dataset "${name}" on ${where} has no examples${splits?.length ? ` in splits ${splits.join(", ")}` : ""}`);
      return { name, version: versionId, source: datasetUrl(this.phoenix.baseUrl, info.id), examples, remote: { datasetId: info.id, versionId, splits: splits ?? [] } };
    } catch (error) {
      // A 4xx here is about the request (unknown version or split): say so in the dataset's terms.
      if (error instanceof PhoenixError && !error.unavailable) {
        if (error.status === 404 && version) throw new DatasetError(`dataset "${name}" on ${where} has no version ${version}; check dataset_version in the folder's evalwire.toml`);
        throw new DatasetError(`dataset "${name}" on ${where}: ${error.message.replace(/^.*answered \d+: /, "")}`);
      }
      throw error;
    }
  }
}
