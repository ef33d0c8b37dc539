// For tests in the vitest project "phoenix": the shared servers started by global-setup.ts.
import { describe, inject } from "vitest";

/** The shared Phoenix server's URL, or url "" and the reason it is not there. */
export function phoenix(): { url: string; skipReason: string } {
  return { url: inject("phoenixUrl") ?? "", skipReason: inject("phoenixSkipReason") ?? "" };
}

/** The shared Phoenix server on PostgreSQL and its database's URL, or url "" and the reason it is not there. */
export function phoenixOnPostgres(): { url: string; databaseUrl: string; skipReason: string } {
  return { url: inject("phoenixPostgresUrl") ?? "", databaseUrl: inject("postgresUrl") ?? "", skipReason: inject("phoenixPostgresSkipReason") ?? "" };
}

/** A describe block that needs Phoenix; when Phoenix is missing it is skipped, with the reason in its title. */
export function describePhoenix(name: string, fn: () => void): void {
  const { url, skipReason } = phoenix();
  describe.skipIf(!url)(url ? name : `${name} (skipped: ${skipReason || "no Phoenix server"})`, fn);
}

/** The same for Phoenix on PostgreSQL. */
export function describePhoenixOnPostgres(name: string, fn: () => void): void {
  const { url, skipReason } = phoenixOnPostgres();
  describe.skipIf(!url)(url ? name : `${name} (skipped: ${skipReason || "no Phoenix on PostgreSQL"})`, fn);
}
