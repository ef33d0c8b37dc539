// The built worker's first module. It turns on Node's compile cache (Node >= 22.1) before the
// worker's own code is compiled, so that a thread's start reads evalwire's code compiled, as the
// main thread of the CLI does (bin/evalwire.js); NODE_DISABLE_COMPILE_CACHE=1 turns it off. Where
// every folder loads with tsx (`tsxAhead`: Node 20), it sets tsx up before the first folder is
// sent: that takes longer than finding the folders does.
import * as nodeModule from "node:module";
import { workerData } from "node:worker_threads";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./worker.js");
if (workerData?.tsxAhead) {
  // The built-ins, which most evaluator files import, are loaded first: once tsx is set up, Node 20
  // sends every module through tsx's hooks thread, which takes several times longer.
  await import("../evaluators/index.js").catch(() => {});
  const { useLoader } = await import("../discovery/load-module.js");
  // A failure is the first load's to report.
  useLoader("tsx").catch(() => {});
}
