// The ways a library user reaches Phoenix, as the public options name them. Nothing here imports
// @arizeai/phoenix-client: its own .d.ts files fail a type check with skipLibCheck false, and a
// project importing evalwire must not load them unless it imports that package itself.

export interface PhoenixConnection {
  baseUrl: string;
  apiKey?: string | null;
  headers?: Record<string, string>;
  /** Export each task call as a span into the experiment's project (default true). */
  traces?: boolean;
}

/**
 * A client from `createClient` of `@arizeai/phoenix-client`, named by the few parts evalwire's
 * types need; evalwire uses it as that package's full client (see phoenix/backend.ts).
 */
export interface PhoenixClientLike {
  config: { baseUrl?: string | undefined; headers?: unknown };
  GET: (...args: never[]) => Promise<unknown>;
  POST: (...args: never[]) => Promise<unknown>;
}

/**
 * A Phoenix server as evalwire talks to it, as types outside phoenix/ name it (a baseline's
 * options, say); what evalwire makes of it is always a Phoenix (phoenix/client.ts), its full client.
 */
export interface PhoenixServer {
  client: PhoenixClientLike;
  baseUrl: string;
  retry: RetryPolicy;
}

export interface RetryPolicy {
  /** Tries after the first (default 5). */
  retries: number;
  /** The first wait, doubled each time up to maxDelayMs (default 250). */
  minDelayMs: number;
  maxDelayMs: number;
  /** A request that has not answered by then counts as a network error (default 30000). */
  requestTimeoutMs: number;
}
