import { existsSync, statSync } from "node:fs";
import type { CsvOptions } from "../config/settings.js";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import type { Dataset } from "./dataset.js";
import { loadLocalDataset } from "./local.js";
import type { RememberedChecks } from "./remembered-checks.js";

export interface DatasetRequest {
  name: string;
  experimentDir: string;
  version?: string | undefined;
  splits?: string[] | undefined;
  /** Aborted on Ctrl-C: a fetch from a server stops waiting and retrying. */
  stop?: AbortSignal | undefined;
}

/** Where an experiment's examples come from. */
export interface DatasetSource {
  load(request: DatasetRequest): Promise<Dataset>;
}

export class LocalDatasets implements DatasetSource {
  /** Throws a UsageError, before any work starts, when `[local] datasets_dir` is a file. */
  constructor(
    private readonly datasetsDir: string | null,
    private readonly csv: CsvOptions,
    private readonly checks: RememberedChecks | null = null,
  ) {
    if (datasetsDir && existsSync(datasetsDir) && !statSync(datasetsDir).isDirectory()) {
      throw new UsageError(`[local] datasets_dir: ${shownPath(datasetsDir)} is a file, not a folder of datasets; point it at a folder`);
    }
  }

  async load({ name, experimentDir, version, splits }: DatasetRequest): Promise<Dataset> {
    const dataset = loadLocalDataset(name, { experimentDir, datasetsDir: this.datasetsDir, csv: this.csv, version, checks: this.checks });
    if (splits) dataset.warnings = ["splits apply to Phoenix datasets; the local dataset is used whole"];
    return dataset;
  }
}
