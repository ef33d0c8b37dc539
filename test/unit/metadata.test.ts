import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readGitInfoAhead, runMetadata } from "../../src/engine/metadata.js";
import { tempDir } from "../helpers/cli.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove();
});

function repo(branch: string): { dir: string; commit: string } {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } })
      .toString()
      .trim();
  git("init", "-q", "-b", branch);
  writeFileSync(join(dir, "a.txt"), "a");
  git("add", "a.txt");
  git("commit", "-q", "-m", "a");
  return { dir, commit: git("rev-parse", "HEAD") };
}

describe("runMetadata: the checkout's commit and branch", () => {
  it("reads them when asked, and the same when read ahead", async () => {
    const asked = repo("feature-x");
    expect(runMetadata("d", asked.dir)).toMatchObject({ dataset: "d", run_by: "evalwire", git_commit: asked.commit, git_branch: "feature-x" });
    const ahead = repo("feature-y");
    await readGitInfoAhead(ahead.dir);
    expect(runMetadata("d", ahead.dir)).toMatchObject({ git_commit: ahead.commit, git_branch: "feature-y" });
  });

  it("names no branch on a detached checkout but the CI's, and nothing outside a checkout", async () => {
    const detached = repo("main");
    execFileSync("git", ["checkout", "-q", "--detach"], { cwd: detached.dir });
    const saved = { head: process.env.GITHUB_HEAD_REF, ref: process.env.GITHUB_REF_NAME, ci: process.env.CI_COMMIT_REF_NAME };
    delete process.env.GITHUB_HEAD_REF;
    delete process.env.CI_COMMIT_REF_NAME;
    process.env.GITHUB_REF_NAME = "from-ci";
    try {
      await readGitInfoAhead(detached.dir);
      expect(runMetadata("d", detached.dir)).toMatchObject({ git_commit: detached.commit, git_branch: "from-ci" });
    } finally {
      for (const [key, value] of [
        ["GITHUB_HEAD_REF", saved.head],
        ["GITHUB_REF_NAME", saved.ref],
        ["CI_COMMIT_REF_NAME", saved.ci],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    mkdirSync(join(dir, "plain"));
    await readGitInfoAhead(join(dir, "plain"));
    const outside = runMetadata("d", join(dir, "plain"));
    expect(outside).not.toHaveProperty("git_commit");
    expect(outside).not.toHaveProperty("git_branch");
  });
});
