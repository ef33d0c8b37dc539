// The built worker's first module. It turns on Node's compile cache (Node >= 22.1) before the
// worker's own code is compiled, so that a thread's start reads evalwire's code compiled, as the
// main thread of the CLI does (bin/evalwire.js); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import * as nodeModule from "node:module";
import { workerData } from "node:worker_threads";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./worker.js");
// Where every folder loads with tsx (Node 20, EVALWIRE_LOADER=tsx), tsx is set up now: that takes
// longer than the main thread takes to find the first folder. What evaluator files most often
// need is loaded first (for `list`, see startThreadAhead, the rubric and task.yaml readers too):
// once tsx is set up, Node 20 sends every module through tsx's hooks thread, several times slower.
// (Node's own type stripping loads them as fast later, and nothing is loaded ahead then.)
if (workerData?.tsxAhead) {
  // A module that fails to load here fails where a folder needs it; a failure of tsx, at the first load.
  await import("../evaluators/index.js").catch(() => {});
  if (workerData.preload) {
    await import("../evaluators/rubric/load-rubric.js").catch(() => {});
    await import("../tasks/task-yaml.js").catch(() => {});
  }
  const { useLoader } = await import("../discovery/load-module.js");
  useLoader("tsx").catch(() => {});
}
