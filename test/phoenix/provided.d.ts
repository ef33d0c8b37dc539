// Values the phoenix project's globalSetup hands to its tests through inject().
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the shared Phoenix server, or "" when Phoenix could not be started. */
    phoenixUrl: string;
    /** Why Phoenix could not be started, or "" when it runs. */
    phoenixSkipReason: string;
    /** Base URL of the shared Phoenix server that keeps its data in PostgreSQL, or "". */
    phoenixPostgresUrl: string;
    /** The PostgreSQL server that Phoenix keeps its data in, as a connection URL, or "". */
    postgresUrl: string;
    /** Why Phoenix on PostgreSQL could not be started, or "" when it runs. */
    phoenixPostgresSkipReason: string;
  }
}
