// globalSetup of the vitest project "phoenix": one real Phoenix server for all its test files, and
// a second one keeping its data in a real PostgreSQL server (the way a team deploys Phoenix).
// Without them the tests skip with the reason, except in CI (or EVALWIRE_REQUIRE_PHOENIX=1), where the run fails.
import type { TestProject } from "vitest/node";
import { startPhoenixOnPostgres } from "./postgres.js";
import { installPhoenix, startPhoenix } from "./server.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const required = (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") || process.env.EVALWIRE_REQUIRE_PHOENIX === "1";
  // Installed once, before both servers start side by side.
  const installed = installPhoenix();
  // Generous: the two start side by side, on a machine that may be busy with other work.
  const timeoutMs = 240_000;
  const [sqlite, postgres] = await Promise.allSettled([installed.then(() => startPhoenix({ timeoutMs })), installed.then(() => startPhoenixOnPostgres({ timeoutMs }))]);
  const stops = [sqlite, postgres].flatMap((started) => (started.status === "fulfilled" ? [started.value.stop] : []));
  const stopAll = async () => {
    for (const stop of stops) await stop();
  };
  const failed = [sqlite, postgres].find((started) => started.status === "rejected");
  if (failed && required) {
    await stopAll();
    throw failed.reason;
  }

  const reasonOf = (started: PromiseSettledResult<unknown>) => (started.status === "rejected" ? firstLine(started.reason) : "");
  project.provide("phoenixUrl", sqlite.status === "fulfilled" ? sqlite.value.url : "");
  project.provide("phoenixSkipReason", reasonOf(sqlite));
  project.provide("phoenixPostgresUrl", postgres.status === "fulfilled" ? postgres.value.phoenix.url : "");
  project.provide("postgresUrl", postgres.status === "fulfilled" ? postgres.value.postgres.url : "");
  project.provide("phoenixPostgresSkipReason", reasonOf(postgres));
  if (sqlite.status === "rejected") process.stderr.write(`Phoenix tests skipped: ${reasonOf(sqlite)}\n`);
  if (postgres.status === "rejected") process.stderr.write(`Phoenix-on-PostgreSQL tests skipped: ${reasonOf(postgres)}\n`);
  return stopAll;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "unknown error";
}
