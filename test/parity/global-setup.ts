// globalSetup of the vitest project "parity": installs the Python evalwire once for all its test
// files. Without it the tests skip with the reason, except in CI (or
// EVALWIRE_REQUIRE_PYTHON_EVALWIRE=1), where the run fails.
import type { TestProject } from "vitest/node";
import { pythonEvalwireOrSkipReason } from "./python-evalwire.js";

export default async function setup(project: TestProject): Promise<void> {
  project.provide("pythonEvalwireSkipReason", (await pythonEvalwireOrSkipReason()) ?? "");
}
