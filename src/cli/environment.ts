import type { Settings } from "../config/settings.js";
import { UsageError } from "../errors.js";

/** True on CI services (CI=true, as GitHub Actions, GitLab and most others set). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== "false" && env.CI !== "0";
}

export function requireLocalBackend(settings: Settings): void {
  if (settings.backend.kind === "phoenix") {
    throw new UsageError(`the Phoenix backend (chosen by ${settings.backend.source}) is not available in this version yet; use --backend local`);
  }
}
