// globalSetup of the vitest project "phoenix": one real Phoenix server for all its test files.
// Without Phoenix the tests skip with the reason, except in CI (or EVALWIRE_REQUIRE_PHOENIX=1), where the run fails.
import type { TestProject } from "vitest/node";
import { installPhoenix, startPhoenix, type PhoenixServer } from "./server.js";

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let server: PhoenixServer;
  try {
    await installPhoenix();
    server = await startPhoenix();
  } catch (error) {
    const required = (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") || process.env.EVALWIRE_REQUIRE_PHOENIX === "1";
    if (required) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "unknown error";
    project.provide("phoenixUrl", "");
    project.provide("phoenixSkipReason", reason);
    process.stderr.write(`Phoenix tests skipped: ${reason}\n`);
    return undefined;
  }
  project.provide("phoenixUrl", server.url);
  project.provide("phoenixSkipReason", "");
  return () => server.stop();
}
