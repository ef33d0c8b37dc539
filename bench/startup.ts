/**
 * (c) Start-up: median wall time (of --runs, default 7, after 1 warm-up) of
 * `node bin/evalwire.js --help` and `node bin/evalwire.js list --experiments experiments-example`,
 * both in the repository root, against plain `node -e ""` as the baseline. Target: --help ≤ 200 ms.
 *
 *   npx tsx bench/startup.ts [--runs N]
 */
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { checkBuild, cliBin, isMain, log, median, ms, type Row, repoDir, rowsTable } from "./lib.js";

const bench = "c start-up";
const targetHelpMs = 200;

interface Timing {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  ok: boolean;
}

/** Median wall time of a command, spawned and waited for synchronously; the first run is a discarded warm-up. */
function time(label: string, args: string[], runs: number): Timing {
  const samples: number[] = [];
  let ok = true;
  for (let run = 0; run <= runs; run++) {
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: repoDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
    const elapsed = performance.now() - start;
    if (child.status !== 0) {
      ok = false;
      process.stderr.write(`${label} exited with ${child.status}: ${child.stderr.toString().slice(0, 500)}\n`);
    }
    if (run > 0) samples.push(elapsed);
  }
  const timing = { label, medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), ok };
  log(`   ${label.padEnd(62)} median ${ms(timing.medianMs)} (min ${ms(timing.minMs)}, max ${ms(timing.maxMs)})${ok ? "" : " [FAILED]"}`);
  return timing;
}

export async function startup(options: { runs?: number } = {}): Promise<Row[]> {
  checkBuild();
  const runs = options.runs ?? 7;
  const bin = relative(repoDir, cliBin);
  log(`\n== ${bench}: median of ${runs} runs after 1 warm-up, cwd ${repoDir}`);
  const baseline = time(`node -e ""`, ["-e", ""], runs);
  const help = time(`node ${bin} --help`, [cliBin, "--help"], runs);
  const list = time(`node ${bin} list --experiments experiments-example`, [cliBin, "list", "--experiments", "experiments-example"], runs);
  return [
    {
      bench,
      figure: `evalwire --help ${ms(help.medianMs)} (node baseline ${ms(baseline.medianMs)}, +${ms(help.medianMs - baseline.medianMs)})${help.ok ? "" : " [FAILED]"}`,
      target: `≤ ${targetHelpMs} ms`,
      met: help.ok && help.medianMs <= targetHelpMs,
    },
    {
      bench,
      figure: `evalwire list --experiments experiments-example ${ms(list.medianMs)} (+${ms(list.medianMs - baseline.medianMs)} over node)${list.ok ? "" : " [FAILED]"}`,
      target: "-",
      met: null,
    },
    { bench, figure: `node -e "" ${ms(baseline.medianMs)} (baseline)`, target: "-", met: null },
  ];
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--runs");
  const rows = await startup(at === -1 ? {} : { runs: Number(process.argv[at + 1]) });
  log(`\n${rowsTable(rows)}`);
}
