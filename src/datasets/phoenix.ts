import { DatasetError } from "../errors.js";
import { PhoenixError, type Phoenix } from "../phoenix/client.js";
import { datasetUrl, fetchExamples, findDataset } from "../phoenix/datasets.js";
import type { Dataset } from "./dataset.js";
import type { DatasetRequest, DatasetSource } from "./source.js";

/** Datasets fetched by name from a Phoenix server, optionally pinned to a version and narrowed to splits. */
export class PhoenixDatasets implements DatasetSource {
  constructor(private readonly phoenix: Phoenix) {}

  async load({ name, version, splits }: DatasetRequest): Promise<Dataset> {
    const where = `Phoenix at ${this.phoenix.baseUrl}`;
    const info = await findDataset(this.phoenix, name);
    if (!info) throw new DatasetError(`dataset "${name}" not found on ${where}; upload it with \`evalwire upload\`, or name another in the folder's evalwire.toml (dataset = "...")`);
    try {
      const { versionId, examples } = await fetchExamples(this.phoenix, info, { versionId: version, splits });
      if (examples.length === 0) throw new DatasetError(`dataset "${name}" on ${where} has no examples${splits?.length ? ` in splits ${splits.join(", ")}` : ""}`);
      return { name, version: versionId, source: datasetUrl(this.phoenix.baseUrl, info.id), examples, remote: { datasetId: info.id, versionId, splits: splits ?? [] } };
    } catch (error) {
      // A 4xx here is about the request (unknown version or split): say so in the dataset's terms.
      if (error instanceof PhoenixError && !error.unavailable) throw new DatasetError(`dataset "${name}"${version ? ` version ${version}` : ""}: ${error.message.replace(/^.*answered \d+: /, "")} (${where})`);
      throw error;
    }
  }
}
