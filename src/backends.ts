// The one place where the engine's ports meet the concrete parts: datasets and sinks for the local
// backend or for Phoenix. Phoenix is loaded on demand, so a local run never pays for it.
import { resolve } from "node:path";
import { type CsvOptions, defaultCsvOptions } from "./config/settings.js";
import { RememberedChecks } from "./datasets/remembered-checks.js";
import { LocalDatasets } from "./datasets/source.js";
import type { Backend } from "./engine/ports.js";
import type { PhoenixClientLike, PhoenixConnection, RetryPolicy } from "./phoenix/connection.js";
import { RunStore } from "./sinks/run-store.js";

export interface BackendOptions {
  /** A client from `createClient` of `@arizeai/phoenix-client`: selects the Phoenix backend. */
  phoenixClient?: PhoenixClientLike | undefined;
  /** Where Phoenix is (the CLI's way): selects the Phoenix backend too. */
  phoenix?: PhoenixConnection | null | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** Export task spans to Phoenix (default true). */
  traces?: boolean | undefined;
  runsDir: string;
  datasetsDir?: string | null | undefined;
  csv?: Partial<CsvOptions> | undefined;
  /** Where checks of large local datasets are remembered (the cache folder's `datasets`); none: not remembered. */
  datasetChecksDir?: string | null | undefined;
}

/** Phoenix when a client or a connection is given, else local files; the run store records in both. */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const store = new RunStore(resolve(options.runsDir));
  const from = options.phoenixClient ? { client: options.phoenixClient } : options.phoenix;
  if (!from) {
    const checks = options.datasetChecksDir ? new RememberedChecks(options.datasetChecksDir) : null;
    const datasets = new LocalDatasets(options.datasetsDir ?? null, { ...defaultCsvOptions(), ...options.csv }, checks);
    return { kind: "local", location: store.runsDir, datasets, sinks: [store] };
  }
  const { phoenixBackend } = await import("./phoenix/backend.js");
  const phoenix = phoenixBackend(from, options.retry, options.traces ?? true);
  return { kind: "phoenix", location: phoenix.phoenix.baseUrl, datasets: phoenix.datasets, sinks: [phoenix.recorder, store] };
}
