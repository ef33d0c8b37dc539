// The built worker's first module: it turns on Node's compile cache (Node >= 22.1) before the
// worker's own code is compiled, so that a thread's start reads evalwire's code compiled, as the
// main thread of the CLI does (bin/evalwire.js). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import * as nodeModule from "node:module";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./worker.js");
