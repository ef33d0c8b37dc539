// Child process of bench/engine-overhead.ts: times the set-up an ExperimentRunner does before its
// first example (discovery, loading task and evaluators with tsx, reading the dataset), apart
// from the run, so the engine's per-example cost can be told from its fixed cost.
// argv[2]: JSON {experimentsDir}

import { LocalDatasets } from "../../dist/datasets/source.js";
import { discoverExperiments } from "../../dist/discovery/discover.js";
import { loadExperiment } from "../../dist/discovery/load-experiment.js";

const { experimentsDir } = JSON.parse(process.argv[2]);
const t0 = performance.now();
const [folder] = discoverExperiments(experimentsDir);
const t1 = performance.now();
await loadExperiment(folder);
const t2 = performance.now();
const datasets = new LocalDatasets(null, { inputKeys: ["user_query"], outputKeys: ["expected_output"], tagColumn: "tags", delimiter: "|" });
const dataset = await datasets.load({ name: folder.name, experimentDir: folder.dir });
const t3 = performance.now();

process.stdout.write(
  `${JSON.stringify({
    discoverMs: t1 - t0,
    loadCodeMs: t2 - t1,
    loadDatasetMs: t3 - t2,
    examples: dataset.examples.length,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
