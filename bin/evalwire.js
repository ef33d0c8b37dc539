#!/usr/bin/env node
import * as nodeModule from "node:module";

// Node >= 22.1 keeps evalwire's compiled code in its cache folder (os.tmpdir(), or NODE_COMPILE_CACHE;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off): turned on before the CLI's code is compiled.
nodeModule.enableCompileCache?.();
// Ctrl-C or SIGTERM while the CLI loads is held for the command (see held-signals).
const { holdSignals } = await import("../dist/cli/held-signals.js");
holdSignals();
// `run` and `list` load experiment code in a worker thread: it starts booting now, while the CLI loads.
// Not for their --help: the process would only wait at its end for the thread to stop.
const [command, ...rest] = process.argv.slice(2);
const help = rest.includes("--help") || rest.includes("-h");
if ((command === "run" || command === "list") && !help) (await import("../dist/sandbox/warm-worker.js")).startThreadAhead({ preload: command === "list" });
const { main } = await import("../dist/cli/main.js");
main(process.argv.slice(2));
