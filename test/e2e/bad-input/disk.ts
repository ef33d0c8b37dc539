import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runFolders } from "../../helpers/cli.js";
import { mountSmallDisk } from "../../helpers/privileges.js";
import { type BadInput, experiment, ids } from "./case.js";

const greetKept = { eval_greet: { ids: ["a", "b", "c"], status: "passed" as const } };

/** 30 results of about 3 KB each, one at a time: a 40 KB disk fills part way through. */
const big = {
  "experiments/big/task.ts": 'export const task = (example: { id: string }) => ({ id: example.id, text: "x".repeat(3000) });\n',
  "experiments/big/dataset.jsonl": `${Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `e${i + 1}`, input: { n: i + 1 } })).join("\n")}\n`,
  "experiments/big/evalwire.toml": "example_concurrency = 1\n",
};

/** Mounts a small disk on the working folder's .evalwire, where runs are recorded. */
function smallStore(size: string, inodes?: number) {
  return (cwd: string) => {
    mkdirSync(join(cwd, ".evalwire"), { recursive: true });
    return mountSmallDisk(join(cwd, ".evalwire"), size, inodes);
  };
}

/** Takes away a path's permissions for the run (the CLI runs as nobody); returns the undo. */
function locked(path: string, mode = 0o000) {
  return (cwd: string) => {
    chmodSync(join(cwd, path), mode);
    return () => chmodSync(join(cwd, path), 0o755);
  };
}

export const diskCases: BadInput[] = [
  {
    what: "the disk fills up part way through a run",
    root: true,
    files: big,
    fault: smallStore("40k"),
    args: ["run"],
    code: 1,
    message: /^evalwire: big failed: \d+ of 30 results not recorded: ENOSPC: no space left on device/,
    kept: { eval_big: { ids: ids(1, 30), partial: true, status: "failed" } },
  },
  {
    what: "the disk is full before the first result",
    root: true,
    files: experiment("greet"),
    // Room for the runs folder and the run's folder, none for run.json.
    fault: smallStore("40k", 3),
    args: ["run"],
    code: 1,
    message: /^evalwire: greet failed: cannot record results: ENOSPC: no space left on device/,
  },
  {
    what: "a read-only disk where runs are recorded",
    root: true,
    files: experiment("greet"),
    fault: (cwd) => {
      mkdirSync(join(cwd, ".evalwire"));
      return mountSmallDisk(join(cwd, ".evalwire"), "40k", undefined, true);
    },
    args: ["run"],
    code: 1,
    message: /^evalwire: greet failed: cannot record results: EROFS: read-only file system, mkdir '.*\/\.evalwire\/runs'$/,
  },
  {
    what: "an experiment folder this user cannot read",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), ...experiment("locked") },
    fault: locked("experiments/locked"),
    args: ["run"],
    code: 1,
    message: /^evalwire: locked failed: experiments\/locked: cannot read the folder \(permission denied\); let this user read it \(chmod a\+rx\) or move it out of experiments$/,
    kept: greetKept,
  },
  {
    what: "a dataset this user cannot read",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), ...experiment("locked") },
    fault: locked("experiments/locked/dataset.jsonl"),
    args: ["run"],
    code: 1,
    message: /^evalwire: locked failed: experiments\/locked\/dataset\.jsonl: cannot read it \(permission denied\); let this user read it \(chmod a\+r\)$/,
    kept: greetKept,
  },
  {
    what: "a task file this user cannot read",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), ...experiment("locked") },
    fault: locked("experiments/locked/task.ts"),
    args: ["run"],
    code: 1,
    message: /^evalwire: locked failed: experiments\/locked\/task\.ts: cannot .*permission denied/,
    kept: greetKept,
  },
  {
    what: "an evalwire.toml this user cannot read",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), "evalwire.toml": "[experiments]\nrepetitions = 1\n" },
    fault: locked("evalwire.toml"),
    args: ["run"],
    code: 2,
    message: /^evalwire: evalwire\.toml: cannot read it \(permission denied\); let this user read it \(chmod a\+r\)$/,
  },
  {
    what: "a runs folder this user cannot write",
    root: true,
    asNobody: true,
    files: experiment("greet"),
    fault: (cwd) => {
      mkdirSync(join(cwd, ".evalwire", "runs"), { recursive: true, mode: 0o555 });
      return undefined;
    },
    args: ["run"],
    code: 1,
    message: /^evalwire: greet failed: cannot record results: .*permission denied.*\.evalwire\/runs/,
  },
  {
    what: "a report file in a folder this user cannot write",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), "reports/.keep": "" },
    fault: locked("reports", 0o555),
    args: ["run", "--reporter", "junit=reports/junit.xml"],
    code: 1,
    message: /^evalwire: cannot write the junit report reports\/junit\.xml: .*permission denied/,
    kept: greetKept,
  },
  {
    what: "a task cache this user cannot write: a warning, and the run still passes",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), ".evalwire/cache/.keep": "" },
    fault: (cwd) => {
      chmodSync(join(cwd, ".evalwire"), 0o777);
      chmodSync(join(cwd, ".evalwire", "cache"), 0o555);
      return undefined;
    },
    args: ["run", "--cache"],
    code: 0,
    message: /^warning: greet: cannot write to the task cache: EACCES: permission denied, mkdir '.*\/\.evalwire\/cache\//,
    kept: greetKept,
  },

  {
    what: "a report path that is a folder: a usage error before any work",
    files: { ...experiment("greet"), "reports/junit.xml/.keep": "" },
    args: ["run", "--reporter", "junit=reports/junit.xml"],
    code: 2,
    message: /^evalwire: --reporter "junit=reports\/junit\.xml": reports\/junit\.xml is a folder; name a file$/,
  },
  {
    what: "a report path below a file: a usage error before any work",
    files: { ...experiment("greet"), reports: "not a folder\n" },
    args: ["run", "--reporter", "json=reports/run.json"],
    code: 2,
    message: /^evalwire: --reporter "json=reports\/run\.json": reports is a file, so no folder can hold reports\/run\.json; name another path$/,
  },
  {
    what: "a report path in [report] reporters below a file",
    files: { ...experiment("greet"), reports: "not a folder\n", "evalwire.toml": '[report]\nreporters = ["markdown=reports/summary.md"]\n' },
    args: ["run"],
    code: 2,
    message: /^evalwire: evalwire\.toml: \[report\] reporters "markdown=reports\/summary\.md": reports is a file, so no folder can hold reports\/summary\.md; name another path$/,
  },
  {
    what: "a task cache folder that is a file: a warning, and the run still passes",
    files: { ...experiment("greet"), ".evalwire/cache": "not a folder\n" },
    args: ["run", "--cache"],
    code: 0,
    message: /^warning: greet: cannot write to the task cache: ENOTDIR: not a directory, mkdir '.*\/\.evalwire\/cache\//,
    kept: greetKept,
  },

  {
    what: "export --output into a folder this user cannot write",
    root: true,
    asNobody: true,
    files: { ...experiment("greet"), "exports/.keep": "" },
    before: [{ args: ["run"] }],
    fault: locked("exports", 0o555),
    args: (cwd) => ["export", runFolders(cwd)[0]!, "--output", "exports/greet.csv"],
    code: 2,
    message: /^evalwire: --output exports\/greet\.csv: cannot write it \(EACCES: permission denied, open '.*\/exports\/greet\.csv'\)$/,
  },
  {
    what: "report --output below a file",
    files: { ...experiment("greet"), notes: "a file, not a folder\n" },
    before: [{ args: ["run"] }],
    args: (cwd) => ["report", runFolders(cwd)[0]!, "--output", "notes/report.md"],
    code: 2,
    message: /^evalwire: --output: notes is a file, so no folder can hold notes\/report\.md; name another path$/,
  },
  {
    what: "export --output that is a folder",
    files: { ...experiment("greet"), "exports/.keep": "" },
    before: [{ args: ["run"] }],
    args: (cwd) => ["export", runFolders(cwd)[0]!, "--output", "exports"],
    code: 2,
    message: /^evalwire: --output: exports is a folder; name a file$/,
  },
  // /dev/full takes the file and refuses every write (ENOSPC), as a full disk does: no fault of the path.
  {
    what: "report --output on a full disk",
    files: experiment("greet"),
    before: [{ args: ["run"] }],
    args: (cwd) => ["report", runFolders(cwd)[0]!, "--output", "/dev/full"],
    code: 1,
    message: /^evalwire: cannot write \/dev\/full: ENOSPC: no space left on device, write$/,
  },
  {
    what: "export --output on a full disk",
    files: experiment("greet"),
    before: [{ args: ["run"] }],
    args: (cwd) => ["export", runFolders(cwd)[0]!, "--output", "/dev/full"],
    code: 1,
    message: /^evalwire: cannot write \/dev\/full: ENOSPC: no space left on device, write$/,
  },
];
