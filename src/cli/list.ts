import { startThreadAhead } from "../sandbox/warm-worker.js";
import type { ListFlags } from "./options.js";

/**
 * `evalwire list`. The worker thread that loads the experiments' code starts first: it boots while
 * the rest of the command (settings, schemas, dataset readers) is loaded and the folders are read.
 */
export async function listCommand(flags: ListFlags): Promise<number> {
  startThreadAhead({ preload: true });
  return (await import("./list-experiments.js")).listExperiments(flags);
}
