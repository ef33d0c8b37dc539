import type { Dataset } from "../datasets/dataset.js";
import type { DatasetRequest, DatasetSource } from "../datasets/source.js";
import { DatasetError } from "../errors.js";
import { type Phoenix, PhoenixError } from "./client.js";
import { datasetUrl, fetchExamples, findDataset } from "./datasets.js";

/** Datasets fetched by name from a Phoenix server, optionally pinned to a version and narrowed to splits. */
export class PhoenixDatasets implements DatasetSource {
  /** Once Phoenix stayed unreachable through every retry, the other experiments fail at once rather than wait again. */
  private unreachable: PhoenixError | null = null;
  /** Node ids of examples that carry ids of their own, by dataset id and example id: runs are posted against them. */
  private readonly nodeIds = new Map<string, string>();

  /** `hints` end the messages for a dataset or a version that is not there: what to do about it, where this one is asked for. */
  constructor(
    private readonly phoenix: Phoenix,
    private readonly hints: { noDataset: string; noVersion: string; noSplit: string } = {
      noDataset: 'upload it with `evalwire upload`, or name another in the folder\'s evalwire.toml (dataset = "...")',
      noVersion: "check dataset_version in the folder's evalwire.toml",
      noSplit: "check splits in the folder's evalwire.toml",
    },
  ) {}

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

  private async fetch({ name, version, splits, stop }: DatasetRequest): Promise<Dataset> {
    const where = `Phoenix at ${this.phoenix.baseUrl}`;
    const info = await findDataset(this.phoenix, name, stop);
    if (!info) throw new DatasetError(`dataset "${name}" not found on ${where}; ${this.hints.noDataset}`);
    try {
      const { versionId, examples, nodeIds } = await fetchExamples(this.phoenix, info, { versionId: version, splits, stop });
      for (const [id, nodeId] of nodeIds) this.nodeIds.set(`${info.id} ${id}`, nodeId);
      if (examples.length === 0) throw new DatasetError(`dataset "${name}" on ${where} has no examples${splits?.length ? ` in splits ${splits.join(", ")}` : ""}`);
      return { name, version: versionId, source: datasetUrl(this.phoenix.baseUrl, info.id), examples, remote: { datasetId: info.id, versionId, splits: splits ?? [] } };
    } catch (error) {
      // A 4xx here is about the request (unknown version or split): say so in the dataset's terms.
      if (error instanceof PhoenixError && !error.unavailable) {
        if (error.status === 404 && version) throw new DatasetError(`dataset "${name}" on ${where} has no version ${version}; ${this.hints.noVersion}`);
        const reason = error.message.replace(/^.*answered \d+: /, "");
        // Phoenix's words name what it refused ("Invalid dataset version ID format", "Dataset splits not found"): add where that is set.
        const hint = version && /version/i.test(reason) ? this.hints.noVersion : splits?.length && /split/i.test(reason) ? this.hints.noSplit : null;
        throw new DatasetError(`dataset "${name}" on ${where}: ${reason}${hint ? `; ${hint}` : ""}`);
      }
      throw error;
    }
  }
}
