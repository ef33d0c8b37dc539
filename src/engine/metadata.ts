import { execFile, execFileSync } from "node:child_process";
import { version } from "../version.js";

/** Metadata recorded with every experiment; the user's pairs are merged over it. */
export function runMetadata(dataset: string, cwd: string): Record<string, unknown> {
  return { dataset, run_by: "evalwire", evalwire_version: version, ...gitInfo(cwd) };
}

const gitCache = new Map<string, Record<string, string>>();
const gitAsked = new Map<string, Promise<void>>();
/** One call: the commit, then the branch name ("HEAD" when detached). */
const gitArgs = ["rev-parse", "HEAD", "--abbrev-ref", "HEAD"];

/**
 * Starts reading the commit and branch of `cwd` in the background (at the start of a run), so that
 * no experiment waits on git between loading its code and its first call. `runMetadata` asks git
 * itself when the answer is not in yet. Resolves once it is in.
 */
export function readGitInfoAhead(cwd: string): Promise<void> {
  let asked = gitAsked.get(cwd);
  if (!asked) {
    asked = new Promise((done) => {
      execFile("git", gitArgs, { cwd, timeout: 5000 }, (error, stdout) => {
        if (!gitCache.has(cwd)) gitCache.set(cwd, infoOf(error ? "" : stdout));
        done();
      });
    });
    gitAsked.set(cwd, asked);
  }
  return asked;
}

/** Commit and branch of the checkout holding `cwd`, if any. */
function gitInfo(cwd: string): Record<string, string> {
  let info = gitCache.get(cwd);
  if (!info) {
    let stdout = "";
    try {
      stdout = execFileSync("git", gitArgs, { cwd, stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).toString();
    } catch {
      // Not a checkout, no commit yet, or no git: no git metadata.
    }
    info = infoOf(stdout);
    gitCache.set(cwd, info);
  }
  return info;
}

/** CI checkouts are often detached: then the CI's branch variable names the branch. */
function infoOf(stdout: string): Record<string, string> {
  const [commit, branch] = stdout.trim().split("\n");
  const info: Record<string, string> = {};
  if (!commit) return info;
  info.git_commit = commit;
  const ciBranch = process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || process.env.CI_COMMIT_REF_NAME;
  if (branch && branch !== "HEAD") info.git_branch = branch;
  else if (ciBranch) info.git_branch = ciBranch;
  return info;
}
