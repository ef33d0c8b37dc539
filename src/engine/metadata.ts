import { execFileSync } from "node:child_process";
import { version } from "../version.js";

/** Metadata recorded with every experiment; the user's pairs are merged over it. */
export function runMetadata(dataset: string, cwd: string): Record<string, unknown> {
  return { dataset, run_by: "evalwire", evalwire_version: version, ...gitInfo(cwd) };
}

const gitCache = new Map<string, Record<string, string>>();

/** Commit and branch of the checkout holding `cwd`, if any. CI checkouts are often detached: then the CI's branch variable. */
function gitInfo(cwd: string): Record<string, string> {
  const cached = gitCache.get(cwd);
  if (cached) return cached;
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], timeout: 5000 })
        .toString()
        .trim();
    } catch {
      return "";
    }
  };
  const info: Record<string, string> = {};
  const commit = git("rev-parse", "HEAD");
  if (commit) {
    info.git_commit = commit;
    const branch = git("rev-parse", "--abbrev-ref", "HEAD");
    const ciBranch = process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || process.env.CI_COMMIT_REF_NAME;
    if (branch && branch !== "HEAD") info.git_branch = branch;
    else if (ciBranch) info.git_branch = ciBranch;
  }
  gitCache.set(cwd, info);
  return info;
}
