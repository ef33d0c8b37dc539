import type { Settings } from "../config/settings.js";
import type { PhoenixConnection } from "../phoenix/client.js";

/** True on CI services (CI=true, as GitHub Actions, GitLab and most others set). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== "false" && env.CI !== "0";
}

/** Where Phoenix is, when it is the backend. */
export function phoenixConnection(settings: Settings): PhoenixConnection | undefined {
  const { backend } = settings;
  return backend.kind === "phoenix" ? { baseUrl: backend.baseUrl, apiKey: backend.apiKey, headers: backend.headers, traces: backend.traces } : undefined;
}
