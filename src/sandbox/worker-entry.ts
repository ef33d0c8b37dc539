// The built worker's first module. It turns on Node's compile cache (Node >= 22.1) before the
// worker's own code is compiled, so that a thread's start reads evalwire's code compiled, as the
// main thread of the CLI does (bin/evalwire.js); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import * as nodeModule from "node:module";
import { workerData } from "node:worker_threads";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./worker.js");
// Loaded before any folder asks for them (see startThreadAhead), and before tsx is set up: once it
// is, Node 20 sends every module through tsx's hooks thread, which takes several times longer.
// A module that fails to load here fails where a folder needs it.
if (workerData?.preload || workerData?.tsxAhead) await import("../evaluators/index.js").catch(() => {});
if (workerData?.preload) {
  await import("../evaluators/rubric/load-rubric.js").catch(() => {});
  await import("../tasks/task-yaml.js").catch(() => {});
}
// Where every folder loads with tsx (Node 20, EVALWIRE_LOADER=tsx), it is set up now: that takes
// longer than the main thread takes to find the first folder.
if (workerData?.tsxAhead) {
  const { useLoader } = await import("../discovery/load-module.js");
  // A failure is the first load's to report.
  useLoader("tsx").catch(() => {});
}
